"""Wagtail's page serving with the route from the shared cache.

Wagtail finds the page for a URL by finding the site (a query) and walking the tree from its
root, two queries a level, on every request; the privacy check then reads the ancestors and their
view restrictions (two more, and the course gate reads them again). Every page the site serves
is the same for all visitors until something is published, unpublished, moved, renamed, deleted
or made private, which bumps the content version (courses.caching). So the site and the page
(specific, with its view restrictions, and a course item's course and module) are kept in the
shared cache per host and path, with the content version they were found under, and handed to
Wagtail's own serve view, which runs its hooks (the course gate, privacy) and the page's serve
as ever. Only what every visitor shares is cached here: nothing about who asks.
"""

import hashlib

from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from lms import request_cache

from .caching import (
    TIMEOUT,
    VERSION_KEY,
    KnownViewRestrictionsMixin,
    content_version,
    enrolment_key,
    outline_key,
    progress_record_key,
)
from .models import CourseItemMixin, CoursePage, ModulePage

NOT_CACHED = "not-cached"  # a page with its own route(): Wagtail routes it


def _digest(where):
    return hashlib.sha256(where.encode()).hexdigest()


def route_key(request):
    return f"page-route:{_digest(f'{request._get_raw_host()}|{request.get_port()}|{request.path_info}')}"


def site_key(request):
    return f"site-and-root-paths:{_digest(f'{request._get_raw_host()}|{request.get_port()}')}"


def prefetch_route(request):
    """For lms.request_cache: the route of the address asked for and its site, read with the
    request's other entries in one round trip. Their keys name the address, not the content
    version, so they can be read before it: each entry holds the version it was found under and
    is used only while that version is current."""
    return [route_key(request), site_key(request)]


def prefetch_enrolment(request):
    """For lms.request_cache, read with the signed-in person's other entries: on a course page or
    a course item, their enrolment in its course, their progress record and the course's outline
    (what the course gate and the page read next), found from the route the request's first round
    trip brought (when it is current). Keys only: who may read what is decided as ever."""
    user_id = request.session.get("_auth_user_id") if hasattr(request, "session") else None
    if not user_id or request.method not in ("GET", "HEAD"):
        return []
    version, route = request_cache.get(VERSION_KEY), request_cache.get(route_key(request))
    if version is None or route is None or route[0] != version:
        return []
    page = route[2]
    if isinstance(page, CoursePage):
        course = page
    elif isinstance(page, CourseItemMixin | ModulePage):
        course = page.course
    else:
        return []
    if course is None:
        return []
    return [
        enrolment_key(user_id, course.pk),
        progress_record_key(user_id, course.pk),
        outline_key(version, course.pk),
    ]


def _current(key, find):
    """The entry at `key` found under the current content version, or `find()` (kept)."""
    version = content_version()
    found = request_cache.get(key)
    if found is None or found[0] != version:
        found = (version, *find())
        request_cache.set_many({key: found}, TIMEOUT)
    return found[1:]


def cached_site(request):
    """(the Wagtail site for this request's host and port, every site's root paths), from the
    shared cache: the content version changes with any Site saved or deleted and any page moved or
    renamed. The root paths are what {% pageurl %} reads (Wagtail's own copy is one more round
    trip to the cache on every request)."""

    def find():
        site = Site._find_for_request(request)
        return (site, Site.get_site_root_paths() if site is not None else None)

    return _current(site_key(request), find)


def use_cached_site(request):
    """For views outside Wagtail's page serving that link to pages ({% pageurl %} asks for the
    request's site and the sites' root paths): both from the shared cache instead of a query."""
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site, root_paths = cached_site(request)
        if root_paths is not None:
            request._wagtail_cached_site_root_paths = root_paths


def find_page(request, path):
    """(site, live specific page or None, the sites' root paths), read from the database."""
    site, root_paths = cached_site(request)
    if site is None:
        return None, None, None
    root = site.root_page
    components = [component for component in path.split("/") if component]
    url_path = root.url_path + "".join(f"{component}/" for component in components)
    page = Page.objects.filter(url_path=url_path).first()
    if page is None or not page.live:
        return site, None, root_paths
    page = page.specific
    if type(page).route is not Page.route or not isinstance(page, KnownViewRestrictionsMixin):
        return site, NOT_CACHED, root_paths
    restrictions = Page.get_view_restrictions(page)
    list(restrictions)  # evaluated now, kept with the page
    page.known_view_restrictions = restrictions
    if isinstance(page, CourseItemMixin):
        page.course, page.module  # noqa: B018 - cached_property values, kept with the page
    elif isinstance(page, ModulePage):
        page.course  # noqa: B018
    return site, page, root_paths


def cached_route(request, path):
    return _current(route_key(request), lambda: find_page(request, path))


def serve(request, path):
    """Wagtail's serve view, given the site and route from the shared cache."""
    site, page, root_paths = cached_route(request, path)
    if page is not NOT_CACHED:
        request._wagtail_site = site
        request._wagtail_route_for_request = RouteResult(page) if page is not None else None
    if root_paths is not None:
        request._wagtail_cached_site_root_paths = root_paths
    return wagtail_serve(request, path)
