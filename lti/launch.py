"""An LTI 1.3 launch, checked step by step (IMS LTI 1.3 Core and IMS Security Framework).

1. The platform starts an OIDC third-party login at /lti/login (iss, login_hint, target_link_uri,
   lti_message_hint...). `begin_login` finds the platform, makes a state and a nonce, and answers
   with the redirect to the platform's authorisation URL. The state and nonce also go into a signed
   cookie named after the state, `SameSite=None; Secure` because the platform posts the launch back
   from its own site: the launch then belongs to the browser that began it (no login CSRF).
2. The platform posts the id_token (and the state) to /lti/launch. `verify_launch` checks, in
   order: the state cookie, the platform, the RS256 signature against the platform's published
   keys, iss, aud (and azp), exp and iat, the nonce (the one issued, and used once only), the
   deployment id, the LTI version and message type, and the claims the message type needs.
   Every failure is a LaunchError with a message for the person and a 4xx status.
"""

import secrets
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from joserfc.errors import ExpiredTokenError, JoseError, MissingClaimError
from joserfc.jwt import JWTClaimsRegistry

from lms.site_url import absolute_url

from .jose import FetchError, verify_platform_jwt
from .models import LtiNonce, LtiPlatform

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"

STATE_COOKIE_PREFIX = "lti_state_"
STATE_SALT = "lti.launch.state"
STATE_MAX_AGE = 600  # seconds between the login initiation and the launch
CLOCK_LEEWAY = 60  # seconds of clock difference allowed with the platform


class LaunchError(Exception):
    """The launch cannot go on; `message` tells the person why (no secrets in it)."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass
class Launch:
    platform: LtiPlatform
    claims: dict

    def claim(self, name, default=None):
        return self.claims.get(LTI + name, default)

    @property
    def message_type(self):
        return self.claim("message_type")

    @property
    def deployment_id(self):
        return self.claim("deployment_id")

    @property
    def subject(self):
        return self.claims["sub"]


def launch_url():
    """Where platforms post launches: the redirect URI registered with them."""
    return absolute_url(reverse("lti:launch"))


def state_cookie_name(state):
    return STATE_COOKIE_PREFIX + state


def begin_login(params):
    """Step 1. Returns (authorisation URL to redirect to, state, signed cookie value)."""
    issuer, login_hint = params.get("iss", ""), params.get("login_hint", "")
    if not issuer or not login_hint or not params.get("target_link_uri"):
        raise LaunchError(
            "The learning system's sign-in request is incomplete (iss, login_hint, target_link_uri)."
        )
    platforms = LtiPlatform.objects.filter(issuer=issuer, enabled=True)
    if params.get("client_id"):
        platforms = platforms.filter(client_id=params["client_id"])
    platforms = list(platforms[:2])
    if len(platforms) != 1:
        # Unknown, switched off, or several registrations of one issuer and no client_id to choose.
        raise LaunchError("This learning system is not registered with GovSocial Academy.", 403)
    platform = platforms[0]
    deployment = params.get("lti_deployment_id")
    if deployment and deployment not in platform.deployment_id_list:
        raise LaunchError("This deployment of the tool is not registered with GovSocial Academy.", 403)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": launch_url(),
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    url = platform.auth_login_url + separator + urllib.parse.urlencode(query)
    cookie = signing.dumps({"platform": platform.pk, "nonce": nonce}, salt=STATE_SALT + state)
    return url, state, cookie


def _claims_registry(platform, nonce):
    return JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": platform.issuer},
        aud={"essential": True, "value": platform.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )


CLAIM_MESSAGES = {
    "iss": ("The sign-in came from a different issuer than the one registered.", 403),
    "aud": ("The sign-in was meant for another tool (wrong audience).", 403),
    "azp": ("The sign-in was meant for another tool (wrong authorised party).", 403),
    "nonce": (
        "The sign-in does not belong to this login attempt. Start again from your learning system.",
        400,
    ),
    "sub": ("The learning system did not say who you are. Anonymous launches are not accepted.", 400),
    "iat": ("The sign-in has an issue time in the future: check the learning system's clock.", 400),
}


def _read_state(request, state):
    """The platform and nonce this browser's login initiation stored for `state`."""
    if not state:
        raise LaunchError("The launch has no state. Start again from your learning system.")
    raw = request.COOKIES.get(state_cookie_name(state))
    if raw is None:
        raise LaunchError(
            "This browser did not keep the launch's cookie, or the launch did not start here. "
            "Open the course in a new window from your learning system; if it happens again, allow "
            "cookies for this site."
        )
    try:
        return signing.loads(raw, salt=STATE_SALT + state, max_age=STATE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LaunchError("The launch took too long. Start again from your learning system.") from error
    except signing.BadSignature as error:
        raise LaunchError(
            "The launch's cookie was changed. Start again from your learning system."
        ) from error


def verify_launch(request):
    """Step 2. Returns the checked Launch, or raises LaunchError."""
    if request.POST.get("error"):
        reason = request.POST.get("error_description") or request.POST["error"]
        raise LaunchError(f"Your learning system could not sign you in: {reason[:200]}")
    token = request.POST.get("id_token", "")
    if not token:
        raise LaunchError("The launch has no id_token. Start again from your learning system.")
    state = _read_state(request, request.POST.get("state", ""))
    platform = LtiPlatform.objects.filter(pk=state.get("platform"), enabled=True).first()
    if platform is None:
        raise LaunchError("This learning system is not registered with GovSocial Academy.", 403)
    try:
        claims = verify_platform_jwt(platform, token)
    except FetchError as error:
        raise LaunchError(
            "We could not fetch your learning system's public keys. Try again later.", 502
        ) from error
    except JoseError as error:
        raise LaunchError(
            "The sign-in's signature does not match your learning system's published keys.", 403
        ) from error
    try:
        _claims_registry(platform, state["nonce"]).validate(claims)
    except ExpiredTokenError as error:
        raise LaunchError("The sign-in has expired. Start again from your learning system.") from error
    except (MissingClaimError, JoseError) as error:
        claim = getattr(error, "claim", "") or str(error)
        message, status = CLAIM_MESSAGES.get(
            claim, (f"The sign-in is missing or has a wrong value: {claim}.", 400)
        )
        raise LaunchError(message, status) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != platform.client_id:
        raise LaunchError(*CLAIM_MESSAGES["azp"])
    launch = Launch(platform, claims)
    if launch.deployment_id not in platform.deployment_id_list:
        raise LaunchError("This deployment of the tool is not registered with GovSocial Academy.", 403)
    if launch.claim("version") != "1.3.0":
        raise LaunchError("Only LTI 1.3 launches are accepted.")
    _check_message(launch)
    _use_nonce(platform, state["nonce"], claims["exp"])
    return launch


def _check_message(launch):
    if launch.message_type == RESOURCE_LINK_REQUEST:
        link = launch.claim("resource_link") or {}
        if not isinstance(link, dict) or not link.get("id"):
            raise LaunchError("The launch does not say which link was opened (resource_link).")
    elif launch.message_type == DEEP_LINKING_REQUEST:
        settings = launch.claims.get(DEEP_LINKING_SETTINGS) or {}
        if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
            raise LaunchError("The content selection request has no return address.")
        if "ltiResourceLink" not in settings.get("accept_types", []):
            raise LaunchError("The learning system does not accept links to courses here.")
    else:
        raise LaunchError("This kind of LTI message is not supported.")


def _use_nonce(platform, nonce, expires):
    """Record the nonce; a second launch with it is a replay. Expired records are cleared."""
    now = timezone.now()
    LtiNonce.objects.filter(expires_at__lt=now).delete()
    expires_at = max(
        datetime.fromtimestamp(expires, tz=UTC) + timedelta(seconds=CLOCK_LEEWAY),
        now + timedelta(seconds=STATE_MAX_AGE),
    )
    try:
        with transaction.atomic():
            LtiNonce.objects.create(platform=platform, nonce=nonce, expires_at=expires_at)
    except IntegrityError as error:
        raise LaunchError("This launch was used already. Start again from your learning system.") from error
