"""The one gate for "may this person open this course page or item".

Every learner-facing view that takes a course, lesson, quiz or attempt id calls
`open_course_item`, and Wagtail's page serving calls it through a `before_serve_page` hook. It
checks, in order: the page is live and inside a live course; the page's Wagtail view restrictions
(privacy: login, groups, password) accept the request; the person is signed in and enrolled; and
the item's module is not locked. A refusal is one of the exceptions below, which the views turn
into the right response (courses.views.refusal_response).
"""

from dataclasses import dataclass

from wagtail.models import PageViewRestriction

from . import services
from .models import CourseItemMixin, CoursePage, ModulePage


class AccessRefused(Exception):
    """Base class: the person may not open this page or item now."""

    from_privacy = False  # raised by the page's Wagtail view restrictions


class ItemNotFound(AccessRefused):
    """Missing, unpublished, or restricted to groups the person is not in: the same 404 for all."""


class LoginRequired(AccessRefused):
    """Sign in first (the page is private to signed-in users, or needs an enrolment)."""


class PasswordRequired(AccessRefused):
    """The page is protected by a shared password the visitor has not given yet."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page


class NotEnrolled(AccessRefused):
    def __init__(self, course):
        super().__init__(course)
        self.course = course


class ModuleLocked(AccessRefused):
    """The course unlocks its modules in order and an earlier one is not complete."""

    def __init__(self, course, locked_by, context):
        super().__init__(locked_by)
        self.course, self.locked_by, self.context = course, locked_by, context


@dataclass
class CourseAccess:
    page: object  # the CoursePage, a ModulePage, or the lesson/quiz (a CourseItemMixin page)
    course: CoursePage
    enrolment: object | None
    context: dict  # services.item_context for an item, {"progress"} for a module, {} for a course


def check_privacy(request, page):
    """Raise unless every Wagtail view restriction on the page (or its ancestors) accepts the request."""
    for restriction in page.get_view_restrictions():
        if restriction.accept_request(request):
            continue
        if restriction.restriction_type == PageViewRestriction.PASSWORD:
            refusal = PasswordRequired(page)
        elif not request.user.is_authenticated:
            refusal = LoginRequired()
        else:
            refusal = ItemNotFound()
        refusal.from_privacy = True
        raise refusal


def open_course_item(request, page, *, enrolled=True, check_lock=True):
    """Return a CourseAccess for a live CoursePage, ModulePage (its offline copy) or course item
    the person may open, or raise
    an AccessRefused. `enrolled=False` skips the enrolment check (enrolling, public course
    pages); `check_lock=False` skips the module lock (reading a past result)."""
    if page is None or not page.live:
        raise ItemNotFound
    if isinstance(page, CoursePage):
        course = page
    elif isinstance(page, CourseItemMixin | ModulePage):
        course = page.course
    else:
        course = None
    if course is None or not course.live:
        raise ItemNotFound
    check_privacy(request, page)
    if not enrolled:
        return CourseAccess(page, course, None, {})
    if not request.user.is_authenticated:
        raise LoginRequired
    enrolment = services.request_enrolment(request, course)
    if enrolment is None:
        raise NotEnrolled(course)
    if page is course:
        return CourseAccess(page, course, enrolment, {})
    if isinstance(page, ModulePage):
        progress = services.course_progress(enrolment)
        module_progress = progress.module_progress.get(page.pk)
        if module_progress is None:
            raise ItemNotFound  # not in the course's outline (unpublished in between)
        if check_lock and module_progress.locked:
            raise ModuleLocked(course, module_progress.locked_by, {"progress": progress})
        return CourseAccess(page, course, enrolment, {"progress": progress})
    context = services.item_context(enrolment, page)
    if check_lock and context["locked_by"] is not None:
        raise ModuleLocked(course, context["locked_by"], context)
    return CourseAccess(page, course, enrolment, context)
