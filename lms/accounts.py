"""django-allauth, fitted to GovSocial Academy (settings: the "Accounts" block in settings/base.py).

- AccountAdapter saves the full name and the claimed role at sign-up, and asks for a confirmed
  email address only at sign-up (SignupEmailVerificationStage): allauth's "mandatory" verification
  is what makes its sign-up enumeration-safe (the same answer whether or not the address has an
  account, and an email to the owner), while learners may still log in and learn before they
  confirm. Certificates wait for a confirmed address (certificates/services.py).
- Receivers (connected in apps.py): a confirmed address at an organisation's verified domain joins
  it; setting a password from an emailed link (an invitation or a reset) proves the address.
- password_setup_url: the link in a CSV import's invitation, which is allauth's password
  reset-from-key page.
"""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.authentication import get_authentication_records
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse

from . import services
from .models import SELF_CHOSEN_ROLES
from .site_url import site_base_url

ALLAUTH_EMAIL_STAGE = "allauth.account.stages.EmailVerificationStage"


class SignupEmailVerificationStage(EmailVerificationStage):
    """allauth's email verification stage, applied at sign-up only.

    At sign-up it sends the confirmation (or, for an address that already has an account, an
    email telling its owner) and answers "check your email" either way. At later logins it lets an
    unconfirmed learner in: learning does not wait for the address, certificates do."""

    def handle(self):
        if self.login.signup:
            return super().handle()
        return None, True


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        if "full_name" in data:
            user.full_name = data["full_name"]
        if data.get("role") in SELF_CHOSEN_ROLES:
            user.role = data["role"]  # a claim: role_status stays "claimed"
        return super().save_user(request, user, form, commit=commit)

    def get_login_stages(self):
        return [
            f"{__name__}.SignupEmailVerificationStage" if stage == ALLAUTH_EMAIL_STAGE else stage
            for stage in super().get_login_stages()
        ]

    def is_reauthentication_required(self, *, app, **kwargs):
        """allauth asks for the password again before sensitive changes (setting up two-step
        sign-in) unless you re-entered it lately. Logging in lately counts too: a trainer sent to
        set up an authenticator app straight after logging in is not asked for the password twice."""
        request = self.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_mail(self, template_prefix, email, context):
        context = {"site_name": settings.WAGTAIL_SITE_NAME, "site_url": site_base_url(), **context}
        super().send_mail(template_prefix, email, context)


# --- receivers (connected in LmsConfig.ready) -------------------------------------------------------


def join_organisation_on_confirmation(sender, request, email_address, **kwargs):
    """allauth's email_confirmed: a confirmed address may place the learner by its domain."""
    user = email_address.user
    if user is not None and email_address.email.lower() == user.email.lower():
        services.join_by_verified_domain(user)


def place_on_sign_up(sender, request, user, **kwargs):
    """allauth's user_signed_up (the form, and single sign-on later): place the new account by
    its email domain if the address is already confirmed (a no-op when the form placed it)."""
    services.place_new_member(user)


def verify_on_password_reset(sender, request, user, **kwargs):
    """allauth's password_reset: the learner set a password from a link emailed to their address
    (an invitation from a CSV import, or a reset), which proves the address when it is their only
    one. allauth's confirm_email sends email_confirmed, so waiting certificates are issued."""
    addresses = list(EmailAddress.objects.filter(user=user))
    if len(addresses) > 1:
        return
    address = services.primary_email_address(user)
    if not address.verified:
        get_adapter(request).confirm_email(request, address)


# --- links ----------------------------------------------------------------------------------------


def password_setup_path(user):
    """The path of allauth's "choose a new password" page for this user (valid for
    PASSWORD_RESET_TIMEOUT, and only until the password or email address changes)."""
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
