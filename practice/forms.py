"""The learner's forms of the practice activities."""

import re

from django import forms

from courses.forms import AttachmentFormMixin
from lms.sanitise import clean_html


class DraftPostForm(AttachmentFormMixin, forms.Form):
    """A drafted post; with an image allowed (the lesson's attachment), its alt text."""

    post = forms.CharField(
        label="Your post",
        max_length=70_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Write it as you would post it: links, hashtags and emoji count as the platform does.",
    )
    alt_text = forms.CharField(
        label="Image description (alt text)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="If you add an image, describe what it shows for people who can't see it.",
    )

    def __init__(self, *args, allow_attachment=False, **kwargs):
        super().__init__(*args, allow_attachment=allow_attachment, **kwargs)
        if allow_attachment:
            self.fields["attachment"].image_only = True
            self.fields["attachment"].widget.attrs["accept"] = ".png,.jpg,.jpeg,.gif,.webp"
            self.fields["attachment"].label = "Image (optional)"
            self.fields[
                "attachment"
            ].help_text = "The image you would post with it: PNG, JPEG, GIF or WebP, up to 5 MB."
        else:
            del self.fields["alt_text"]


class MetricsForm(forms.Form):
    """One answer field per question of a metrics exercise, named answer_0, answer_1, ..."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions):
            unit = question["unit"]
            self.fields[f"answer_{number}"] = forms.CharField(
                label=question["label"] + (f" ({unit})" if unit else ""),
                max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                help_text=f"A number; answers within {question['tolerance']:g} count.",
            )

    def answers(self):
        return {
            int(name.removeprefix("answer_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


MAX_PATH_STEPS = 50


def parse_path(text):
    """The replies chosen so far, from "0,2,1"; ValueError for anything else."""
    if not text:
        return []
    if not re.fullmatch(r"\d{1,2}(,\d{1,2})*", text) or text.count(",") >= MAX_PATH_STEPS:
        raise ValueError("Not a path through a scenario.")
    return [int(n) for n in text.split(",")]


class ScenarioForm(forms.Form):
    """A reply chosen at the current step, with the path so far (replayed on the server)."""

    path = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)
    choice = forms.TypedChoiceField(label="Choose your reply", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [
            (number, choice["reply"]) for number, choice in enumerate(step["choices"] if step else [])
        ]
        if step:
            self.fields["choice"].label = step["question"]


class ScenarioFinishForm(forms.Form):
    """Submit a finished scenario, with the learner's own reply in their words (optional)."""

    path = forms.CharField(widget=forms.HiddenInput, max_length=200)
    own_reply = forms.CharField(
        label="In your own words: what would you post? (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_path(self):
        try:
            return parse_path(self.cleaned_data["path"])
        except ValueError as error:
            raise forms.ValidationError("Start the scenario again.") from error


class ReflectionForm(AttachmentFormMixin, forms.Form):
    text = forms.CharField(
        label="Your answer",
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Leave a blank line between paragraphs. Start a line with - for a list. Write a table "
        "as rows such as | Week | Topic |, with | --- | --- | under the first row.",
    )

    def __init__(self, *args, min_words=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_words = min_words

    def clean_text(self):
        text = self.cleaned_data["text"]
        words = len(re.findall(r"\w+", re.sub(r"<[^>]*>", " ", clean_html(text))))
        if words < self.min_words:
            raise forms.ValidationError(f"Write at least {self.min_words} words (you have {words}).")
        return text
