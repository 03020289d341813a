"""The learner's side of a course survey: the invitation on a completed course's page and the
survey form itself (/surveys/course/<course id>/), behind the courses access gate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from courses.access import AccessRefused, open_course_item
from courses.models import CoursePage
from courses.services import request_enrolment
from courses.views import refusal_response

from .forms import SurveyForm
from .models import SurveyResponse
from .services import AlreadyAnswered, open_survey_for, submit_survey


def course_page_context(page, request):
    """A courses.page_context provider: the survey link on a course page, for a learner who
    completed the course and has not answered its survey for this completion."""
    if not request.user.is_authenticated:
        return {}
    if open_survey_for(request_enrolment(request, page)) is None:
        return {}
    return {"survey_url": reverse("surveys:answer", args=[page.pk])}


@login_required
@require_http_methods(["GET", "POST"])
def answer_view(request, course_id):
    course = CoursePage.objects.filter(pk=course_id).first()
    try:
        access = open_course_item(request, course)
    except AccessRefused as refusal:
        return refusal_response(request, refusal)
    enrolment = access.enrolment
    survey = open_survey_for(enrolment)
    if survey is None:
        if SurveyResponse.objects.filter(enrolment=enrolment, cycle=enrolment.cycle).exists():
            messages.info(request, "You have already answered this course's survey. Thank you.")
            return redirect(course.url)
        raise Http404("No survey to answer.")
    form = SurveyForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            submit_survey(survey, enrolment, form.answers(), form.cleaned_data["comment"])
        except AlreadyAnswered:
            messages.info(request, "You have already answered this course's survey. Thank you.")
        else:
            messages.success(request, "Thank you for your feedback.")
        return redirect(course.url)
    return TemplateResponse(
        request, "surveys/survey_form.html", {"course": course, "survey": survey, "form": form}
    )
