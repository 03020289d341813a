"""The site's public address, for every absolute link the site writes: emails, certificate PDFs
and their QR codes, Open Badges credentials. `absolute_url(path)` is the one helper.

- In production the address is SITE_BASE_URL (settings), always: never the request's Host
  header, which a client chooses.
- On the embedded default (lms.settings.dev, unless SITE_BASE_URL is set in the environment)
  SITE_BASE_URL_FROM_REQUEST is on and the address is the one the current request came in on
  (scheme, host and port, checked against ALLOWED_HOSTS by Django), so `make run PORT=8001`
  prints links to port 8001. `SiteURLMiddleware` keeps it for the length of each request.
- Background work (certificate PDFs, their email) has no request: the address is taken when the
  work is queued, inside the request that queued it, and stored with it (Certificate.base_url);
  the task passes it back as `base=`. Emails queued with lms.emails.queue_email are rendered when
  queued, so their links already carry it.
"""

from contextvars import ContextVar

from django.conf import settings

_request_base_url = ContextVar("request_base_url", default=None)


def site_base_url():
    """The public address without a trailing slash: the current request's on the embedded default,
    SITE_BASE_URL otherwise (and outside any request)."""
    return _request_base_url.get() or settings.SITE_BASE_URL


def absolute_url(path, base=None):
    """An absolute link to `path` on this site (an absolute URL is returned as it is). `base` is an
    address stored when background work was queued; empty or None means site_base_url()."""
    if path.startswith(("http://", "https://")):
        return path
    return (base or site_base_url()).rstrip("/") + path


def base_url_to_store(stored=""):
    """The address to store with background work being queued (see the module's docstring):
    SITE_BASE_URL in production; on the embedded default the current request's, or outside a
    request (a management command) what was stored before, else SITE_BASE_URL."""
    if getattr(settings, "SITE_BASE_URL_FROM_REQUEST", False) and _request_base_url.get() is None:
        return stored or settings.SITE_BASE_URL
    return site_base_url()


def request_base_url(request):
    """The address a request came in on: "http://127.0.0.1:8001"."""
    return request.build_absolute_uri("/").rstrip("/")


class SiteURLMiddleware:
    """With SITE_BASE_URL_FROM_REQUEST (the embedded default), links written while serving a request
    use the address the request came in on. Does nothing otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "SITE_BASE_URL_FROM_REQUEST", False):
            return self.get_response(request)
        token = _request_base_url.set(request_base_url(request))
        try:
            return self.get_response(request)
        finally:
            _request_base_url.reset(token)
