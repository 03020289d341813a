"""Shared caching of public pages: what anonymous visitors see is the same for all of them.

Pages opt in with `PublicPageMixin` (home, catalogue, course pages). Their rendered HTML is kept
in the configured cache (Redis or the database, so every app server shares it) for anonymous GET
requests, keyed by the host, path, query string and a content version that every publish or
unpublish bumps. `PublicPageCacheMiddleware` answers repeat requests from that cache before URL
routing, so a cached page costs no database query at all.
"""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

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


def bump_if_page(sender, instance=None, **kwargs):
    """For model signals sent by every model: a page was deleted."""
    if isinstance(instance, Page):
        bump_content_version()


def connect_invalidation():
    """Anonymous visitors' cached pages go stale the moment anything they show could change: a
    page (un)published, moved or deleted, or its privacy set or lifted."""
    page_published.connect(bump_content_version, dispatch_uid="courses-bump-on-publish")
    page_unpublished.connect(bump_content_version, dispatch_uid="courses-bump-on-unpublish")
    post_page_move.connect(bump_content_version, dispatch_uid="courses-bump-on-move")
    page_slug_changed.connect(bump_content_version, dispatch_uid="courses-bump-on-slug-change")
    post_delete.connect(bump_if_page, dispatch_uid="courses-bump-on-page-delete")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(
            bump_content_version, sender=PageViewRestriction, dispatch_uid=f"courses-privacy-{name}"
        )
    m2m_changed.connect(
        bump_content_version, sender=PageViewRestriction.groups.through, dispatch_uid="courses-bump-on-groups"
    )


def cacheable(request):
    """Anonymous GETs with no pending flash messages (cookie or session) look the same for all."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    has_session_messages = hasattr(request, "session") and bool(request.session.get("_messages"))
    return "messages" not in request.COOKIES and not has_session_messages


def cache_key(request, version):
    return f"public-page:{version}:{request.get_host()}:{request.get_full_path()}"


def public_headers(response):
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response


def serve_public(page, request, serve):
    """Serve `page`, marking the response as shareable when the visitor is anonymous."""
    response = serve(request)
    if not cacheable(request):
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
    response.cache_publicly = True
    return public_headers(response)


class PublicPageMixin:
    """For a page whose anonymous view is the same for everyone: mark it shareable so the
    middleware below keeps it in the shared cache."""

    def serve(self, request, *args, **kwargs):
        return serve_public(self, request, lambda r: super(PublicPageMixin, self).serve(r, *args, **kwargs))


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable(request):
            return self.get_response(request)
        key = cache_key(request, content_version())
        html = cache.get(key)
        if html is not None:
            return public_headers(HttpResponse(html))
        response = self.get_response(request)
        if getattr(response, "cache_publicly", False) and response.status_code == 200:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            cache.set(key, response.content.decode(), TIMEOUT)
        return response
