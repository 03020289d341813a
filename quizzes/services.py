"""Attempt workflows. Marking happens here, on the server, from the attempt's snapshot.

Races (two tabs, double clicks, many parallel requests) are settled in the database: a partial
unique index allows one open attempt per learner and quiz, attempt numbers are unique (so an
attempt limit holds), and closing an attempt is a conditional UPDATE that only one request wins.
On PostgreSQL the attempt row is also locked (SELECT ... FOR UPDATE) while it is read and written.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from courses.models import Enrolment
from courses.services import check_completion, forget_progress, get_enrolment
from lms.formatting import time_of_day

from .models import Attempt, QuizExtension, QuizPage, Response
from .signals import attempt_started, attempt_submitted

# Answers arriving this long after the deadline still count (network and clock slack).
DEADLINE_GRACE = timedelta(seconds=15)


class QuizUnavailable(Exception):
    """The quiz cannot be attempted now; the message says why, for the learner."""


@dataclass
class SubmitResult:
    attempt: Attempt
    already_submitted: bool
    late: bool = False


@dataclass(frozen=True)
class ReviewPolicy:
    """What a learner may see of a submitted attempt beyond its total score. Every place that
    shows marks (the result page, the records export) asks `QuizStatus.review` for this."""

    answers: bool  # the right answers, the mark for each question and the feedback on each choice
    general_feedback: bool  # each question's general feedback

    @property
    def anything(self):
        return self.answers or self.general_feedback


@dataclass
class QuizStatus:
    quiz: QuizPage
    attempts: list = field(default_factory=list)  # submitted, newest first
    in_progress: Attempt | None = None

    @property
    def used(self):
        return len(self.attempts) + (1 if self.in_progress else 0)

    @property
    def attempts_left(self):
        if not self.quiz.attempts_allowed:
            return None
        return max(0, self.quiz.attempts_allowed - self.used)

    @property
    def next_attempt_at(self):
        """When the learner may start again after an attempt that did not pass (None: now)."""
        delay = self.quiz.retry_delay_minutes
        latest = max(self.attempts, key=lambda a: a.number, default=None)
        if not delay or latest is None or latest.passed:
            return None
        ready = latest.submitted_at + timedelta(minutes=delay)
        return ready if ready > timezone.now() else None

    @property
    def can_start(self):
        return self.in_progress is None and self.attempts_left != 0 and self.next_attempt_at is None

    @property
    def graded_attempt(self):
        """The attempt that counts, by the quiz's grading method."""
        if not self.attempts:
            return None
        if self.quiz.grading_method == QuizPage.GradingMethod.LATEST:
            return max(self.attempts, key=lambda a: a.number)
        return max(self.attempts, key=lambda a: (a.score, -a.number))

    @property
    def passed(self):
        graded = self.graded_attempt
        return bool(graded and graded.passed)

    def review(self, attempt):
        """The one review policy: what this learner may see of this attempt now."""
        if not attempt.is_submitted:
            return ReviewPolicy(answers=False, general_feedback=False)
        setting, Review = self.quiz.review_correct_answers, QuizPage.Review
        no_attempts_left = self.attempts_left == 0
        answers = {
            Review.NEVER: False,
            Review.AFTER_EACH: True,
            Review.AFTER_PASS: self.passed,
            Review.AFTER_LAST: no_attempts_left,
            Review.AFTER_PASS_OR_LAST: self.passed or no_attempts_left,
        }.get(setting, False)
        return ReviewPolicy(answers=answers, general_feedback=answers or self.quiz.show_general_feedback)

    def can_review(self, attempt):
        """Whether the right answers, marks per question and feedback may be shown."""
        return self.review(attempt).answers


def cycle_start(user, quiz, enrolment=None):
    """When the learner's current run through the course began (None: their first run). Pass
    the learner's `enrolment` in the quiz's course when it is at hand (no query)."""
    if enrolment is not None:
        return enrolment.cycle_started_at
    return (
        Enrolment.objects.filter(user=user, course_id=quiz.get_parent().get_parent().pk)
        .values_list("cycle_started_at", flat=True)
        .first()
    )


def attempts_in_cycle(user, quiz, enrolment=None):
    attempts = Attempt.objects.filter(user=user, quiz=quiz)
    since = cycle_start(user, quiz, enrolment)
    return attempts.filter(started_at__gte=since) if since else attempts


def quiz_status(user, quiz, enrolment=None):
    """The learner's attempts at a quiz; `enrolment` (theirs, in its course) saves a query."""
    attempts = list(attempts_in_cycle(user, quiz, enrolment).order_by("-number"))
    in_progress = next((a for a in attempts if not a.is_submitted), None)
    if in_progress and close_if_expired(in_progress):
        return quiz_status(user, quiz, enrolment)
    return QuizStatus(quiz=quiz, attempts=[a for a in attempts if a.is_submitted], in_progress=in_progress)


def time_allowed(user, quiz):
    if not quiz.time_limit_minutes:
        return None
    extension = (
        QuizExtension.objects.filter(quiz=quiz, user=user).values_list("extra_minutes", flat=True).first()
    )
    return timedelta(minutes=quiz.time_limit_minutes + (extension or 0))


def start_attempt(user, quiz):
    """Return the learner's open attempt at this quiz, or start a new one with a snapshot."""
    try:
        with transaction.atomic():
            open_attempt = (
                Attempt.objects.select_for_update()
                .filter(user=user, quiz=quiz, submitted_at__isnull=True)
                .first()
            )
            if open_attempt and not close_if_expired(open_attempt):
                return open_attempt
            status = quiz_status(user, quiz)
            if quiz.attempts_allowed and status.used >= quiz.attempts_allowed:
                raise QuizUnavailable(
                    f"You have used all {quiz.attempts_allowed} attempts allowed at this quiz."
                )
            if status.next_attempt_at is not None:
                when = timezone.localtime(status.next_attempt_at)
                raise QuizUnavailable(
                    f"You can try this quiz again from {time_of_day(when)} on {when:%-d %B %Y}. "
                    "Use the time to revisit the lessons."
                )
            snapshot = quiz.build_snapshot()
            if not snapshot:
                raise QuizUnavailable("This quiz has no questions yet.")
            allowed = time_allowed(user, quiz)
            last_number = Attempt.objects.filter(user=user, quiz=quiz).aggregate(n=Max("number"))["n"] or 0
            attempt = Attempt.objects.create(
                user=user,
                quiz=quiz,
                number=last_number + 1,
                pass_mark=quiz.pass_mark,
                snapshot=snapshot,
                deadline=timezone.now() + allowed if allowed else None,
            )
            attempt_started.send(sender=Attempt, attempt=attempt)
            return attempt
    except IntegrityError:
        # A parallel request opened an attempt (or took this attempt number) first.
        existing = Attempt.objects.filter(user=user, quiz=quiz, submitted_at__isnull=True).first()
        if existing:
            return existing
        raise QuizUnavailable(
            "Another attempt was started at the same moment. Reload the page to continue."
        ) from None


def is_past_deadline(attempt, now=None):
    return attempt.deadline is not None and (now or timezone.now()) > attempt.deadline + DEADLINE_GRACE


def save_answers(attempt, answers):
    """Store answers given so far without marking them. Returns False once the attempt is closed."""
    known = {str(data["id"]) for data in attempt.snapshot}
    cleaned = {key: value for key, value in answers.items() if key in known}
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted or is_past_deadline(locked):
            return False
        locked.answers = {**locked.answers, **cleaned}
        locked.saved_at = timezone.now()
        locked.save(update_fields=["answers", "saved_at"])
    attempt.answers, attempt.saved_at = locked.answers, locked.saved_at
    return True


def grade_attempt(attempt, answers):
    """Mark answers against the snapshot. Returns (percentage score, responses)."""
    responses = []
    total = Decimal(0)
    earned = Decimal(0)
    for position, question in enumerate(attempt.questions):
        answer = answers.get(str(question.pk))
        fraction = 0.0 if answer in (None, "", [], {}) else max(0.0, min(1.0, float(question.grade(answer))))
        mark = (question.default_mark * Decimal(str(fraction))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        total += question.default_mark
        earned += mark
        responses.append(
            Response(
                attempt=attempt,
                question_id=question.pk,
                position=position,
                answer=answer,
                fraction=fraction,
                mark=mark,
                max_mark=question.default_mark,
            )
        )
    score = (Decimal(100) * earned / total).quantize(Decimal("0.01"), ROUND_HALF_UP) if total else Decimal(0)
    return score, responses


def submit_attempt(attempt, answers, now=None):
    """Mark and close an attempt exactly once; a repeat submit returns the first result.

    After the deadline, the answers sent now are ignored and the ones saved in time are marked.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            return SubmitResult(attempt=locked, already_submitted=True)
        late = is_past_deadline(locked, now)
        final_answers = dict(locked.answers) if late else {**locked.answers, **answers}
        score, responses = grade_attempt(locked, final_answers)
        # The conditional update is the guard that holds on SQLite too, where FOR UPDATE is a no-op.
        updated = Attempt.objects.filter(pk=locked.pk, submitted_at__isnull=True).update(
            submitted_at=min(now, locked.deadline + DEADLINE_GRACE) if late else now,
            answers=final_answers,
            score=score,
            passed=score >= locked.pass_mark,
            closed_by_time_limit=late,
        )
        if not updated:
            return SubmitResult(attempt=Attempt.objects.get(pk=locked.pk), already_submitted=True)
        Response.objects.bulk_create(responses)
        forget_progress(locked.user_id)
        locked.refresh_from_db()
        attempt_submitted.send(sender=Attempt, attempt=locked, responses=responses)
    if locked.passed:
        enrolment = get_enrolment(locked.user, locked.quiz.course)
        if enrolment:
            check_completion(enrolment)
    return SubmitResult(attempt=locked, already_submitted=False, late=late)


def close_if_expired(attempt):
    """Submit an open attempt whose time is up, with the answers saved in time. True if closed."""
    if attempt.is_submitted or not is_past_deadline(attempt):
        return False
    submit_attempt(attempt, {})
    attempt.refresh_from_db()
    return True


def can_ask_for_more_time(attempt, now=None):
    """Whether the learner may still add the quiz's *more time* to this attempt: a timed, open
    attempt before its deadline, on a quiz that allows it, and only once."""
    return bool(
        attempt.deadline is not None
        and attempt.quiz.more_time_minutes
        and not attempt.more_time_taken
        and not attempt.is_submitted
        and (now or timezone.now()) < attempt.deadline
    )


def add_more_time(attempt):
    """The learner asks for more time (WCAG 2.2.1): the deadline moves by the quiz's
    `more_time_minutes`, once per attempt. Refused (QuizUnavailable) in every other case."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if not can_ask_for_more_time(locked):
            raise QuizUnavailable("More time cannot be added to this attempt.")
        minutes = locked.quiz.more_time_minutes
        # The conditional update holds on SQLite too, where FOR UPDATE is a no-op.
        updated = Attempt.objects.filter(pk=locked.pk, more_time_taken=0, submitted_at__isnull=True).update(
            deadline=locked.deadline + timedelta(minutes=minutes), more_time_taken=minutes
        )
        if not updated:
            raise QuizUnavailable("More time cannot be added to this attempt.")
    attempt.refresh_from_db()
    return minutes


def seconds_left(attempt, now=None):
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or timezone.now())).total_seconds()))


def grant_extension(quiz, user, extra_minutes, granted_by=None, reason=""):
    """Give a learner extra time on a quiz; an open attempt's deadline moves with it."""
    with transaction.atomic():
        QuizExtension.objects.update_or_create(
            quiz=quiz,
            user=user,
            defaults={"extra_minutes": extra_minutes, "granted_by": granted_by, "reason": reason},
        )
        allowed = time_allowed(user, quiz)
        for attempt in Attempt.objects.select_for_update().filter(
            user=user, quiz=quiz, submitted_at__isnull=True
        ):
            if allowed is not None:  # the learner's own request for more time still counts
                attempt.deadline = attempt.started_at + allowed + timedelta(minutes=attempt.more_time_taken)
                attempt.save(update_fields=["deadline"])
