from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, PasswordResetForm

from .models import Organisation, User


class SignUpForm(BaseUserCreationForm):
    organisation_name = forms.CharField(
        label="Organisation",
        max_length=200,
        required=False,
        help_text="Your agency or council, for example 'Department of Finance' or 'City of Ballarat'.",
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "role"]
        labels = {"full_name": "Full name", "role": "I am a"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Trainers are appointed by an administrator, not self-selected at sign-up.
        self.fields["role"].choices = [
            choice for choice in User.Role.choices if choice[0] != User.Role.TRAINER
        ]
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["organisation_name"].widget.attrs.update(autocomplete="organization")
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.update(autocomplete="new-password")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. Log in or reset your password."
            )
        return email

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Enter your full name as it should appear on a certificate.")
        return name

    def save(self, commit=True):
        user = super().save(commit=False)
        name = " ".join(self.cleaned_data.get("organisation_name", "").split())
        if name:
            kind = (
                Organisation.Kind.COUNCIL if user.role == User.Role.COUNCILLOR else Organisation.Kind.AGENCY
            )
            organisation = Organisation.objects.filter(name__iexact=name).first()
            user.organisation = organisation or Organisation.objects.create(name=name, kind=kind)
        if commit:
            user.save()
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "organisation"]
        labels = {"full_name": "Full name"}
        help_texts = {
            "full_name": "Exactly as it should print on your certificates. "
            "Certificates already issued keep the name they were issued with until a trainer reissues them.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["organisation"].required = False
        self.fields["organisation"].empty_label = "None"

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Enter your full name as it should appear on a certificate.")
        return name


class LmsPasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches invited learners who have not set a password yet
    (an unusable password and no login), so an expired invitation can be renewed by the learner."""

    def get_users(self, email):
        for user in User.objects.filter(email__iexact=email, is_active=True):
            if user.has_usable_password() or user.last_login is None:
                yield user
