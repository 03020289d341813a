"""Two-step sign-in (allauth.mfa), fitted to GovSocial Academy (settings: the "Accounts" block in
settings/base.py; README "Two-step sign-in").

Anyone may add an authenticator app (TOTP) and recovery codes from *Your details → Two-step
sign-in* (/accounts/2fa/); allauth then asks for a code after the password at every login, the
single sign-on ones included. Whoever can reach the Wagtail admin (a superuser, staff, or a member
of a group with "Can access Wagtail admin", such as Trainers) must have one:

- AdminTwoStepMiddleware (after allauth's AccountMiddleware) sends them from /admin/ to set up an
  authenticator app first, with a message saying why; and, when they have one, to enter a code if
  this session got in without one (a session from before they set it up on another device, say).
- TwoStepAdapter keeps them from removing their last authenticator (the app here, a security key
  in lms.views.RemoveSecurityKeyView).
- record_enrolment: setting up an authenticator proves its owner holds it, so the session that did
  it counts as signed in with two steps (no second code straight after the first).

A locked-out staff member: an administrator runs `manage.py reset_mfa EMAIL`
(lms.services.reset_two_step), and the person sets up a new authenticator at their next login.
"""

from allauth.account.authentication import get_authentication_records

# allauth has no public API for recording a step or setting up an authenticator with a given key;
# these internals are pinned with allauth's version (pyproject.toml) and covered by tests/lms/test_mfa.py.
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# The authenticators that are a second step on their own (recovery codes only back them up).
SECOND_STEP_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

NEEDS_SET_UP = (
    "The admin can issue and revoke certificates, so it needs two-step sign-in: set up an "
    "authenticator app below, then continue to the admin."
)
NEEDS_CODE = "To open the admin, confirm it is you with your authenticator app or security key."


def can_reach_admin(user):
    """Whether this person can open the Wagtail admin: a superuser, staff, or a member of a group
    with wagtailadmin.access_admin (Trainers)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"))
    )


def has_second_step(user):
    """Whether the person has an authenticator app or a security key."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_STEP_TYPES).exists()


def session_passed_second_step(request):
    """Whether this session's sign-in included a second step (allauth records each step: a code or
    a security key at login, a code to reauthenticate, or setting up an authenticator)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def give_authenticator_app(user, secret):
    """Set up an authenticator app with a key chosen elsewhere (the demo's printed keys, tests),
    with recovery codes, as if the person had scanned it. Someone who has one keeps theirs."""
    if not Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    RecoveryCodes.activate(user)


def second_step_url(user):
    """Where to ask a signed-in person for their second step: a code (authenticator app or recovery
    code), or their security key when that is all they have."""
    has_app = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
    return "mfa_reauthenticate" if has_app else "mfa_reauthenticate_webauthn"


class TwoStepAdapter(DefaultMFAAdapter):
    """allauth.mfa's adapter: the site's name in authenticator apps (MFA_TOTP_ISSUER), and no
    removing the last authenticator for people who can reach the admin."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": "The admin needs two-step sign-in. Add another authenticator "
        "before you remove this one.",
    }

    def can_delete_authenticator(self, authenticator):
        """allauth asks this before turning off the authenticator app; RemoveSecurityKeyView
        (lms/views.py) asks it before removing a security key."""
        if authenticator.type not in SECOND_STEP_TYPES or not can_reach_admin(authenticator.user):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_STEP_TYPES)
        return others.exclude(pk=authenticator.pk).exists()


def record_enrolment(sender, request, user, authenticator, **kwargs):
    """allauth.mfa's authenticator_added: the person just proved they hold the new authenticator
    (a code from it, or the key itself), so this session counts as passed two steps."""
    if request is None or authenticator.type not in SECOND_STEP_TYPES:
        return
    if request.user.is_authenticated and request.user.pk == user.pk:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )


class AdminTwoStepMiddleware:
    """The Wagtail admin only for people who signed in with two steps (see the module docstring).
    Put in MIDDLEWARE after allauth.account.middleware.AccountMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None  # resolved at the first request, when the URLconf is loaded
        self._open_paths = frozenset()

    def __call__(self, request):
        if self._guards(request.path_info) and can_reach_admin(request.user):
            if not has_second_step(request.user):
                messages.info(request, NEEDS_SET_UP)
                return redirect("mfa_activate_totp")
            if not session_passed_second_step(request):
                messages.info(request, NEEDS_CODE)
                next_url = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(second_step_url(request.user))}?{next_url}")
        return self.get_response(request)

    def _guards(self, path):
        """Every admin page but its login and logout (leaving must stay possible). Runs on every
        request, so the admin's paths are reversed once, not per request."""
        if self._admin_prefix is None:
            self._open_paths = frozenset({reverse("wagtailadmin_login"), reverse("wagtailadmin_logout")})
            self._admin_prefix = reverse("wagtailadmin_home")
        return path.startswith(self._admin_prefix) and path not in self._open_paths
