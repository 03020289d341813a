"""The learner's home ("My learning"), in a constant number of queries."""

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import waiting_for_email
from courses.caching import catalogue_courses_key, kept_for_learner
from courses.models import Enrolment, LessonCompletion, TaskSubmission
from courses.services import attach_courses, can_retake, progress_for_enrolments
from lms.formatting import format_percent
from quizzes.models import Attempt
from surveys.services import surveys_waiting


@dataclass
class CourseRow:
    enrolment: Enrolment
    progress: object
    assignment: object | None
    can_retake: bool
    survey_url: str = ""  # the course's feedback survey, while it waits for this completion's answer

    @property
    def due_date(self):
        return self.assignment.due_date if self.assignment else None

    @property
    def is_overdue(self):
        return bool(self.assignment and self.assignment.is_overdue())


def learner_dashboard(user):
    today = timezone.localdate()
    # The courses from the kept catalogue rather than a join (a join of the page tables cost more
    # than the rest of the page's queries together), and the user is the one asking.
    enrolments = attach_courses(kept_enrolments(user))
    for enrolment in enrolments:
        enrolment.user = user
    progress = progress_for_enrolments(enrolments)
    survey_waiting = surveys_waiting(enrolments)
    events, practice, certificates = kept_lists(user)
    current = {(c.enrolment_id, c.cycle): c for c in certificates}
    rows = []
    for enrolment in enrolments:
        assignment = getattr(enrolment, "assignment", None)
        certificate = current.get((enrolment.pk, enrolment.cycle))
        renewable = bool(
            certificate is not None and certificate.expires_at is not None and can_retake(enrolment)
        )
        survey_url = (
            reverse("surveys:answer", args=[enrolment.course_id]) if enrolment.pk in survey_waiting else ""
        )
        rows.append(CourseRow(enrolment, progress[enrolment.pk], assignment, renewable, survey_url))
    # Assigned and overdue first, then by due date, then the rest.
    rows.sort(key=lambda r: (r.enrolment.completed_at is not None, r.due_date is None, r.due_date or today))
    # Courses completed while the email address is not confirmed: their certificates wait. Only
    # asked when a completed course has no certificate for its cycle (otherwise none can wait).
    uncertified = any(e.completed_at is not None and (e.pk, e.cycle) not in current for e in enrolments)
    return {
        "rows": rows,
        "certificates": certificates,
        "waiting_for_email": list(waiting_for_email(user)) if uncertified else [],
        "overdue_count": sum(1 for r in rows if r.is_overdue),
        "recent_activity": recent_activity(user, certificates, events=events),
        "practice_work": practice,
        "today": today,
    }


def practice_work(user, limit=10):
    """The learner's practice work a trainer has reviewed or still has to: changes asked for
    first, then waiting for review, then approved, newest first within each, with the lesson to
    link to (1 query). Work marked by its automatic checks alone has no reviewer: the lesson shows
    it, and it stays off this list."""
    order = {
        TaskSubmission.Status.CHANGES: 0,
        TaskSubmission.Status.PENDING: 1,
        TaskSubmission.Status.APPROVED: 2,
    }
    submissions = (
        TaskSubmission.objects.filter(enrolment__user=user)
        .filter(Q(reviewer__isnull=False) | Q(status=TaskSubmission.Status.PENDING))
        .select_related("lesson", "enrolment__course")
        .order_by(Coalesce("reviewed_at", "submitted_at").desc(), "-pk")[:limit]
    )
    return sorted(submissions, key=lambda submission: order.get(submission.status, 3))


def learning_events(user, limit=6):
    """The learner's latest lesson completions and quiz results, as (when, what) (2 queries)."""
    events = []
    for completion in (
        LessonCompletion.objects.filter(enrolment__user=user)
        .select_related("lesson")
        .order_by("-completed_at")[:limit]
    ):
        events.append((completion.completed_at, f"Completed the lesson “{completion.lesson.title}”"))
    for attempt in (
        Attempt.objects.filter(user=user, submitted_at__isnull=False)
        .select_related("quiz")
        .order_by("-submitted_at")[:limit]
    ):
        verdict = "passed" if attempt.passed else "did not pass"
        score = format_percent(attempt.score)
        events.append((attempt.submitted_at, f"Scored {score} on “{attempt.quiz.title}” ({verdict})"))
    return events


def recent_activity(user, certificates, limit=6, events=None):
    """The learner's latest completions, quiz results and certificates (`certificates`: all of
    theirs, newest first, as My learning lists them), newest first. `events`: their
    learning_events, when already read."""
    events = list(learning_events(user, limit) if events is None else events)
    for certificate in certificates[:limit]:
        events.append((certificate.issued_at, f"Earned the certificate for “{certificate.course_title}”"))
    events.sort(key=lambda event: event[0], reverse=True)
    return events[:limit]


def my_learning_key(user_id):
    return f"my-learning:{user_id}"


def kept_lists(user):
    """(learning_events, practice_work, certificates newest first) of the learner, kept in the
    shared cache while their records and the courses are unchanged: every completion, quiz attempt,
    task submission or review, and every change to one of their certificates (certificates.models)
    bumps the learner's stamp (courses.services.forget_progress), every publish the content version
    (titles). Read with the page's other entries (PrefetchMiddleware)."""

    def read():
        certificates = list(Certificate.objects.filter(user=user).order_by("-issued_at"))
        return learning_events(user), practice_work(user), certificates

    return kept_for_learner(my_learning_key(user.pk), user.pk, read)


def my_enrolments_key(user_id):
    return f"my-learning-enrolments:{user_id}"


def kept_enrolments(user):
    """The learner's enrolments with their assignments (without their courses), in My learning's
    order, kept while their records and their place are unchanged: enrolling, leaving, any
    assignment change, completion and retake bump their stamp, and `record_visit`'s every write
    (last page, last activity) their place."""

    def read():
        return list(
            Enrolment.objects.filter(user=user)
            .select_related("assignment")
            .order_by("completed_at", "-last_activity_at", "-enrolled_at")
        )

    return kept_for_learner(my_enrolments_key(user.pk), user.pk, read, with_place=True)


def prefetch_my_learning(request):
    """For lms.request_cache: My learning's kept lists and the catalogue's courses (which give the
    enrolments their pages: courses.services.attach_courses), with the signed-in person's other
    entries."""
    user_id = request.session.get("_auth_user_id") if hasattr(request, "session") else None
    if not user_id or request.path_info != reverse("dashboard"):
        return []
    return [my_learning_key(user_id), my_enrolments_key(user_id), catalogue_courses_key("")]
