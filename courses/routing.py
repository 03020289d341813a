"""Wagtail's page serving with the route from the shared cache.

Wagtail finds the page for a URL by finding the site (a query) and walking the tree from its
root, two queries a level, on every request; the privacy check then reads the ancestors and their
view restrictions (two more, and the course gate reads them again). Every page the site serves
is the same for all visitors until something is published, unpublished, moved, renamed, deleted
or made private, which bumps the content version (courses.caching). So the site and the page
(specific, with its view restrictions, and a course item's course and module) are kept in the
shared cache per host, path and content version, and handed to Wagtail's own serve view, which
runs its hooks (the course gate, privacy) and the page's serve as ever. Only what every visitor
shares is cached here: nothing about who asks.
"""

import hashlib

from django.core.cache import cache
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from .caching import TIMEOUT, KnownViewRestrictionsMixin, content_version
from .models import CourseItemMixin, ModulePage

NOT_CACHED = "not-cached"  # a page with its own route(): Wagtail routes it


def route_key(request, path, version):
    where = f"{request._get_raw_host()}|{request.get_port()}|{path}"
    return f"page-route:{version}:{hashlib.sha256(where.encode()).hexdigest()}"


def find_page(request, path):
    """(site, live specific page or None), read from the database."""
    site = Site._find_for_request(request)
    if site is None:
        return None, None
    root = site.root_page
    components = [component for component in path.split("/") if component]
    url_path = root.url_path + "".join(f"{component}/" for component in components)
    page = Page.objects.filter(url_path=url_path).first()
    if page is None or not page.live:
        return site, None
    page = page.specific
    if type(page).route is not Page.route or not isinstance(page, KnownViewRestrictionsMixin):
        return site, NOT_CACHED
    restrictions = Page.get_view_restrictions(page)
    list(restrictions)  # evaluated now, kept with the page
    page.known_view_restrictions = restrictions
    if isinstance(page, CourseItemMixin):
        page.course, page.module  # noqa: B018 - cached_property values, kept with the page
    elif isinstance(page, ModulePage):
        page.course  # noqa: B018
    return site, page


def cached_route(request, path):
    key = route_key(request, path, content_version())
    found = cache.get(key)
    if found is None:
        found = find_page(request, path)
        cache.set(key, found, TIMEOUT)
    return found


def serve(request, path):
    """Wagtail's serve view, given the site and route from the shared cache."""
    site, page = cached_route(request, path)
    if page is not NOT_CACHED:
        request._wagtail_site = site
        request._wagtail_route_for_request = RouteResult(page) if page is not None else None
    return wagtail_serve(request, path)
