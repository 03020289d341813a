"""Trainers review practice-task submissions in the Wagtail admin."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.safestring import mark_safe

from . import services
from .models import LessonPage, TaskSubmission


def reviewable_lesson_ids(user):
    """Lessons needing approval that this user may edit (and so review)."""
    lessons = LessonPage.objects.filter(requires_approval=True)
    return [lesson.pk for lesson in lessons if lesson.permissions_for_user(user).can_edit()]


def submissions_for(user):
    return TaskSubmission.objects.filter(lesson_id__in=reviewable_lesson_ids(user)).select_related(
        "lesson", "enrolment__user", "enrolment__course"
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve: the lesson counts as complete"), ("changes", "Ask for changes")],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="The learner sees this on the lesson.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "changes" and not cleaned.get("feedback", "").strip():
            self.add_error("feedback", "Say what to change, so the learner knows what to do next.")
        return cleaned


def index(request):
    submissions = submissions_for(request.user)
    status = request.GET.get("status", TaskSubmission.Status.PENDING)
    if status in TaskSubmission.Status.values:
        submissions = submissions.filter(status=status)
    return TemplateResponse(
        request,
        "courses/admin/task_index.html",
        {
            "submissions": submissions.order_by("submitted_at")[:200],
            "status": status,
            "statuses": TaskSubmission.Status.choices,
            "header_title": "Practice tasks",
        },
    )


def review(request, submission_id):
    submission = get_object_or_404(
        TaskSubmission.objects.select_related("lesson", "enrolment__user", "enrolment__course"),
        pk=submission_id,
    )
    if not submission.lesson.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        services.review_task(submission, request.user, approve, form.cleaned_data["feedback"].strip())
        learner = submission.enrolment.user.full_name
        messages.success(
            request, f"Approved {learner}'s work." if approve else f"Asked {learner} for changes."
        )
        return redirect("practice_tasks:index")
    return TemplateResponse(
        request,
        "courses/admin/task_review.html",
        {
            "submission": submission,
            # Sanitised with nh3 when it was saved (TaskSubmission.save), so safe to show as HTML.
            "work": mark_safe(submission.text),  # noqa: S308
            "form": form,
            "header_title": f"Review: {submission.lesson.title}",
        },
    )


urlpatterns = [path("", index, name="index"), path("<int:submission_id>/", review, name="review")]
