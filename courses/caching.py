"""Shared caching of public pages: what anonymous visitors see is the same for all of them.

Rendered HTML of the home page, catalogue and course pages is cached (in the configured cache:
Redis or the database, so every app server shares it) for anonymous GET requests, keyed by the
page, the query string and a content version that every publish or unpublish bumps.
"""

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "public-pages-version"
TIMEOUT = 60 * 60
BROWSER_MAX_AGE = 300


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def bump_content_version(**kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def cacheable(request):
    """Anonymous GETs with no pending flash messages (cookie or session) look the same for all."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    has_session_messages = hasattr(request, "session") and bool(request.session.get("_messages"))
    return "messages" not in request.COOKIES and not has_session_messages


def serve_public(page, request, serve):
    """Serve `page` from the shared cache for anonymous visitors; otherwise call `serve`."""
    if not cacheable(request):
        response = serve(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
    key = f"page:{page.pk}:{content_version()}:{request.GET.urlencode()}"
    html = cache.get(key)
    if html is None:
        response = serve(request)
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200:
            return response
        html = response.content.decode()
        cache.set(key, html, TIMEOUT)
        response = HttpResponse(html)
    else:
        response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response
