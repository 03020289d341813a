"""The admin's survey results: an infographic per course (the share of each answer for every
statement, the number of responses, the comments) and its CSV and XLSX downloads. Registered in
surveys/wagtail_hooks.py under /admin/surveys/ (namespace "surveys_admin"); needs
`surveys.view_coursesurvey`, which the Trainers group has (surveys/0002)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lms.admin_utils import admin_context, require
from lms.exports import download_response

from .models import CourseSurvey
from .services import survey_export, survey_results

VIEW_PERMISSION = "surveys.view_coursesurvey"


def can_view_results(user):
    return user.has_perm(VIEW_PERMISSION)


@require_http_methods(["GET"])
def results_view(request, survey_id):
    require(can_view_results, request)
    survey = get_object_or_404(CourseSurvey.objects.select_related("course"), pk=survey_id)
    results = survey_results(survey)
    context = admin_context(
        f"Feedback: {survey.course.title}",
        "form",
        parents=[(reverse("course_surveys:index"), "Course surveys")],
        results=results,
        survey=survey,
        csv_url=reverse("surveys_admin:export", args=[survey.pk, "csv"]),
        xlsx_url=reverse("surveys_admin:export", args=[survey.pk, "xlsx"]),
    )
    return TemplateResponse(request, "surveys/admin/results.html", context)


@require_http_methods(["GET"])
def export_view(request, survey_id, kind):
    require(can_view_results, request)
    if kind not in EXPORT_KINDS:
        raise Http404("No such format.")
    survey = get_object_or_404(CourseSurvey.objects.select_related("course"), pk=survey_id)
    header, rows = survey_export(survey)
    filename = f"survey-{survey.course.slug}-{timezone.localdate():%Y-%m-%d}"
    return download_response(kind, filename, header, rows, sheet_name="Survey")


urlpatterns = [
    path("<int:survey_id>/results/", results_view, name="results"),
    path("<int:survey_id>/results.<str:kind>", export_view, name="export"),
]
EXPORT_KINDS = ("csv", "xlsx")
