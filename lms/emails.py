"""Plain-text emails, and the queue that sends them.

Subjects and bodies are text, not HTML, so they are rendered without HTML escaping (a course called
"Q&A" or a learner called O'Brien reads as typed). Every app's email goes through `render_email`.

Notifications (a course assigned, a practice task reviewed or submitted, invitations) are never
sent from a request: `queue_email` enqueues `send_email_task` on the "emails" task backend once the
transaction commits, and a worker (`manage.py db_worker --backend emails`, which `make run` starts)
sends it. An SMTP failure is retried later (EMAIL_RETRY_DELAY, growing with each attempt) up to
EMAIL_MAX_ATTEMPTS times, then logged. The message is rendered when it is queued, so the worker needs
nothing but the text.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context, engines
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

EMAIL_TASK_BACKEND = "emails"  # a worker runs `db_worker --backend emails`
# What a failed send raises: SMTP refusals, and the network errors under them (OSError covers
# refused connections, timeouts and TLS errors).
SEND_ERRORS = (smtplib.SMTPException, OSError)


def render_plain(template_name, context):
    """A plain-text template rendered without HTML autoescaping."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_email(template_prefix, context, to):
    """An EmailMessage from <prefix>_subject.txt (one line) and <prefix>.txt."""
    subject = " ".join(render_plain(f"{template_prefix}_subject.txt", context).split())
    body = render_plain(f"{template_prefix}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@task(backend=EMAIL_TASK_BACKEND)
def send_email_task(subject: str, body: str, from_email: str, to: list[str], attempt: int = 1) -> str:
    """Send one plain-text email (one attempt; on an SMTP failure it queues the next). Returns
    "sent", "retrying" or "failed"."""
    try:
        EmailMessage(subject, body, from_email, to).send()
    except SEND_ERRORS as error:
        if attempt >= settings.EMAIL_MAX_ATTEMPTS:
            logger.error("Gave up sending %r to %s after %s attempts: %s", subject, to, attempt, error)
            return "failed"
        logger.warning("Sending %r to %s failed (attempt %s), will retry: %s", subject, to, attempt, error)
        _enqueue(subject, body, from_email, to, attempt + 1)
        return "retrying"
    return "sent"


def _enqueue(subject, body, from_email, to, attempt):
    task_to_run = send_email_task
    if attempt > 1 and task_to_run.get_backend().supports_defer:
        delay = settings.EMAIL_RETRY_DELAY * (attempt - 1)
        task_to_run = task_to_run.using(run_after=timezone.now() + timedelta(seconds=delay))
    task_to_run.enqueue(subject, body, from_email, list(to), attempt)


def queue_email(message):
    """Send an EmailMessage (plain text, no attachments) from the background worker, once the
    current transaction commits (at once outside one)."""
    fields = (message.subject, message.body, message.from_email, list(message.to))
    transaction.on_commit(lambda: _enqueue(*fields, 1), robust=True)
