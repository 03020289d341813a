from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from . import services
from .models import CoursePage, LessonPage


@require_POST
@login_required
def enrol_view(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    services.enrol(request.user, course)
    progress = services.course_progress(services.get_enrolment(request.user, course))
    messages.success(request, f"You are enrolled in {course.title}.")
    target = progress.next_item or course
    return redirect(target.url)


@require_POST
@login_required
def complete_lesson_view(request, lesson_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    enrolment = services.get_enrolment(request.user, lesson.course)
    if enrolment is None:
        messages.info(request, "Enrol in the course to record your progress.")
        return redirect(lesson.course.url)
    certificate = services.complete_lesson(enrolment, lesson)
    if certificate:
        messages.success(request, "Course complete! Your certificate is ready on My learning.")
        return redirect("dashboard")
    progress = services.course_progress(enrolment)
    messages.success(request, f"“{lesson.title}” marked complete.")
    return redirect((progress.next_item or lesson.course).url)
