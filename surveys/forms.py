from django import forms

from .models import Likert


class SurveyForm(forms.Form):
    """One optional radio group per statement (a fieldset with the statement as its legend) and
    an optional comment."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        for item in survey.items.all():
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=item.statement,
                choices=Likert.choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = forms.CharField(
            label=survey.comment_prompt,
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 5}),
        )

    def answers(self):
        return {
            int(name.removeprefix("item_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_") and value not in (None, "")
        }

    def statement_fields(self):
        return [self[name] for name in self.fields if name.startswith("item_")]
