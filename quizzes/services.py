"""Attempt workflows. Marking happens here, on the server, from the attempt's snapshot."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import Attempt, Response


class QuizUnavailable(Exception):
    """The quiz cannot be attempted (for example, it has no questions)."""


@dataclass
class SubmitResult:
    attempt: Attempt
    already_submitted: bool


def start_attempt(user, quiz):
    """Return the learner's open attempt at this quiz, or start a new one with a snapshot."""
    open_attempt = Attempt.objects.filter(user=user, quiz=quiz, submitted_at__isnull=True).first()
    if open_attempt:
        return open_attempt
    questions = quiz.questions()
    if not questions:
        raise QuizUnavailable("This quiz has no questions yet.")
    try:
        with transaction.atomic():
            last = Attempt.objects.filter(user=user, quiz=quiz).aggregate(n=Max("number"))["n"] or 0
            return Attempt.objects.create(
                user=user,
                quiz=quiz,
                number=last + 1,
                pass_mark=quiz.pass_mark,
                snapshot=[question.to_snapshot() for question in questions],
            )
    except IntegrityError:
        # A parallel request opened the attempt first: use that one.
        return Attempt.objects.get(user=user, quiz=quiz, submitted_at__isnull=True)


def save_answers(attempt, answers):
    """Store answers given so far without marking them. Ignored once the attempt is submitted."""
    known = {str(data["id"]) for data in attempt.snapshot}
    cleaned = {key: value for key, value in answers.items() if key in known}
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            return False
        locked.answers = {**locked.answers, **cleaned}
        locked.save(update_fields=["answers"])
    attempt.answers = locked.answers
    return True


def grade_attempt(attempt, answers):
    """Mark answers against the snapshot. Returns (percentage score, responses)."""
    responses = []
    total = Decimal(0)
    earned = Decimal(0)
    for position, question in enumerate(attempt.questions):
        answer = answers.get(str(question.pk))
        fraction = 0.0 if answer in (None, "", []) else max(0.0, min(1.0, float(question.grade(answer))))
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


def submit_attempt(attempt, answers):
    """Mark and close an attempt exactly once; a repeat submit returns the first result."""
    from courses.services import check_completion, get_enrolment

    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            return SubmitResult(attempt=locked, already_submitted=True)
        answers = {**locked.answers, **answers}
        score, responses = grade_attempt(locked, answers)
        now = timezone.now()
        # The conditional update is the guard that holds on SQLite too, where FOR UPDATE is a no-op.
        updated = Attempt.objects.filter(pk=locked.pk, submitted_at__isnull=True).update(
            submitted_at=now, answers=answers, score=score, passed=score >= locked.pass_mark
        )
        if not updated:
            return SubmitResult(attempt=Attempt.objects.get(pk=locked.pk), already_submitted=True)
        Response.objects.bulk_create(responses)
    locked.refresh_from_db()
    if locked.passed:
        enrolment = get_enrolment(locked.user, locked.quiz.course)
        if enrolment:
            check_completion(enrolment)
    return SubmitResult(attempt=locked, already_submitted=False)
