from django import forms

from .models import parse_certificate_code


class VerifyCertificateForm(forms.Form):
    """The public form that looks a certificate up by its number (/certificates/verify/)."""

    code = forms.CharField(
        label="Certificate number",
        max_length=300,
        help_text="Printed under “Certificate number” at the bottom of the certificate, for example "
        "5-XfX2K780J5lQL9RhVNjkKRpxdw7WuW. Type it or paste it; spaces and line breaks are ignored. "
        "Capital and small letters are different. You can also paste the certificate’s link.",
        error_messages={
            "required": "Enter the certificate number.",
            "max_length": "That is longer than a certificate number. Enter only the number.",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self):
        code = parse_certificate_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                "That is not a certificate number. A certificate number has only letters, digits, "
                "hyphens (-) and underscores (_)."
            )
        return code
