"""Single sign-on through allauth.socialaccount (settings: the "Single sign-on" block in
settings/base.py; README "Single sign-on").

- Identity providers come from two places: the admin (IdentityProvider rows, *Settings → Single
  sign-on*) and the environment (SSO_OIDC_PROVIDERS / SSO_SAML_PROVIDERS, lms/sso_config.py).
  SocialAccountAdapter.list_apps hands allauth a SocialApp for each, so allauth's own views, URLs
  and token checks do the protocol work.
- Trust: a provider's "email verified" counts only for addresses at the verified domains of the
  organisation it is mapped to (an agency's Entra ID cannot vouch for a gmail.com address, nor for
  another agency's). Other addresses arrive unverified and are confirmed by email as at sign-up.
- Linking: someone arriving by single sign-on is linked to an existing account only through such a
  vouched-for address (allauth's email authentication, auto-connect on); allauth wipes the
  password of an account whose own address was never confirmed, so whoever registered it cannot
  keep a way in. Otherwise allauth's enumeration-safe sign-up answers: a new account, or an email
  to the owner of the existing one, who logs in first and connects the provider.
- New people always see *Finish signing in* (lms.forms.SocialSignupForm): the full name for the
  certificate and the role they claim (a claim, as at sign-up). They are placed in the
  organisation of their email domain by the same receiver as sign-up (lms/accounts.py).
"""

from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.internal.userkit import filter_users_by_email
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp

from . import services
from .forms import squash
from .models import IdentityProvider, Organisation
from .sso_config import ORGANISATION_ID, ORGANISATION_NAME

OIDC = "openid_connect"


def social_app_for(identity_provider):
    """The (unsaved) allauth SocialApp of an identity provider configured in the admin."""
    return SocialApp(
        provider=OIDC,
        provider_id=identity_provider.slug,
        name=identity_provider.name,
        client_id=identity_provider.client_id,
        secret=identity_provider.client_secret,
        settings={
            "server_url": identity_provider.server_url,
            "oauth_pkce_enabled": True,  # Entra ID, Okta and Google all support PKCE
            ORGANISATION_ID: identity_provider.organisation_id,
        },
    )


def admin_social_apps(provider=None, client_id=None):
    rows = IdentityProvider.objects.filter(enabled=True)
    if provider and provider != OIDC:
        rows = rows.filter(slug=provider)
    if client_id:
        rows = rows.filter(client_id=client_id)
    return [social_app_for(row) for row in rows]


def mapped_organisation(app):
    """The organisation a provider's app is mapped to, or None (then it vouches for nothing)."""
    app_settings = app.settings or {}
    if app_settings.get(ORGANISATION_ID):
        return Organisation.objects.filter(pk=app_settings[ORGANISATION_ID]).first()
    if app_settings.get(ORGANISATION_NAME):
        return Organisation.objects.filter(name=app_settings[ORGANISATION_NAME]).first()
    return None


def provider_vouches_for(app, email):
    """The trust rule: the provider's word on this address counts only at its organisation's domains."""
    return services.email_at_organisation_domain(email, mapped_organisation(app))


def vouched_addresses(sociallogin):
    """The provider's addresses it both says are verified and may vouch for."""
    app = sociallogin.provider.app
    return [a.email for a in sociallogin.email_addresses if a.verified and provider_vouches_for(app, a.email)]


def _origin(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("https", "http") and parts.netloc else None


def provider_origins(request=None):
    """Where the login buttons' forms end up (the provider's sign-in page): the Content-Security-Policy
    form-action of the account pages must allow them, since browsers check it on the redirect too."""
    origins = set()
    for app in SocialAccountAdapter(request).list_apps(request):
        app_settings = app.settings or {}
        idp = app_settings.get("idp") or {}
        for url in (app_settings.get("server_url"), idp.get("sso_url"), idp.get("metadata_url")):
            if origin := _origin(url):
                origins.add(origin)
    return sorted(origins)


def login_buttons(request):
    """The login page's single sign-on buttons: each provider's name and the URL its button posts to."""
    providers = SocialAccountAdapter(request).list_providers(request)
    return [{"name": provider.name, "url": provider.get_login_url(request)} for provider in providers]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """The admin's identity providers, then the environment's (and allauth's own table)."""
        return admin_social_apps(provider, client_id) + super().list_apps(
            request, provider=provider, client_id=client_id
        )

    def is_auto_signup_allowed(self, request, sociallogin):
        # Never create an account unseen: a newcomer confirms their name and role on *Finish signing in*.
        return False

    def is_email_verified(self, provider, email):
        # No blanket trust in a provider (allauth's VERIFIED_EMAIL): only its per-address claim counts.
        return False

    def can_authenticate_by_email(self, login, email):
        return provider_vouches_for(login.provider.app, email)

    def authenticate_by_email(self, sociallogin):
        """Link to an existing account only through an address the provider verified and may vouch for."""
        for email in vouched_addresses(sociallogin):
            users = filter_users_by_email(email, prefer_verified=True, for_login=True)
            if users:
                return users[0], email
        return None

    def pre_social_login(self, request, sociallogin):
        """Addresses the provider may not vouch for arrive unverified: the person confirms them by
        email, as at sign-up, before they count (certificates, organisation by domain)."""
        trusted = {email.lower() for email in vouched_addresses(sociallogin)}
        for address in sociallogin.email_addresses:
            if address.verified and address.email.lower() not in trusted:
                address.verified = False

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.full_name = squash(name)[: user._meta.get_field("full_name").max_length]
        return user

    def get_signup_form_initial_data(self, sociallogin):
        return {**super().get_signup_form_initial_data(sociallogin), "full_name": sociallogin.user.full_name}


# --- receivers (connected in LmsConfig.ready) -------------------------------------------------------


def confirm_vouched_address(sender, request, sociallogin, **kwargs):
    """allauth's social_account_added: an existing account was linked (after allauth wiped the password
    of an unconfirmed account). The provider vouched for the account's own address, so it counts as
    confirmed, as a confirmation link would: allauth's confirm_email sends email_confirmed, which
    places the learner by its domain and issues certificates waiting for it."""
    user = sociallogin.user
    if user.email.lower() not in {email.lower() for email in vouched_addresses(sociallogin)}:
        return
    address = services.primary_email_address(user)
    if address.verified:
        services.join_by_verified_domain(user)
    else:
        get_account_adapter(request).confirm_email(request, address)
