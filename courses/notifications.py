"""Emails about training, sent by the background worker (lms.emails.queue_email), never from the
request:

- to a learner whose existing account is assigned a course (or whose due date changes);
- to a learner whose practice task is approved or sent back for changes;
- to the reviewers of a practice task when work is submitted, each as they chose
  (ReviewEmailSetting): an email per submission, a daily digest (`send_review_digests`), or none.

The practice-task functions take the learner and the lesson page (and the admin link to the
review), not a TaskSubmission, so any app with reviewed work can call them.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission

from lms.emails import queue_email, render_email
from lms.models import User
from lms.site_url import absolute_url, site_base_url

from .models import CoursePage, LessonPage, ReviewEmailSetting, TaskSubmission

# A digest goes out at most once in this long, however often the command runs.
DIGEST_MIN_INTERVAL = timedelta(hours=20)


def _email(name, context, to):
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_base_url(),
        "dashboard_url": absolute_url(reverse("dashboard")),
        **context,
    }
    return render_email(f"courses/email/{name}", context, to)


def page_url(page):
    return absolute_url(page.get_url() or "/") if page is not None else absolute_url("/")


# --- learners --------------------------------------------------------------------------------------


def notify_course_assigned(assignment, due_date_changed=False):
    """Tell the learner about a course assigned to their (existing) account, or its new due date."""
    enrolment = assignment.enrolment
    queue_email(
        _email(
            "course_assigned",
            {
                "user": enrolment.user,
                "course": enrolment.course,
                "course_url": page_url(enrolment.course),
                "due_date": assignment.due_date,
                "due_date_changed": due_date_changed,
            },
            enrolment.user.email,
        )
    )


def notify_task_reviewed(learner, lesson, approved, feedback=""):
    """Tell the learner their practice task was approved, or sent back with the reviewer's feedback
    (plain text, as the reviewer typed it)."""
    queue_email(
        _email(
            "task_approved" if approved else "task_changes",
            {
                "user": learner,
                "lesson": lesson,
                "course": CoursePage.objects.ancestor_of(lesson).first(),
                "lesson_url": page_url(lesson),
                "feedback": feedback,
            },
            learner.email,
        )
    )


# --- reviewers -------------------------------------------------------------------------------------


def reviewers_for(lesson):
    """Active people whose groups let them edit the lesson (and so review its tasks)."""
    ancestors = lesson.get_ancestors(inclusive=True)
    group_ids = GroupPagePermission.objects.filter(page__in=ancestors).values("group_id")
    candidates = User.objects.filter(is_active=True, groups__in=group_ids).distinct().order_by("pk")
    return [user for user in candidates if lesson.permissions_for_user(user).can_edit()]


def notify_task_submitted(learner, lesson, review_url):
    """Email each reviewer of the lesson who asked for an email per submission. `review_url` is
    the admin page where the work is reviewed."""
    reviewers = reviewers_for(lesson)
    settings_by_user = {
        setting.user_id: setting.frequency
        for setting in ReviewEmailSetting.objects.filter(user__in=[r.pk for r in reviewers])
    }
    course = CoursePage.objects.ancestor_of(lesson).first()
    each = ReviewEmailSetting.Frequency.EACH  # the default, for reviewers who never chose
    for reviewer in reviewers:
        if settings_by_user.get(reviewer.pk, each) != each:
            continue
        queue_email(
            _email(
                "task_submitted",
                {
                    "user": reviewer,
                    "learner": learner,
                    "lesson": lesson,
                    "course": course,
                    "review_url": absolute_url(review_url),
                },
                reviewer.email,
            )
        )


def send_review_digests(now=None):
    """Email each reviewer who chose the daily digest the practice work waiting for them, if any
    came in since their last digest. Returns how many digests were queued."""
    now = now or timezone.now()
    sent = 0
    settings_rows = ReviewEmailSetting.objects.filter(
        frequency=ReviewEmailSetting.Frequency.DAILY, user__is_active=True
    ).select_related("user")
    lessons = list(LessonPage.objects.filter(requires_approval=True))
    for setting in settings_rows:
        if setting.last_digest_at and now - setting.last_digest_at < DIGEST_MIN_INTERVAL:
            continue
        lesson_ids = [lesson.pk for lesson in lessons if lesson.permissions_for_user(setting.user).can_edit()]
        waiting = list(
            TaskSubmission.objects.filter(lesson_id__in=lesson_ids, status=TaskSubmission.Status.PENDING)
            .select_related("lesson", "enrolment__user", "enrolment__course")
            .order_by("submitted_at")
        )
        since = setting.last_digest_at
        new = [s for s in waiting if since is None or s.submitted_at > since]
        if not new:
            continue
        queue_email(
            _email(
                "review_digest",
                {
                    "user": setting.user,
                    "waiting": [
                        {"submission": s, "is_new": s in new, "review_url": review_link(s)} for s in waiting
                    ],
                    "new_count": len(new),
                    "tasks_url": absolute_url(reverse("practice_tasks:index")),
                },
                setting.user.email,
            )
        )
        ReviewEmailSetting.objects.filter(pk=setting.pk).update(last_digest_at=now)
        sent += 1
    return sent


def review_link(submission):
    return absolute_url(reverse("practice_tasks:review", args=[submission.pk]))
