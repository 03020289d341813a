"""Shared caching of public pages: what anonymous visitors see is the same for all of them.

Pages opt in with `PublicPageMixin` (home, catalogue, course pages). Their rendered HTML is kept
in the configured cache (Redis or the database, so every app server shares it) for anonymous GET
requests, keyed by the host, path, query string and a content version that every publish or
unpublish bumps. `PublicPageCacheMiddleware` answers repeat requests from that cache before URL
routing, so a cached page costs no database query at all.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.models import Page, PageViewRestriction, Site
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


def _incr_content_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def bump_content_version(**kwargs):
    """Now, and again when the transaction commits: a request that read the pages in between
    (before the commit) cannot leave them cached under the new version."""
    _incr_content_version()
    transaction.on_commit(_incr_content_version)


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
        # Routes are cached per site (courses.routing): a site's host, port or root changed.
        signal.connect(bump_content_version, sender=Site, dispatch_uid=f"courses-site-{name}")
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


# --- Signed-in learners: what is the same for all of them, and one record per learner ----------
#
# A course's outline (its modules, lessons and quizzes) is the same for every learner: it is kept
# in the shared cache per course and content version, so every publish, unpublish, move, slug
# change, deletion or privacy change starts it afresh. What one learner has done (the items done,
# viewed and waiting for review) is kept per enrolment under a stamp of its own learner, which
# every change to their records bumps (`forget_learner_progress`); the key names the enrolment, so
# nothing computed for one learner is ever read for another.

OUTLINE_TIMEOUT = 60 * 60 * 24
PROGRESS_TIMEOUT = 60 * 60


def outline_key(version, course_id):
    return f"course-outline:{version}:{course_id}"


def cached_outline_modules(courses, compute):
    """{course pk: modules} for `courses`, from the shared cache where there, else from
    `compute(missing courses)` (stored for the next request)."""
    version = content_version()
    keys = {course.pk: outline_key(version, course.pk) for course in courses}
    found = cache.get_many(list(keys.values()))
    modules = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [course for course in courses if course.pk not in modules]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[pk]: value for pk, value in computed.items()}, OUTLINE_TIMEOUT)
        modules.update(computed)
    return modules


def learner_stamp_key(user_id):
    return f"learner-progress-stamp:{user_id}"


def _bump_learner_stamp(user_id):
    key = learner_stamp_key(user_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def forget_learner_progress(user_id):
    """A learner's records changed (a completion, a view, a submission, a review, a quiz attempt,
    a retake): their cached progress is not read again. Bumped now (for the rest of this request)
    and again once the transaction commits, so a request that read the old rows meanwhile cannot
    leave them cached under the new stamp."""
    _bump_learner_stamp(user_id)
    transaction.on_commit(lambda: _bump_learner_stamp(user_id))


def progress_keys(enrolments):
    """{enrolment pk: cache key} naming the enrolment, its cycle, its learner's stamp and the
    content version."""
    stamp_keys = {learner_stamp_key(e.user_id) for e in enrolments}
    found = cache.get_many([VERSION_KEY, *stamp_keys])
    version = found.get(VERSION_KEY) or content_version()
    stamps = {e.pk: found.get(learner_stamp_key(e.user_id), 1) for e in enrolments}
    return {
        e.pk: f"learner-progress:{version}:{e.user_id}:{stamps[e.pk]}:{e.pk}:{e.cycle}" for e in enrolments
    }


def cached_progress_records(enrolments, compute):
    """{enrolment pk: record} from the shared cache where there, else from `compute(missing
    enrolments)`."""
    keys = progress_keys(enrolments)
    found = cache.get_many(list(keys.values()))
    records = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [e for e in enrolments if e.pk not in records]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[pk]: value for pk, value in computed.items()}, PROGRESS_TIMEOUT)
        records.update(computed)
    return records


class KnownViewRestrictionsMixin:
    """A page served through the route cache (courses.routing) carries its view restrictions, read
    when it was cached: Wagtail's privacy check and the course gate use them without a query. The
    content version changes with any privacy change, and with it the cached page."""

    def get_view_restrictions(self):
        known = self.__dict__.get("known_view_restrictions")
        return known if known is not None else super().get_view_restrictions()
