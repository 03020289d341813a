"""Assignment and Grade Services: the course's grade goes to each platform gradebook that
launched it for the learner.

A quiz result (pass or fail) and a course completion, signalled by quizzes and courses inside the
transaction that records them, each queue one score per grade target of the learner in that course
(LtiScore, the outbox), written in that same transaction. Once it commits, `send_scores_task` runs
on the "lti" database queue (`db_worker --backend lti`): for each waiting score, oldest first, an
access token (OAuth 2 client credentials with a signed JWT assertion, RS256, kept until it expires)
and a POST of application/vnd.ims.lis.v1.score+json to the line item's /scores. A link the platform
made without a line item (its launches offer only the context's `lineitems` service) gets one from
us first, once (link_line_item). A platform that is
down or refuses keeps its scores waiting (the other platforms' go on), retried after a growing
delay (LTI_RETRY_DELAYS); nothing is dropped. `manage.py send_lti_scores` sends at once.

The score is out of 100: the mean of the learner's graded attempt (the quiz's own grading method)
at each required quiz of the course in the current cycle, 0 for a quiz not tried; a course without
quizzes scores 100 when completed. activityProgress is Completed once the course is, InProgress
before; gradingProgress is FullyGraded (the score is final for what has been done).
"""

import json
import logging
import secrets
import urllib.parse
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import task

from courses.services import course_outline, get_enrolment, is_required
from quizzes.models import QuizPage
from quizzes.services import quiz_status

from . import jose
from .models import LtiGradeTarget, LtiResourceLink, LtiScore
from .services import LINEITEM_SCOPE, SCORE_MAXIMUM, SCORE_SCOPE, scores_url

logger = logging.getLogger(__name__)

TASK_BACKEND = "lti"
SCORE_CONTENT_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_CONTENT_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEM_CONTAINER_CONTENT_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
# Marks the line items this site creates, so it finds its own again (and never makes two).
LINEITEM_TAG = "govsocial-academy-grade"


def retry_delay(attempts):
    """How long to wait after `attempts` failed tries (the last delay repeats)."""
    delays = getattr(settings, "LTI_RETRY_DELAYS", (10, 30, 60, 300, 900, 3600))
    return timedelta(seconds=delays[min(max(attempts, 1), len(delays)) - 1])


# --- Recording ------------------------------------------------------------------------------------


def course_grade(user, course):
    """The learner's course grade out of 100 (a Decimal), or None for a course without quizzes."""
    quizzes = [
        item for item in course_outline(course).items if isinstance(item, QuizPage) and is_required(item)
    ]
    if not quizzes:
        return None
    total = Decimal(0)
    for quiz in quizzes:
        graded = quiz_status(user, quiz).graded_attempt
        total += graded.score if graded is not None else Decimal(0)
    return (total / len(quizzes)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _targets(user, course):
    return list(LtiGradeTarget.objects.filter(user=user, resource_link__course=course))


def _record(target, event_key, score_given, completed, comment):
    payload = {
        "userId": target.subject,
        "scoreGiven": float(score_given),
        "scoreMaximum": SCORE_MAXIMUM,
        "activityProgress": "Completed" if completed else "InProgress",
        "gradingProgress": "FullyGraded",
        "timestamp": timezone.now().isoformat(timespec="milliseconds"),
        "comment": comment,
    }
    try:
        with transaction.atomic():
            LtiScore.objects.create(target=target, event_key=event_key, payload=payload)
    except IntegrityError:  # this event was reported already
        return
    schedule_send()


def on_attempt_submitted(sender, attempt, **kwargs):
    course = attempt.quiz.course
    targets = _targets(attempt.user, course) if course else []
    if not targets:
        return
    enrolment = get_enrolment(attempt.user, course)
    completed = bool(enrolment and enrolment.completed_at)
    grade = course_grade(attempt.user, course)
    verdict = "passed" if attempt.passed else "not passed yet"
    comment = f"{attempt.quiz.title}: {verdict} ({attempt.score}%)."
    for target in targets:
        _record(target, f"attempt:{attempt.pk}:{target.pk}", grade, completed, comment)


def on_course_completed(sender, enrolment, **kwargs):
    targets = _targets(enrolment.user, enrolment.course)
    if not targets:
        return
    grade = course_grade(enrolment.user, enrolment.course)
    comment = f"Completed {enrolment.course.title}."
    for target in targets:
        key = f"course:{enrolment.pk}:{enrolment.cycle}:{target.pk}"
        _record(target, key, SCORE_MAXIMUM if grade is None else grade, True, comment)


def schedule_send(delay=None):
    """Queue the sender once the current transaction commits (at once outside a transaction)."""
    task_to_run = send_scores_task
    if delay is not None:
        task_to_run = task_to_run.using(run_after=timezone.now() + delay)
    transaction.on_commit(task_to_run.enqueue, robust=True)


# --- Sending --------------------------------------------------------------------------------------


class PlatformError(Exception):
    """The platform could not take a score (down, refused the token request or the score)."""


def _token_cache_key(platform, scope):
    return f"lti:token:{platform.pk}:{platform.client_id}:{scope}"


def access_token(platform, scope=SCORE_SCOPE):
    """A bearer token for one scope: client credentials with a JWT assertion signed by our tool key
    (IMS Security Framework 4.1), kept in the shared cache until shortly before it expires. One
    token per scope, since a platform may grant one and not another."""
    cached = cache.get(_token_cache_key(platform, scope))
    if cached:
        return cached
    assertion = jose.sign(
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.token_aud,
            "jti": secrets.token_urlsafe(16),
        }
    )
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        }
    ).encode()
    try:
        status, body = jose.fetch_json(
            platform.auth_token_url,
            data=form,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
    except jose.FetchError as error:
        raise PlatformError(f"token request: {error}") from error
    if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
        raise PlatformError(f"token request: HTTP {status} {json.dumps(body)[:300]}")
    lifetime = int(body.get("expires_in") or 3600)
    cache.set(_token_cache_key(platform, scope), body["access_token"], max(lifetime - 60, 30))
    return body["access_token"]


def platform_call(platform, scope, what, url, **request):
    """One call to a platform's service (grades, rosters) with a bearer token for `scope`: what
    jose.fetch_json answers. `what` names the call in errors."""
    headers = {**request.pop("headers", {}), "Authorization": f"Bearer {access_token(platform, scope)}"}
    try:
        answer = jose.fetch_json(url, headers=headers, **request)
    except jose.FetchError as error:
        raise PlatformError(f"{what}: {error}") from error
    if answer[0] == 401:  # the token was revoked or expired early: get a new one next time
        cache.delete(_token_cache_key(platform, scope))
    return answer


def _with_query(url, **params):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _our_existing_line_item(link):
    """The line item this site made for the link earlier, if the platform has one (its answer to
    the creation may have been lost): looked up by resource link and our tag."""
    url = _with_query(link.lineitems_url, resource_link_id=link.resource_link_id, tag=LINEITEM_TAG)
    status, body = platform_call(
        link.platform,
        LINEITEM_SCOPE,
        "line items",
        url,
        headers={"Accept": LINEITEM_CONTAINER_CONTENT_TYPE},
    )
    if status != 200 or not isinstance(body, list):
        raise PlatformError(f"line items: HTTP {status} {json.dumps(body)[:300]}")
    for item in body:  # a platform may ignore the filters: check them here
        if (
            isinstance(item, dict)
            and item.get("resourceLinkId") == link.resource_link_id
            and item.get("tag") == LINEITEM_TAG
            and item.get("id")
        ):
            return item["id"]
    return None


def link_line_item(link):
    """The URL of the line item for a link the platform made without one: found or created on the
    platform (POST to its line items service: out of 100, labelled with the course's title, tied to
    the resource link, with our tag) the first time a score goes, then kept. The link's row is
    locked meanwhile, so two workers never create two."""
    link = LtiResourceLink.objects.select_for_update().select_related("platform", "course").get(pk=link.pk)
    if link.lineitem_url:
        return link.lineitem_url
    if not link.lineitems_url:
        raise PlatformError("line item: the platform offered no line items service for this link")
    found = _our_existing_line_item(link)
    if found is None:
        item = {
            "scoreMaximum": SCORE_MAXIMUM,
            "label": link.course.title,
            "resourceLinkId": link.resource_link_id,
            "resourceId": f"course-{link.course_id}",  # as deep linking names it
            "tag": LINEITEM_TAG,
        }
        status, body = platform_call(
            link.platform,
            LINEITEM_SCOPE,
            "line item",
            link.lineitems_url,
            data=json.dumps(item).encode(),
            method="POST",
            headers={"Content-Type": LINEITEM_CONTENT_TYPE, "Accept": LINEITEM_CONTENT_TYPE},
        )
        if status not in (200, 201) or not isinstance(body, dict) or not body.get("id"):
            raise PlatformError(f"line item: HTTP {status} {json.dumps(body)[:300]}")
        found = body["id"]
    LtiResourceLink.objects.filter(pk=link.pk).update(lineitem_url=found)
    logger.info("LTI: line item %s for %s", found, link)
    return found


def post_score(score):
    target = score.target
    url = target.scores_url or scores_url(link_line_item(target.resource_link))
    status, body = platform_call(
        target.resource_link.platform,
        SCORE_SCOPE,
        "score",
        url,
        data=json.dumps(score.payload).encode(),
        method="POST",
        headers={"Content-Type": SCORE_CONTENT_TYPE},
    )
    if status not in (200, 201, 202, 204):
        raise PlatformError(f"score: HTTP {status} {json.dumps(body)[:300]}")


def send_pending():
    """Send waiting scores oldest first. A platform that fails keeps the rest of its scores
    waiting (in order); other platforms' are still sent. Returns (sent, last error or None)."""
    sent, error, failed_platforms = 0, None, set()
    waiting = (
        LtiScore.objects.exclude(status=LtiScore.Status.SENT).order_by("id").values_list("pk", flat=True)
    )
    for pk in list(waiting):
        with transaction.atomic():
            score = (
                LtiScore.objects.select_for_update()
                .select_related("target__resource_link__platform")
                .exclude(status=LtiScore.Status.SENT)
                .filter(pk=pk)
                .first()
            )
            if score is None:  # another worker sent it meanwhile
                continue
            platform_id = score.target.resource_link.platform_id
            if platform_id in failed_platforms:
                continue
            now = timezone.now()
            try:
                post_score(score)
            except PlatformError as failure:
                failed_platforms.add(platform_id)
                error = failure
                LtiScore.objects.filter(pk=pk).update(
                    status=LtiScore.Status.RETRYING,
                    attempts=score.attempts + 1,
                    last_tried_at=now,
                    last_error=str(failure)[:1000],
                )
                logger.warning(
                    "LTI: %s did not take a score: %s", score.target.resource_link.platform, failure
                )
                continue
            LtiScore.objects.filter(pk=pk).update(
                status=LtiScore.Status.SENT, sent_at=now, last_tried_at=now, last_error=""
            )
            sent += 1
    return sent, error


@task(backend=TASK_BACKEND)
def send_scores_task() -> int:
    """Send what is waiting; after a failure queue another try later (growing delay)."""
    sent, error = send_pending()
    # A backend that cannot defer (the immediate one of the tests) would retry at once, forever:
    # there the next event or `send_lti_scores` tries again.
    if error is not None and send_scores_task.get_backend().supports_defer:
        first = LtiScore.objects.filter(status=LtiScore.Status.RETRYING).order_by("attempts").first()
        schedule_send(retry_delay(first.attempts if first else 1))
    return sent


def outbox_counts():
    """Counts for the admin: waiting, failing (tried and refused), sent."""
    return LtiScore.objects.aggregate(
        pending=Count("id", filter=Q(status=LtiScore.Status.PENDING)),
        retrying=Count("id", filter=Q(status=LtiScore.Status.RETRYING)),
        sent=Count("id", filter=Q(status=LtiScore.Status.SENT)),
    )
