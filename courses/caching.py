"""Shared caching of public pages: what anonymous visitors see is the same for all of them.

Pages opt in with `PublicPageMixin` (home, catalogue, course pages). Their rendered HTML is kept
in the configured cache (Redis or the database, so every app server shares it) for anonymous GET
requests, keyed by the host, path, query string and a content version that every publish or
unpublish bumps. `PublicPageCacheMiddleware` answers repeat requests from that cache before URL
routing, so a cached page costs no database query at all.
"""

import hashlib
import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from lms import request_cache
from lms.security import NONCE_MARK

VERSION_KEY = "public-pages-version"
CONTENT_VERSION = request_cache.SharedVersion(VERSION_KEY)
TIMEOUT = 60 * 60
BROWSER_MAX_AGE = 300


def content_version():
    return CONTENT_VERSION.current()


def bump_content_version(**kwargs):
    """Anything an anonymous visitor or an outline shows may have changed."""
    CONTENT_VERSION.bump()


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


def outline_keys(courses):
    version = content_version()
    return {course.pk: outline_key(version, course.pk) for course in courses}


def cached_outline_modules(courses, compute):
    """{course pk: modules} for `courses`, from the shared cache where there, else from
    `compute(missing courses)` (stored for the next request)."""
    keys = outline_keys(courses)
    found = request_cache.get_many(list(keys.values()))
    modules = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [course for course in courses if course.pk not in modules]
    if missing:
        computed = compute(missing)
        request_cache.set_many({keys[pk]: value for pk, value in computed.items()}, OUTLINE_TIMEOUT)
        modules.update(computed)
    return modules


def learner_stamp_key(user_id):
    return f"learner-progress-stamp:{user_id}"


def forget_learner_progress(user_id):
    """A learner's records changed (a completion, a view, a submission, a review, a quiz attempt,
    a retake): their cached progress is not read again (their stamp is a SharedVersion)."""
    request_cache.SharedVersion(learner_stamp_key(user_id)).bump()


def progress_keys(enrolments):
    """{enrolment pk: what its record is computed from}: the content version, the learner, their
    stamp, the enrolment and its cycle. A kept record is used only while this is unchanged."""
    stamp_keys = {learner_stamp_key(e.user_id) for e in enrolments}
    found = request_cache.get_many([VERSION_KEY, *stamp_keys])
    version = found.get(VERSION_KEY) or content_version()
    stamps = {e.pk: found.get(learner_stamp_key(e.user_id), 1) for e in enrolments}
    return {
        e.pk: f"learner-progress:{version}:{e.user_id}:{stamps[e.pk]}:{e.pk}:{e.cycle}" for e in enrolments
    }


def learner_source_keys(user_id, with_place):
    """The keys `learner_source` reads: the content version, the learner's stamp (and place)."""
    keys = [VERSION_KEY, learner_stamp_key(user_id)]
    return [*keys, learner_place_key(user_id)] if with_place else keys


def learner_source(found, user_id, with_place):
    """What a learner's kept entry was made from, out of `found` (the `learner_source_keys` read):
    the content version, their id and stamp, and (`with_place`) their place."""
    version, stamp = found.get(VERSION_KEY) or content_version(), found.get(learner_stamp_key(user_id), 1)
    source = f"{version}:{user_id}:{stamp}"
    return f"{source}:{found.get(learner_place_key(user_id), 1)}" if with_place else source


def kept_for_learner(key, user_id, compute, with_place=False):
    """`compute()` (what one learner's records say), kept at `key` with the content version and
    the learner's stamp (`with_place`: and their place, for what shows where they are or when
    they were last active), and used only while these are the same."""
    found = request_cache.get_many([key, *learner_source_keys(user_id, with_place)])
    source = learner_source(found, user_id, with_place)
    if key in found and found[key][0] == source:
        return found[key][1]
    value = compute()
    request_cache.set_many({key: (source, value)}, PROGRESS_TIMEOUT)
    return value


def progress_record_key(user_id, course_id):
    """Where an enrolment's progress record is kept (with what it was computed from, which names
    the enrolment and its cycle): it names the learner and the course only, so the record can be
    read with the enrolment itself (`kept_enrolment`), before the enrolment or stamp is known."""
    return f"learner-progress-record:{user_id}:{course_id}"


def enrolment_key(user_id, course_id):
    return f"learner-enrolment:{user_id}:{course_id}"


def kept_enrolment(user_id, course, read):
    """A learner's enrolment in `course` (or None), as `read()` found it, kept with the learner's
    stamp: any save or deletion of an enrolment and every update that bypasses the signals
    (completion, retake) bumps it, so a kept row is used only while it is unchanged. Moving to
    another page updates the row without a new stamp: `record_visit` keeps its new copy
    (`keep_visited_enrolment`). The stamp is read before the row, so a row read while another
    request changed it is kept under the old stamp, never read again. Read in one round trip with
    the learner's progress record and the course's outline, which the page reads next."""
    key, stamp_key = enrolment_key(user_id, course.pk), learner_stamp_key(user_id)
    found = request_cache.get_many(
        [stamp_key, key, progress_record_key(user_id, course.pk), *outline_keys([course]).values()]
    )
    source = f"{user_id}:{found.get(stamp_key, 1)}"
    if key in found and found[key][0] == source:
        return found[key][1], source
    enrolment = read()
    request_cache.set_many({key: (source, enrolment)}, PROGRESS_TIMEOUT)
    return enrolment, source


def keep_visited_enrolment(enrolment, source):
    """The enrolment row as `record_visit` wrote it (where the learner is, when they were last
    active), kept under the `source` its earlier copy was read with (`kept_enrolment`)."""
    request_cache.set_many(
        {enrolment_key(enrolment.user_id, enrolment.course_id): (source, enrolment)}, PROGRESS_TIMEOUT
    )


def prefetch_progress(courses, enrolments):
    """Read the courses' outlines and the enrolments' records and stamps in one round trip."""
    request_cache.prefetch(
        [
            *outline_keys(courses).values(),
            *(progress_record_key(e.user_id, e.course_id) for e in enrolments),
            *{learner_stamp_key(e.user_id) for e in enrolments},
        ]
    )


def cached_progress_records(enrolments, compute, sources=None):
    """{enrolment pk: record} from the shared cache where kept and still current, else from
    `compute(missing enrolments)`. `sources`: their progress_keys, when already known."""
    sources = sources or progress_keys(enrolments)
    keys = {e.pk: progress_record_key(e.user_id, e.course_id) for e in enrolments}
    found = request_cache.get_many(list(keys.values()))
    records = {pk: found[key][1] for pk, key in keys.items() if key in found and found[key][0] == sources[pk]}
    missing = [e for e in enrolments if e.pk not in records]
    if missing:
        computed = compute(missing)
        request_cache.set_many(
            {keys[pk]: (sources[pk], value) for pk, value in computed.items()}, PROGRESS_TIMEOUT
        )
        records.update(computed)
    return records


# --- Rendered fragments of signed-in pages (the {% shared_fragment %} tag, course_tags) ----------
#
# A lesson's body is the same for every learner: it is kept for its address, with the content
# version, page and live revision it was rendered from (links in it name other pages). The course
# outline beside an item, and the outline on a course page, show one learner's progress: they are
# kept under the learner's id and the address, with the progress key they were rendered from (it
# names the learner, the enrolment, its cycle, the learner's stamp and the content version). A
# fragment is used only when what it was rendered from is what the request has now, so it is only
# ever read back for the learner it was rendered for, and any change to their records (a new
# stamp) or to the course (a new version) renders it afresh. Fragments hold no CSRF token or CSP
# nonce: those are rendered around them on every request. Keys name the address, not the page, so
# PrefetchMiddleware reads them with the request's other entries, in one round trip.

FRAGMENT_TIMEOUT = 60 * 60


@dataclass(frozen=True)
class Fragment:
    key: str  # where it is kept
    source: str  # what it was rendered from: it is used only when the request's is the same


def _address(request):
    """A digest of the request's host, port and path (computed once: a signed-in page names half a
    dozen fragment keys with it)."""
    address = getattr(request, "_fragment_address", None)
    if address is None:
        where = f"{request._get_raw_host()}|{request.get_port()}|{request.path_info}"
        address = request._fragment_address = hashlib.sha256(where.encode()).hexdigest()
    return address


def fragment_key(kind, request, user_id=None):
    return f"fragment:{kind}:{user_id or '-'}:{_address(request)}"


def lesson_body_fragment(page, request):
    """Where a lesson's rendered body is kept, or None where it must be rendered each time: a
    trainer's preview (a draft), and bodies with an external video (whose player HTML is looked up
    and, when the provider is unreachable, shown as a link for a few minutes only)."""
    if getattr(request, "is_preview", False) or not page.live:
        return None
    if any(
        block.get("type") == "video" and (block.get("value") or {}).get("video")
        for block in page.body.raw_data
    ):
        return None
    return Fragment(
        fragment_key("lesson-body", request), f"{content_version()}:{page.pk}:{page.live_revision_id}"
    )


def learner_outline_fragment(kind, progress, page, request):
    """Where an outline rendered for one learner's progress is kept, on `page` (it marks where
    they are), or None when there is no progress record to tell it by."""
    if progress is None or not progress.cache_key or not request.user.is_authenticated:
        return None
    return Fragment(fragment_key(kind, request, request.user.pk), f"{progress.cache_key}:{page.pk}")


def not_enrolled_outline_fragment(page, request):
    """A course page's outline for anyone not enrolled: nobody's progress, no links."""
    if getattr(request, "is_preview", False):
        return None
    return Fragment(fragment_key("course-outline", request), f"not-enrolled:{content_version()}:{page.pk}")


def kept_fragment_html(fragment):
    """The fragment's HTML kept for this request, if rendered from what it has now, else None."""
    found = request_cache.get(fragment.key)
    return found[1] if found is not None and found[0] == fragment.source else None


def fragment_is_current(fragment):
    return kept_fragment_html(fragment) is not None


def keep_fragment_html(fragment, html):
    """Keep `html` at the fragment's key, with what it was rendered from."""
    request_cache.set_many({fragment.key: (fragment.source, str(html))}, FRAGMENT_TIMEOUT)


def cached_fragment(fragment, render):
    """The fragment's HTML kept from an earlier request, or `render()` (kept for the next)."""
    html = kept_fragment_html(fragment)
    if html is not None:
        return html
    html = render()
    keep_fragment_html(fragment, html)
    return html


def catalogue_courses_key(audience):
    return f"catalogue-courses:{audience}"


def learner_place_key(user_id):
    return f"learner-place:{user_id}"


def forget_learner_place(user_id):
    """Where a learner resumes a course (its enrolment's `last_page`), or when they were last
    active in it, changed: the catalogue kept for them, whose Continue links name it, is rendered
    afresh, and My learning's courses (in order of last activity) are read again. Kept apart from
    their progress stamp, so moving between pages does not make their progress be computed again."""
    request_cache.SharedVersion(learner_place_key(user_id)).bump()


def catalogue_key(kind, request, user_id, audience):
    # The audience asked for is the visitor's text: the key names a digest of it.
    asked = hashlib.sha256(audience[:100].encode()).hexdigest()[:16]
    return f"{fragment_key(kind, request, user_id)}:{asked}"


def catalogue_content_key(request, user_id, audience):
    return catalogue_key("catalogue-content", request, user_id, audience)


def catalogue_content_fragment(request, audience, query):
    """Where a signed-in learner's catalogue is kept (the page's whole main content: its title,
    introduction, filter form, and the cards with their status on each course; the form is a GET
    form, with no CSRF token), or None (a search, a preview, or nobody signed in). Kept under the
    learner's id, with the content version, their progress stamp (which enrolling, an assignment's
    change and every completion bump), their place (Continue links) and the day (an assignment
    becomes overdue at midnight)."""
    user_id = request.user.pk if request.user.is_authenticated else None
    if query or user_id is None or getattr(request, "is_preview", False):
        return None
    found = request_cache.get_many(learner_source_keys(user_id, with_place=True))
    source = f"{learner_source(found, user_id, with_place=True)}:{timezone.localdate()}"
    return Fragment(catalogue_content_key(request, user_id, audience), source)


# A learner's whole catalogue page, kept as it was sent but for the two values that must be new in
# each response: the CSRF token of the logout form (masked afresh for every response) and the CSP
# nonce (lms.security). They are kept as marks and filled in when the page is served again.
CSRF_MARK = "*csrf-token*"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def learner_catalogue_page(request):
    """Where the catalogue page sent to this learner is kept, or None where it is rendered each
    time: a search, a preview, nobody signed in, pending messages (shown once), and anyone who can
    open the admin (the editor's user bar on the page is theirs to see). Kept with what the kept
    catalogue content is rendered from, and with the name and role the page's header shows."""
    user = request.user
    if not user.is_authenticated or user.is_staff or user.has_perm("wagtailadmin.access_admin"):
        return None
    audience = request.GET.get("audience", "")
    content = catalogue_content_fragment(request, audience, request.GET.get("q", "").strip())
    if content is None or len(messages.get_messages(request)):
        return None
    named = hashlib.sha256(f"{user.full_name}|{user.role}".encode()).hexdigest()[:16]
    return Fragment(catalogue_key("catalogue-page", request, user.pk, audience), f"{content.source}:{named}")


def kept_page_response(fragment, request):
    """The page kept for this request, with this response's CSRF token and nonce, or None."""
    html = kept_fragment_html(fragment)
    if html is None:
        return None
    html = html.replace(CSRF_MARK, get_token(request))
    if NONCE_MARK in html:
        html = html.replace(NONCE_MARK, str(request.csp_nonce))
    return HttpResponse(html)


def keep_page(fragment, request, response):
    """A TemplateResponse's post-render callback: keep the rendered page at `fragment`, its CSRF
    token and nonce replaced with the marks."""
    if response.status_code != 200:
        return
    html = response.content.decode()
    for token in set(CSRF_INPUT.findall(html)):
        html = html.replace(token, CSRF_MARK)
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        html = html.replace(nonce, NONCE_MARK)
    keep_fragment_html(fragment, html)


def kept_under_current_version(key):
    """What `kept_for_version` keeps at `key`, if kept under the current content version (for any
    scope), else None."""
    found = request_cache.get(key)
    return found[1] if found is not None and found[0][0] == content_version() else None


def kept_for_version(key, scope, compute):
    """`compute()`, kept at `key` with the content version and the `scope` (such as a page's id)
    it was computed for, and used only while both are the same."""
    version = content_version()
    found = request_cache.get(key)
    if found is not None and found[0] == (version, scope):
        return found[1]
    value = compute()
    request_cache.set_many({key: ((version, scope), value)}, TIMEOUT)
    return value


def prefetch_common(request):
    """For lms.request_cache, read at the start of every request: the content version and the
    fragments kept for the address that are the same for everyone (a lesson body, a course
    outline without progress). Not the catalogue's courses (pages, which take longer to unpickle
    than anything else a request reads): a signed-in catalogue shows them from its kept content,
    and the pages that need them read them when they do (My learning names them with its lists)."""
    return [
        VERSION_KEY,
        fragment_key("lesson-body", request),
        fragment_key("course-outline", request),
    ]


def prefetch_learner(request):
    """For lms.request_cache, read with the request's next read from the cache: the signed-in
    learner's progress stamp and place, and the outlines and catalogue (content and whole page)
    kept for them at this address."""
    user_id = request.session.get("_auth_user_id") if hasattr(request, "session") else None
    if not user_id:
        return []
    audience = request.GET.get("audience", "")
    return [
        learner_stamp_key(user_id),
        learner_place_key(user_id),
        fragment_key("course-nav", request, user_id),
        fragment_key("course-outline", request, user_id),
        catalogue_content_key(request, user_id, audience),
        catalogue_key("catalogue-page", request, user_id, audience),
    ]


class KnownViewRestrictionsMixin:
    """A page served through the route cache (courses.routing) carries its view restrictions, read
    when it was cached: Wagtail's privacy check and the course gate use them without a query. The
    content version changes with any privacy change, and with it the cached page."""

    def get_view_restrictions(self):
        known = self.__dict__.get("known_view_restrictions")
        return known if known is not None else super().get_view_restrictions()
