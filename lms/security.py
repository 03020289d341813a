"""Response hardening that every page shares.

- `PrivateResponsesMiddleware`: anything answered to a signed-in user is `Cache-Control: private,
  no-store`, so no browser or proxy keeps a learner's page.
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


class CSPNonceMiddleware:
    """Put in MIDDLEWARE after csp.middleware.CSPMiddleware."""

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
