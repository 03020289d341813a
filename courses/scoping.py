"""Course teams: what a trainer who runs a course sees in the Reports, on top of lms.scoping.

lms.scoping answers "which learners" by organisation (everyone with `lms.view_all_learners`, an
organisation manager's own people). A course adds its team (`CoursePage.trainers`, the course's
Settings tab): a trainer named there sees that course's report and gradebook with every learner
enrolled in it, and those learners' records for that course, whatever their organisation. A trainer
without `lms.view_all_learners` and outside a course's team gets 404 for it, as for a missing one.

Everything here narrows querysets, so a report stays a fixed number of queries.
"""

from django.db.models import Q
from django.http import Http404

from lms.models import Organisation, User
from lms.scoping import (
    is_organisation_manager,
    managed_organisation_ids,
    sees_all_learners,
    visible_organisations,
)
from lms.scoping import may_see_learner as sees_by_organisation
from lms.scoping import visible_learners as organisation_learners

from .models import CoursePage, Enrolment


def team_course_ids(user):
    """Ids of the courses whose team names this user (cached on the user object for the request)."""
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_team_course_ids", None)
    if cached is None:
        cached = frozenset(CoursePage.objects.filter(trainers=user).values_list("pk", flat=True))
        user._team_course_ids = cached
    return cached


def can_open_reports(user):
    """Course reports and learner records: everyone's, an organisation's, or a course team's."""
    return sees_all_learners(user) or is_organisation_manager(user) or bool(team_course_ids(user))


def sees_every_course(user):
    """Whether every course is listed: a manager follows their people in every course."""
    return sees_all_learners(user) or is_organisation_manager(user)


def reportable_courses(user):
    """The courses in the user's course reports, by title."""
    courses = CoursePage.objects.order_by("title")
    return courses if sees_every_course(user) else courses.filter(pk__in=team_course_ids(user))


def course_or_404(user, course_id):
    course = reportable_courses(user).filter(pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    return course


def sees_whole_course(user, course):
    """Whether the user sees every learner of the course (not only their organisations')."""
    return sees_all_learners(user) or course.pk in team_course_ids(user)


def scope_enrolments(queryset, user, enrolment_path=""):
    """`queryset` of enrolments (or of rows reaching one through `enrolment_path`, for example
    "enrolment") narrowed to those the user may see: their organisations' people in any course,
    and everyone in the courses they run."""
    if sees_all_learners(user):
        return queryset
    prefix = f"{enrolment_path}__" if enrolment_path else ""
    condition = Q()
    if organisation_ids := managed_organisation_ids(user):
        condition |= Q(**{f"{prefix}user__organisation_id__in": organisation_ids})
    if course_ids := team_course_ids(user):
        condition |= Q(**{f"{prefix}course_id__in": course_ids})
    return queryset.filter(condition) if condition else queryset.none()


def report_organisations(user, course):
    """The organisations a course report can be filtered by."""
    if sees_whole_course(user, course):
        return Organisation.objects.order_by("name")
    return visible_organisations(user)


def visible_learners(user):
    """Users whose records the user may open: lms.scoping's, plus the learners of the courses they run."""
    learners = organisation_learners(user)
    if sees_all_learners(user) or not (course_ids := team_course_ids(user)):
        return learners
    enrolled = Enrolment.objects.filter(course_id__in=course_ids).values("user_id")
    return learners | User.objects.filter(pk__in=enrolled)


def learner_or_404(user, learner_id):
    learner = visible_learners(user).select_related("organisation").filter(pk=learner_id).first()
    if learner is None:
        raise Http404("No such learner.")
    return learner


def may_see_learner(user, learner):
    """As lms.scoping.may_see_learner, plus the learners enrolled in a course the user runs."""
    if sees_by_organisation(user, learner):
        return True
    course_ids = team_course_ids(user)
    return bool(course_ids) and Enrolment.objects.filter(user=learner, course_id__in=course_ids).exists()


def learner_course_ids(user, learner):
    """The courses of the learner's record the user may read: None for all of them (the learner is
    in the user's scope by organisation), else the courses the user runs."""
    return None if sees_by_organisation(user, learner) else team_course_ids(user)
