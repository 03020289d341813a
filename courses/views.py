from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from . import services
from .forms import TaskSubmissionForm
from .models import CoursePage, LessonPage


@require_POST
@login_required
def enrol_view(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrolment = services.enrol(request.user, course)
    progress = services.course_progress(enrolment)
    messages.success(request, f"You are enrolled in {course.title}.")
    return redirect((progress.resume_item or course).url)


def enrolled_lesson(request, lesson_id):
    """(lesson, enrolment, context) for a lesson this learner may work on, or (lesson, None, None)."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    enrolment = services.get_enrolment(request.user, lesson.course)
    if enrolment is None:
        messages.info(request, "Enrol in the course to record your progress.")
        return lesson, None, None
    context = services.item_context(enrolment, lesson)
    if context["locked_by"] is not None:
        messages.error(request, f"This module unlocks when you complete “{context['locked_by'].title}”.")
        return lesson, None, None
    return lesson, enrolment, context


@require_POST
@login_required
def complete_lesson_view(request, lesson_id):
    lesson, enrolment, _ = enrolled_lesson(request, lesson_id)
    if enrolment is None:
        return redirect(lesson.course.url)
    try:
        certificate = services.complete_lesson(enrolment, lesson)
    except services.TaskNeedsApproval:
        messages.info(request, "Submit your work below: a trainer approves it to complete this lesson.")
        return redirect(lesson.url)
    if certificate:
        messages.success(
            request, "Course complete! Your certificate is being prepared and will be on My learning."
        )
        return redirect("dashboard")
    progress = services.course_progress(enrolment)
    messages.success(request, f"“{lesson.title}” marked complete.")
    return redirect((progress.next_item or lesson.course).url)


@require_POST
@login_required
def submit_task_view(request, lesson_id):
    from django.template.response import TemplateResponse

    lesson, enrolment, context = enrolled_lesson(request, lesson_id)
    if enrolment is None or not lesson.requires_approval:
        return redirect(lesson.course.url if enrolment is None else lesson.url)
    submission = lesson.task_submissions.filter(enrolment=enrolment).first()
    form = TaskSubmissionForm(request.POST, instance=submission)
    if form.is_valid():
        services.submit_task(enrolment, lesson, form.cleaned_data["text"])
        messages.success(
            request, "Your work is submitted. A trainer will review it; you will see the result here."
        )
        return redirect(lesson.url)
    # Show the lesson again with the error and what the learner typed.
    request.item_context = context
    response = lesson.serve(request)
    if isinstance(response, TemplateResponse):
        response.context_data["task_form"] = form
        response.status_code = 400
    return response


@require_POST
@login_required
def retake_view(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrolment = services.get_enrolment(request.user, course)
    if enrolment is None or not services.can_retake(enrolment):
        messages.info(request, "This course does not need renewing yet.")
        return redirect("dashboard")
    services.start_retake(enrolment)
    messages.success(
        request,
        f"You have started {course.title} again. Your earlier certificate stays valid until it expires.",
    )
    return redirect((services.course_progress(enrolment).resume_item or course).url)
