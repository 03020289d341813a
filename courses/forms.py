from django import forms

from lms.sanitise import clean_html

from .models import TaskSubmission


class TaskSubmissionForm(forms.ModelForm):
    class Meta:
        model = TaskSubmission
        fields = ["text"]
        labels = {"text": "Your work"}
        help_texts = {
            "text": "Write or paste your answer. Simple formatting is kept (paragraphs, lists, bold, links)."
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not clean_html(text).strip() or len(" ".join(text.split())) < 20:
            raise forms.ValidationError("Write at least a few sentences (20 characters or more).")
        return text
