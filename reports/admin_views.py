"""The Reports menu's admin views (/admin/reports/, namespace "reports"): courses, one course (with
its gradebook), organisations, one organisation, learners, one learner's record; each with
filters and CSV and XLSX downloads.

Open to holders of `lms.view_all_learners` (trainers, administrators), organisation managers and
course teams (organisation reports: the first two only); what each one sees goes through
courses.scoping and lms.scoping, so another organisation's learner or organisation, or a course
the user does not run, answers 404 as a missing one does. Registered in reports/wagtail_hooks.py.
"""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses.scoping import (
    can_open_reports,
    course_or_404,
    learner_course_ids,
    learner_or_404,
    report_organisations,
    reportable_courses,
    visible_learners,
)
from lms.admin_utils import admin_context, require
from lms.exports import download_response
from lms.models import Organisation
from lms.scoping import can_see_learners, organisation_or_404, visible_organisations

from . import charts, services

PER_PAGE = 50
EXPORT_KINDS = ("csv", "xlsx")


def _reports_crumb():
    return [(reverse("reports:index"), "Reports")]


def _querystring(request):
    query = request.GET.copy()
    query.pop("p", None)
    return query.urlencode()


def _downloads(name, args, querystring):
    """[(label, url)] of the CSV and XLSX downloads of a report with the same filters."""
    suffix = f"?{querystring}" if querystring else ""
    return [
        (f"Download as {kind.upper()}", reverse(name, args=[*args, kind]) + suffix) for kind in EXPORT_KINDS
    ]


def _check_kind(kind):
    if kind not in EXPORT_KINDS:
        raise Http404("No such download format.")


def _day(value):
    return value.isoformat() if value else ""


def _date(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- courses ----------------------------------------------------------------------------------------


@require_GET
def index_view(request):
    require(can_open_reports, request)
    context = admin_context("Reports", "table", courses=services.course_overview(request.user))
    return TemplateResponse(request, "reports/admin/index.html", context)


class CourseFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All organisations"
    )
    assignment = forms.ChoiceField(choices=list(services.ASSIGNMENT_CHOICES.items()), required=False)
    status = forms.ChoiceField(
        label="Progress", choices=[("", "Any progress"), *services.STATUS_LABELS.items()], required=False
    )

    def __init__(self, *args, user, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = report_organisations(user, course)

    def filters(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("organisation"), data.get("assignment") or "", data.get("status") or ""


def _course_report(request, course_id, with_dates=False):
    require(can_open_reports, request)
    course = course_or_404(request.user, course_id)
    form = CourseFilterForm(request.GET or None, user=request.user, course=course)
    organisation, assignment, status = form.filters()
    report = services.course_report(course, request.user, organisation, assignment, with_dates)
    return course, form, report, services.filter_rows(report.rows, status)


@require_GET
def course_view(request, course_id):
    course, form, report, rows = _course_report(request, course_id)
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    querystring = _querystring(request)

    status_bars = [charts.Bar(label, value) for label, value in report.status_counts]
    funnel_bars = [charts.Bar(step.label, step.done, strong=step.is_module) for step in report.funnel]
    quizzes = []
    for summary in report.quizzes:
        bars = [charts.Bar(label, value) for label, value in summary.bands]
        quizzes.append(
            {
                "summary": summary,
                "chart": charts.column_chart(
                    f"Best scores in “{summary.quiz.title}”",
                    "Learners per score band: " + charts.describe(bars),
                    bars,
                ),
                "bars": bars,
                "statistics_url": reverse("quizzes_admin:statistics", args=[summary.quiz.pk])
                if summary.quiz.permissions_for_user(request.user).can_edit()
                else None,
            }
        )
    context = admin_context(
        f"Course report: {course.title}",
        "table",
        parents=_reports_crumb(),
        course=course,
        report=report,
        filter_form=form,
        page_obj=page,
        total=paginator.count,
        querystring=querystring,
        downloads=_downloads("reports:course_export", [course.pk], querystring),
        quiz_columns=[summary.quiz for summary in report.quizzes],
        status_chart=charts.horizontal_bar_chart(
            "Learners by progress",
            charts.describe(status_bars, of=report.enrolled) if report.enrolled else "No learners.",
            status_bars,
            maximum=report.enrolled,
        ),
        funnel_chart=charts.horizontal_bar_chart(
            "Completion funnel by module and item",
            "Learners who finished each module (hatched bars) and each item: "
            + charts.describe(funnel_bars, of=report.enrolled),
            funnel_bars,
            maximum=report.enrolled,
        ),
        quizzes=quizzes,
        status_bars=status_bars,
        funnel_bars=funnel_bars,
    )
    quiz_ids = [summary.quiz.pk for summary in report.quizzes]
    for row in services.add_dates(page.object_list):
        row.scores = [result.best if (result := row.quizzes.get(pk)) else None for pk in quiz_ids]
    return TemplateResponse(request, "reports/admin/course.html", context)


def gradebook_header(report):
    quiz_titles = [f"{summary.quiz.title}: best score (%)" for summary in report.quizzes]
    return [
        "Learner",
        "Email",
        "Organisation",
        "Progress",
        "Progress (%)",
        "Enrolled",
        "Last activity",
        "Completed",
        "Due date",
        "Overdue",
        *quiz_titles,
        "Practice tasks",
    ]


def gradebook_rows(report, rows):
    quiz_ids = [summary.quiz.pk for summary in report.quizzes]
    with services.collector_paused():  # as in course_report: 20,000 rows of small objects
        for row in rows:  # with their dates (course_report with_dates)
            scores = []
            for quiz_id in quiz_ids:
                result = row.quizzes.get(quiz_id)
                scores.append(result.best if result and result.best is not None else "")
            yield [
                row.full_name,
                row.email,
                row.organisation,
                row.status_label,
                row.percent,
                _day(row.enrolled_at),
                _day(row.last_activity_at),
                _day(row.completed_at),
                row.due_date.isoformat() if row.due_date else "",
                "Yes" if row.overdue else "",
                *scores,
                row.task_summary,
            ]


@require_GET
def course_export_view(request, course_id, kind):
    _check_kind(kind)
    course, _, report, rows = _course_report(request, course_id, with_dates=True)
    filename = f"course-report-{course.slug}-{timezone.localdate():%Y-%m-%d}"
    return download_response(
        kind, filename, gradebook_header(report), gradebook_rows(report, rows), "Gradebook"
    )


# --- organisations ----------------------------------------------------------------------------------


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label="Name", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Agencies and councils"), *Organisation.Kind.choices], required=False
    )

    def narrow(self, organisations):
        if not (self.is_bound and self.is_valid()):
            return organisations
        if query := self.cleaned_data["q"].strip():
            organisations = organisations.filter(name__icontains=query)
        if self.cleaned_data["kind"]:
            organisations = organisations.filter(kind=self.cleaned_data["kind"])
        return organisations


@require_GET
def organisations_view(request):
    require(can_see_learners, request)
    form = OrganisationSearchForm(request.GET or None)
    overview = services.organisation_overview(form.narrow(visible_organisations(request.user)))
    context = admin_context(
        "Organisation reports",
        "group",
        parents=_reports_crumb(),
        organisations=overview,
        filter_form=form,
        filter_label="Find organisations",
    )
    return TemplateResponse(request, "reports/admin/organisations.html", context)


class OrganisationFilterForm(forms.Form):
    assignment = forms.ChoiceField(
        label="Learners", choices=list(services.ASSIGNMENT_CHOICES.items()), required=False
    )

    def assignment_filter(self):
        return self.cleaned_data.get("assignment", "") if self.is_bound and self.is_valid() else ""


def _organisation_report(request, organisation_id):
    require(can_see_learners, request)
    organisation = organisation_or_404(request.user, organisation_id)
    form = OrganisationFilterForm(request.GET or None)
    return organisation, form, services.organisation_report(organisation, form.assignment_filter())


@require_GET
def organisation_view(request, organisation_id):
    organisation, form, rows = _organisation_report(request, organisation_id)
    querystring = _querystring(request)
    idle = Paginator(services.learners_with_nothing_started(organisation), PER_PAGE)
    page = idle.get_page(request.GET.get("p"))
    bars = [charts.Bar(row.course.title, row.completion_rate) for row in rows]
    context = admin_context(
        f"Organisation report: {organisation.name}",
        "group",
        parents=[*_reports_crumb(), (reverse("reports:organisations"), "Organisation reports")],
        organisation=organisation,
        rows=rows,
        page_obj=page,
        idle_total=idle.count,
        querystring=querystring,
        filter_form=form,
        filter_label="Filter the organisation report",
        downloads=_downloads("reports:organisation_export", [organisation.pk], querystring),
        chart=charts.horizontal_bar_chart(
            "Completion rate per course",
            "Share of enrolled members who completed each course: " + charts.describe(bars, unit="%"),
            bars,
            maximum=100,
            unit="%",
        ),
        bars=bars,
        expiring_days=services.EXPIRING_WITHIN_DAYS,
    )
    return TemplateResponse(request, "reports/admin/organisation.html", context)


ORGANISATION_HEADER = [
    "Course",
    "Enrolled",
    "Not started",
    "In progress",
    "Completed",
    "Completion rate (%)",
    "Overdue",
    f"Certificates expiring within {services.EXPIRING_WITHIN_DAYS} days",
]


@require_GET
def organisation_export_view(request, organisation_id, kind):
    _check_kind(kind)
    organisation, _form, report = _organisation_report(request, organisation_id)
    rows = (
        [
            row.course.title,
            row.enrolled,
            row.not_started,
            row.in_progress,
            row.completed,
            row.completion_rate,
            row.overdue,
            row.certificates_expiring,
        ]
        for row in report
    )
    filename = f"organisation-report-{organisation.pk}-{timezone.localdate():%Y-%m-%d}"
    return download_response(kind, filename, ORGANISATION_HEADER, rows, "Organisation")


# --- learners ---------------------------------------------------------------------------------------


class LearnerSearchForm(forms.Form):
    q = forms.CharField(label="Name or email", required=False, max_length=150)


@require_GET
def learners_view(request):
    require(can_open_reports, request)
    form = LearnerSearchForm(request.GET or None)
    learners = visible_learners(request.user).select_related("organisation").order_by("full_name", "email")
    if form.is_valid() and (query := form.cleaned_data["q"].strip()):
        learners = learners.filter(full_name__icontains=query) | learners.filter(email__icontains=query)
    paginator = Paginator(learners, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    context = admin_context(
        "Learner records",
        "user",
        parents=_reports_crumb(),
        form=form,
        page_obj=page,
        total=paginator.count,
        querystring=_querystring(request),
    )
    return TemplateResponse(request, "reports/admin/learners.html", context)


class TimelineFilterForm(forms.Form):
    course = forms.ModelChoiceField(queryset=None, required=False, empty_label="All courses")

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses


def _timeline(request, user_id):
    require(can_open_reports, request)
    learner = learner_or_404(request.user, user_id)
    course_ids = learner_course_ids(request.user, learner)  # None: the whole record
    courses = reportable_courses(request.user)
    if course_ids is not None:
        courses = courses.filter(pk__in=course_ids)
    form = TimelineFilterForm(request.GET or None, courses=courses)
    if form.is_valid() and form.cleaned_data["course"]:
        course_ids = [form.cleaned_data["course"].pk]
    return learner, form, services.learner_timeline(learner, course_ids)


@require_GET
def learner_view(request, user_id):
    learner, form, events = _timeline(request, user_id)
    querystring = _querystring(request)
    context = admin_context(
        f"Learner record: {learner.full_name}",
        "user",
        parents=[*_reports_crumb(), (reverse("reports:learners"), "Learner records")],
        learner=learner,
        filter_form=form,
        events=events,
        downloads=_downloads("reports:learner_export", [learner.pk], querystring),
    )
    return TemplateResponse(request, "reports/admin/learner.html", context)


TIMELINE_HEADER = ["When", "Event", "Course", "What", "Detail"]


@require_GET
def learner_export_view(request, user_id, kind):
    _check_kind(kind)
    learner, _, events = _timeline(request, user_id)
    rows = ([_date(event.at), event.kind, event.course, event.what, event.detail] for event in events)
    filename = f"learner-record-{learner.pk}-{timezone.localdate():%Y-%m-%d}"
    return download_response(kind, filename, TIMELINE_HEADER, rows, "Learner record")


urlpatterns = [
    path("", index_view, name="index"),
    path("courses/<int:course_id>/", course_view, name="course"),
    path("courses/<int:course_id>/export.<str:kind>", course_export_view, name="course_export"),
    path("organisations/", organisations_view, name="organisations"),
    path("organisations/<int:organisation_id>/", organisation_view, name="organisation"),
    path(
        "organisations/<int:organisation_id>/export.<str:kind>",
        organisation_export_view,
        name="organisation_export",
    ),
    path("learners/", learners_view, name="learners"),
    path("learners/<int:user_id>/", learner_view, name="learner"),
    path("learners/<int:user_id>/export.<str:kind>", learner_export_view, name="learner_export"),
]
