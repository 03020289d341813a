"""The account forms: allauth's sign-up, login and two-step sign-in with our fields and wording, the
learner's own details, and a request to join another organisation."""

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.socialaccount import forms as socialaccount_forms
from django import forms

from . import services
from .models import SELF_CHOSEN_ROLES, Organisation, User


def squash(value):
    return " ".join((value or "").split())


class OrganisationChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Organisation.objects.order_by("name"), **kwargs)


class LearnerDetailsForm(forms.Form):
    """What every new account states about its holder: the full name for certificates and the role
    they claim. Shared by sign-up and by *Finish signing in* after a first single sign-on."""

    full_name = forms.CharField(
        label="Full name",
        max_length=User._meta.get_field("full_name").max_length,
        help_text="Exactly as it should print on your certificates.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    role = forms.ChoiceField(
        label="I am a",
        choices=[(role.value, role.label) for role in SELF_CHOSEN_ROLES],
        initial=User.Role.PUBLIC_SERVANT,
        help_text="A trainer confirms a councillor's role before councillor certificates are issued.",
    )

    def clean_full_name(self):
        name = squash(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError("Enter your full name as it should appear on a certificate.")
        return name


class SignupForm(LearnerDetailsForm, allauth_forms.SignupForm):
    """allauth's sign-up form (email and password, enumeration-safe) with the full name, the role
    the learner claims and the organisation they ask to join. Trainers are appointed, not chosen;
    organisations come from the list (a trainer approves the membership) or from a verified email
    domain."""

    organisation = OrganisationChoiceField(
        label="Organisation",
        required=False,
        empty_label="Not listed, or none",
        help_text="If your work email address belongs to a listed organisation you join it when you "
        "confirm the address. Otherwise a trainer approves the organisation you choose.",
    )

    field_order = ["full_name", "email", "role", "organisation", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["password1"].label = "Password"
        self.fields["password2"].label = "Password confirmation"
        for name in ("email", "password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)

    def signup(self, request, user):
        """Called by allauth once the account is saved (never for an address that already has one)."""
        services.place_new_member(user, requested=self.cleaned_data.get("organisation"))


class SocialSignupForm(LearnerDetailsForm, socialaccount_forms.SignupForm):
    """*Finish signing in*, after someone's first single sign-on: the full name (the provider's, to
    check) and the role they claim. The email address is the provider's and cannot be changed here;
    lms/sso.py decides whether it counts as confirmed. The organisation follows the address's domain
    (lms/accounts.py: place_on_sign_up)."""

    field_order = ["full_name", "email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.widget.attrs.pop("placeholder", None)
        if self.initial.get("email"):
            email.disabled = True
            email.help_text = "From your organisation's sign-in."


class SiteWording:
    """allauth's forms in the site's wording: sentence-case labels, no placeholders (a label
    stays visible; a placeholder disappears as you type)."""

    labels = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            if name in self.fields:
                self.fields[name].label = label
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class LoginForm(SiteWording, allauth_forms.LoginForm):
    labels = {"login": "Email address", "password": "Password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.update(autocomplete="email")
        self.fields["password"].help_text = ""  # the page links to the password reset


class ResetPasswordForm(SiteWording, allauth_forms.ResetPasswordForm):
    labels = {"email": "Email address"}


class ResetPasswordKeyForm(SiteWording, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "New password again"}


class ChangePasswordForm(SiteWording, allauth_forms.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password again",
    }


class SetPasswordForm(SiteWording, allauth_forms.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Password again"}


class AddEmailForm(SiteWording, allauth_forms.AddEmailForm):
    labels = {"email": "Email address"}


class OneTimeCode(SiteWording):
    """A code typed from an authenticator app (or a recovery code): digits, filled in by the phone's
    keyboard suggestion where it offers one."""

    labels = {"code": "Code"}
    help_text = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.help_text = self.help_text
        code.widget.attrs.update(autocomplete="one-time-code", inputmode="numeric", spellcheck="false")


class TwoStepLoginForm(OneTimeCode, mfa_forms.AuthenticateForm):
    help_text = "The 6-digit code your authenticator app shows now, or one of your recovery codes."


class TwoStepReauthenticateForm(OneTimeCode, mfa_forms.ReauthenticateForm):
    help_text = TwoStepLoginForm.help_text


class ActivateAuthenticatorAppForm(OneTimeCode, totp_forms.ActivateTOTPForm):
    help_text = "The 6-digit code the app shows after you add the key."


class ProfileForm(forms.ModelForm):
    """What a learner may change about themselves: their name. Role and organisation are changed
    by trainers (a learner asks with OrganisationRequestForm)."""

    class Meta:
        model = User
        fields = ["full_name"]
        labels = {"full_name": "Full name"}
        help_texts = {
            "full_name": "Exactly as it should print on your certificates. "
            "Certificates already issued keep the name they were issued with until a trainer reissues them.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs.update(autocomplete="name")

    def clean_full_name(self):
        name = squash(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError("Enter your full name as it should appear on a certificate.")
        return name


class OrganisationRequestForm(forms.Form):
    """Ask a trainer to move you into an organisation from the list."""

    organisation = OrganisationChoiceField(
        label="Organisation",
        help_text="A trainer approves the change before it takes effect.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.organisation_id:
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.exclude(
                pk=user.organisation_id
            )
