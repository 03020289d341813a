"""Response hardening that every page shares.

- `PrivateResponsesMiddleware`: anything answered to a signed-in user is `Cache-Control: private,
  no-store`, so no browser or proxy keeps a learner's page.
- `CSPMiddleware`: django-csp's, with the site-wide policy built once per process.
- `CSPNonceMiddleware`: makes the Content-Security-Policy nonce of the request (django-csp) available
  to templates rendered without the request, such as form widgets: the `{% csp_nonce %}` tag
  (lms/templatetags/security.py) reads it. The few inline scripts the Wagtail admin still has are
  overridden in lms/templates/wagtailadmin/ to carry it, so script-src needs no 'unsafe-inline'.
- `PREVIEW_FRAMING`: the admin's live preview shows the site in a frame of the admin itself, so
  preview responses allow framing by the same origin (every other response: frame-ancestors 'none').
- Single sign-on: the account pages' login buttons post to this site, which redirects to the identity
  provider's sign-in page, and browsers apply form-action to that redirect too. So pages under
  /accounts/ (only) also allow the configured providers' origins in form-action (lms/sso.py).
"""

from contextvars import ContextVar
from functools import cache

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.cache import add_never_cache_headers

from .sso import provider_origins

current_nonce = ContextVar("csp_nonce", default="")


class PrivateResponsesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response.headers.pop("Cache-Control", None)
            add_never_cache_headers(response)
        return response


# Where the request's nonce goes in the kept policy (a nonce is base64: it never holds a "*").
NONCE_MARK = "*nonce*"
# Set on a response that changes the policy for itself (django-csp's decorators, CSPNonceMiddleware).
RESPONSE_POLICY_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


@cache
def site_policy(with_nonce):
    """The CONTENT_SECURITY_POLICY header as django-csp builds it, with NONCE_MARK for the nonce."""
    return build_policy(nonce=NONCE_MARK if with_nonce else None)


@receiver(setting_changed)
def forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware (MIDDLEWARE names this one), which builds the policy from the
    settings for every response: copying, sorting and joining each directive, twice (the policy
    and the report-only one) took about a twentieth of a signed-in page's time (issue 16). Nearly
    every response carries the site-wide policy with only the request's nonce in it, so that policy
    is built once per process. A response that changes its own policy (a preview, the account
    pages' providers, an LTI form post), a report-only policy, an excluded path or the debug pages
    go through django-csp's own building."""

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if (
            settings.DEBUG
            or not policy
            or policy.get("EXCLUDE_URL_PREFIXES")
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or HEADER in response
            or any(getattr(response, name, None) is not None for name in RESPONSE_POLICY_ATTRIBUTES)
        ):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        if nonce:
            response[HEADER] = site_policy(with_nonce=True).replace(NONCE_MARK, nonce)
        else:
            response[HEADER] = site_policy(with_nonce=False)
            # As django-csp: a nonce asked for after the header is written could not be in it.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class CSPNonceMiddleware:
    """Put in MIDDLEWARE after CSPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_nonce.set(getattr(request, "csp_nonce", ""))
        try:
            response = self.get_response(request)
        finally:
            current_nonce.reset(token)
        if request.path.startswith("/admin/") and "/preview/" in request.path:
            response._csp_replace = {"frame-ancestors": ["'self'"]}
        elif request.path.startswith("/accounts/") and (origins := provider_origins(request)):
            response._csp_update = {"form-action": origins}
        return response
