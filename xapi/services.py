"""Learning events to xAPI statements, kept in an outbox and sent to the learning record store.

The owning apps send signals (courses, quizzes, certificates: see their signals.py) inside the
transaction that records each event; the receivers here write a Statement row in that same
transaction, and once it commits `send_statements_task` is queued on the "xapi" database queue
(`db_worker --backend xapi`). The task sends every pending statement oldest first, in batches, with
HTTP basic auth and `X-Experience-API-Version: 1.0.3`. A batch the LRS refuses or cannot take (down,
5xx, timeout) stays pending: sending stops there, so later statements never overtake it, and the
task queues itself again after a growing delay (XAPI_RETRY_DELAYS). Nothing is dropped. An LRS
answers a repeated statement id with 200/204 (same statement) or 409 (already stored): both count
as sent, so a resend after a lost answer makes no duplicate. `manage.py send_xapi_statements`
sends what is pending at once. Nothing is recorded or sent while XAPI_LRS_URL is unset.
"""

import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_tasks import task

from . import statements as xs
from .models import Statement

logger = logging.getLogger(__name__)

TASK_BACKEND = "xapi"
BATCH_SIZE = 50


def is_enabled():
    return bool(getattr(settings, "XAPI_LRS_URL", ""))


def retry_delay(attempts):
    """How long to wait before the next try after `attempts` failed tries (the last delay repeats)."""
    delays = getattr(settings, "XAPI_RETRY_DELAYS", (10, 30, 60, 300, 900, 3600))
    return timedelta(seconds=delays[min(max(attempts, 1), len(delays)) - 1])


# --- Recording ------------------------------------------------------------------------------------


def record(event_key, verb, build):
    """Add one statement to the outbox (once per event_key) and queue sending after the commit.

    `build(statement_id, timestamp)` returns the statement body. Returns the Statement, or None
    when xAPI is off or the event was already recorded."""
    if not is_enabled():
        return None
    if Statement.objects.filter(event_key=event_key).exists():
        return None
    statement_id = uuid.uuid4()
    payload = build(statement_id, timezone.now())
    try:
        with transaction.atomic():
            row = Statement.objects.create(
                statement_id=statement_id, event_key=event_key, verb=verb, payload=payload
            )
    except IntegrityError:  # a concurrent request recorded the same event first
        return None
    schedule_send()
    return row


def schedule_send(delay=None):
    """Queue the sender once the current transaction commits (at once outside a transaction)."""
    task_to_run = send_statements_task
    if delay is not None:
        task_to_run = task_to_run.using(run_after=timezone.now() + delay)
    transaction.on_commit(task_to_run.enqueue, robust=True)


def _course_activity(course):
    return xs.activity("course", course.pk, course.title)


def on_enrolled(sender, enrolment, **kwargs):
    def build(sid, now):
        return xs.statement(
            sid,
            enrolment.user,
            "registered",
            _course_activity(enrolment.course),
            now,
            context_=xs.context(enrolment),
        )

    record(f"enrolled:{enrolment.pk}", "registered", build)


def _lesson_event(verb, enrolment, lesson, key):
    def build(sid, now):
        return xs.statement(
            sid,
            enrolment.user,
            verb,
            xs.activity("lesson", lesson.pk, lesson.title),
            now,
            context_=xs.context(enrolment, parents=[_course_activity(enrolment.course)]),
            result={"completion": True} if verb == "completed" else None,
        )

    record(key, verb, build)


def on_lesson_viewed(sender, enrolment, lesson, **kwargs):
    _lesson_event("experienced", enrolment, lesson, f"viewed:{enrolment.pk}:{lesson.pk}")


def on_lesson_completed(sender, enrolment, lesson, **kwargs):
    key = f"lesson-completed:{enrolment.pk}:{enrolment.cycle}:{lesson.pk}"
    _lesson_event("completed", enrolment, lesson, key)


def on_task_submitted(sender, submission, **kwargs):
    enrolment, lesson = submission.enrolment, submission.lesson

    def build(sid, now):
        return xs.statement(
            sid,
            enrolment.user,
            "submitted",
            xs.activity("lesson", lesson.pk, lesson.title),
            now,
            context_=xs.context(enrolment, parents=[_course_activity(enrolment.course)]),
            result={"extensions": {f"{xs.base_url()}/xapi/extensions/try": submission.tries}},
        )

    record(f"task-submitted:{submission.pk}:{submission.tries}", "submitted", build)


def on_task_reviewed(sender, submission, approved, **kwargs):
    if not approved:
        return
    enrolment, lesson = submission.enrolment, submission.lesson

    def build(sid, now):
        result = {"success": True}
        if submission.max_score:
            result["score"] = xs.score(submission.score or 0, submission.max_score)
        return xs.statement(
            sid,
            enrolment.user,
            "satisfied",
            xs.activity("lesson", lesson.pk, lesson.title),
            now,
            result=result,
            context_=xs.context(
                enrolment, parents=[_course_activity(enrolment.course)], instructor=submission.reviewer
            ),
        )

    record(f"task-approved:{submission.pk}:{submission.tries}", "satisfied", build)


def on_course_completed(sender, enrolment, **kwargs):
    def build(sid, now):
        return xs.statement(
            sid,
            enrolment.user,
            "completed",
            _course_activity(enrolment.course),
            now,
            result={"completion": True},
            context_=xs.context(enrolment),
        )

    record(f"course-completed:{enrolment.pk}:{enrolment.cycle}", "completed", build)


def _quiz_context(attempt):
    quiz = attempt.quiz
    course = quiz.course
    parents = [_course_activity(course)] if course else []
    enrolment = course.enrolments.filter(user=attempt.user).first() if course else None
    return xs.context(enrolment, parents=parents)


def on_attempt_started(sender, attempt, **kwargs):
    def build(sid, now):
        return xs.statement(
            sid,
            attempt.user,
            "attempted",
            xs.activity("quiz", attempt.quiz.pk, attempt.quiz.title),
            now,
            context_=_quiz_context(attempt),
        )

    record(f"attempt-started:{attempt.pk}", "attempted", build)


def on_attempt_submitted(sender, attempt, responses, **kwargs):
    quiz = attempt.quiz
    quiz_activity = xs.activity("quiz", quiz.pk, quiz.title)
    context = _quiz_context(attempt)
    question_context = dict(context)
    question_context["contextActivities"] = {"parent": [quiz_activity]}
    if "contextActivities" in context:  # the course groups the quiz's questions
        question_context["contextActivities"]["grouping"] = context["contextActivities"]["parent"]
    for response in responses:

        def build(sid, now, response=response):
            return xs.statement(
                sid,
                attempt.user,
                "answered",
                xs.activity("question", response.question_id),
                now,
                result={
                    "success": response.fraction >= 1.0,
                    "score": xs.score(response.mark, response.max_mark),
                },
                context_=question_context,
            )

        record(f"answered:{attempt.pk}:{response.question_id}", "answered", build)
    raw = sum((r.mark for r in responses), start=0)
    maximum = sum((r.max_mark for r in responses), start=0)
    verb = "passed" if attempt.passed else "failed"

    def build(sid, now):
        return xs.statement(
            sid,
            attempt.user,
            verb,
            quiz_activity,
            now,
            result={
                "success": bool(attempt.passed),
                "completion": True,
                "score": xs.score(raw, maximum),
                "extensions": {f"{xs.base_url()}/xapi/extensions/percentage": float(attempt.score)},
            },
            context_=context,
        )

    record(f"attempt-result:{attempt.pk}", verb, build)


def _certificate_activity(certificate):
    return xs.activity("certificate", certificate.pk, f"Certificate: {certificate.course_title}")


def on_certificate_issued(sender, certificate, **kwargs):
    def build(sid, now):
        return xs.statement(
            sid,
            certificate.user,
            "earned",
            _certificate_activity(certificate),
            now,
            context_=xs.context(certificate.enrolment, parents=[_course_activity(certificate.course)]),
        )

    record(f"certificate-issued:{certificate.pk}", "earned", build)


def on_certificate_revoked(sender, certificate, **kwargs):
    def build(sid, now):
        return xs.statement(
            sid,
            certificate.user,
            "lost",
            _certificate_activity(certificate),
            now,
            context_=xs.context(
                certificate.enrolment,
                parents=[_course_activity(certificate.course)],
                instructor=certificate.revoked_by,
            ),
        )

    # One statement per revocation: a certificate revoked, reinstated and revoked again has two.
    key = f"certificate-revoked:{certificate.pk}:{certificate.revoked_at.isoformat()}"
    record(key, "lost", build)


def on_certificate_reinstated(sender, certificate, revoked_at, reinstated_by=None, **kwargs):
    """A reinstatement undoes a revocation made in error, so the revocation's "lost" statement is
    voided (xAPI's way of withdrawing a statement; the LRS then leaves it out of its answers).
    Nothing is sent when the LRS never had one (xAPI was off when the certificate was revoked)."""
    lost = (
        Statement.objects.filter(verb="lost")
        .filter(
            Q(event_key=f"certificate-revoked:{certificate.pk}:{revoked_at.isoformat()}")
            # the key revocations had before each got its own (one per certificate)
            | Q(event_key=f"certificate-revoked:{certificate.pk}")
        )
        .order_by("-id")
        .first()
    )
    if lost is None:
        return

    def build(sid, now):
        return xs.voiding_statement(sid, reinstated_by or certificate.user, lost.statement_id, now)

    record(f"certificate-reinstated:{lost.statement_id}", "voided", build)


# --- Sending --------------------------------------------------------------------------------------


class LrsError(Exception):
    """The LRS could not take a batch (down, refused, or answered with an error)."""


def _request(method, url, body=None):
    headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    username = getattr(settings, "XAPI_LRS_USERNAME", "")
    if username:
        secret = f"{username}:{getattr(settings, 'XAPI_LRS_PASSWORD', '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(secret).decode()
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    timeout = getattr(settings, "XAPI_LRS_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, ValueError) as error:  # refused, unreachable, timed out, bad URL
        raise LrsError(f"{type(error).__name__}: {error}") from error


def statements_url():
    return settings.XAPI_LRS_URL.rstrip("/") + "/statements"


def _post(payloads):
    """Send statements in one request. True when stored (or already there)."""
    status, body = _request("POST", statements_url(), payloads)
    if status in (200, 204):
        return
    if status == 409 and len(payloads) > 1:
        # Some of the batch is already stored: send them one by one, each by its own id.
        for payload in payloads:
            _put(payload)
        return
    if status == 409:
        return
    raise LrsError(f"HTTP {status}: {body[:300].decode(errors='replace')}")


def _put(payload):
    url = f"{statements_url()}?{urllib.parse.urlencode({'statementId': payload['id']})}"
    status, body = _request("PUT", url, payload)
    if status not in (204, 409):  # 409: a statement with this id is stored already
        raise LrsError(f"HTTP {status}: {body[:300].decode(errors='replace')}")


def send_pending(batch_size=BATCH_SIZE):
    """Send pending statements oldest first until none is left or the LRS fails.

    Returns (sent, error): how many were accepted, and the error that stopped sending (None when
    everything pending was sent). The rows of a batch stay locked while it is sent, so two workers
    never send the same batch side by side."""
    if not is_enabled():
        return 0, None
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Statement.objects.select_for_update()
                .exclude(status=Statement.Status.SENT)
                .order_by("id")[:batch_size]
            )
            if not batch:
                return sent, None
            now = timezone.now()
            try:
                _post([row.payload for row in batch])
            except LrsError as error:
                Statement.objects.filter(pk__in=[row.pk for row in batch]).update(
                    status=Statement.Status.RETRYING, last_tried_at=now, last_error=str(error)[:1000]
                )
                Statement.objects.filter(pk=batch[0].pk).update(attempts=batch[0].attempts + 1)
                logger.warning("xAPI: the LRS did not take %s statements: %s", len(batch), error)
                return sent, error
            Statement.objects.filter(pk__in=[row.pk for row in batch]).update(
                status=Statement.Status.SENT, sent_at=now, last_tried_at=now, last_error=""
            )
            sent += len(batch)


@task(backend=TASK_BACKEND)
def send_statements_task() -> int:
    """Send what is pending; after a failure queue another try later (growing delay)."""
    sent, error = send_pending()
    # A backend that cannot defer (the immediate one of the tests) would retry at once, forever:
    # there the next event or `send_xapi_statements` tries again.
    if error is not None and send_statements_task.get_backend().supports_defer:
        first = Statement.objects.exclude(status=Statement.Status.SENT).order_by("id").first()
        schedule_send(retry_delay(first.attempts if first else 1))
    return sent


def outbox_counts():
    """Counts for the admin: waiting, failing (tried and refused), sent."""
    return Statement.objects.aggregate(
        pending=Count("id", filter=Q(status=Statement.Status.PENDING)),
        retrying=Count("id", filter=Q(status=Statement.Status.RETRYING)),
        sent=Count("id", filter=Q(status=Statement.Status.SENT)),
        tries=Sum("attempts", filter=~Q(status=Statement.Status.SENT)),
    )
