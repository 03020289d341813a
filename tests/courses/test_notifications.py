"""Emails about training (issue 12, item 9): a course assigned to an existing account, a practice
task approved or sent back, and work submitted (to reviewers, each email or a daily digest). They go
out from the background worker (the "emails" task backend), are retried on SMTP failure, and are
never sent from the request."""

import io
import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from courses.assignments import assign_course
from courses.factories import make_user
from courses.models import LessonPage, ReviewEmailSetting
from courses.notifications import reviewers_for, send_review_digests
from courses.services import enrol, review_task, submit_task
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

from ..conftest import run_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(db):
    user = make_user(email="tara@example.gov.au", full_name="Tara Trainer")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


@pytest.fixture
def practice(db):
    course = make_course(title="Q&A for councils", kinds=("practice",), lessons_per_module=1, quiz=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.requires_approval = True
    lesson.save_revision().publish()
    return course, LessonPage.objects.get(pk=lesson.pk)


def due_in(days):
    return timezone.localdate() + timedelta(days=days)


# --- a course assigned ------------------------------------------------------------------------------


def test_assigning_emails_the_learner_after_commit_and_again_only_when_the_date_changes(
    client, trainer, learner, course
):
    trainer.user_permissions.add(*Group.objects.get(name="Trainers").permissions.all())
    sign_in_to_admin(client, trainer)
    data = {"course": course.pk, "learners": [learner.pk], "due_date": due_in(14).isoformat()}
    with run_on_commit():
        assert client.post(reverse("training:assign"), data).status_code == 302
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == f"You have been assigned “{course.title}”"
    assert due_in(14).strftime("%B") in message.body and course.get_url() in message.body

    with run_on_commit():
        client.post(reverse("training:assign"), data)  # the same date again: nothing new to say
    assert len(mail.outbox) == 1
    with run_on_commit():
        client.post(reverse("training:assign"), {**data, "due_date": due_in(30).isoformat()})
    assert mail.outbox[1].subject == f"New due date for “{course.title}”"


def test_nothing_is_sent_before_the_transaction_commits(learner, course, trainer):
    assign_course(course, [learner], due_in(7), trainer)  # the test's transaction never commits
    assert mail.outbox == []


# The worker takes real (exclusive) transactions: these two tests commit, as production does.
REAL_TRANSACTIONS = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@REAL_TRANSACTIONS
def test_the_request_only_queues_the_worker_sends(client, trainer, learner, course):
    """With the database queue (as in production) the request stores a task and sends nothing;
    the worker sends it."""
    from django_tasks_db.models import DBTaskResult

    trainer.user_permissions.add(*Group.objects.get(name="Trainers").permissions.all())
    sign_in_to_admin(client, trainer)
    tasks = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "certificates": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "emails": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    with override_settings(TASKS=tasks):
        data = {"course": course.pk, "learners": [learner.pk], "due_date": due_in(14).isoformat()}
        assert client.post(reverse("training:assign"), data).status_code == 302
        assert mail.outbox == []
        assert DBTaskResult.objects.filter(backend_name="emails", status="READY").count() == 1
        call_command("db_worker", "--backend", "emails", "--batch", "--no-startup-delay", verbosity=0)
    assert [message.to for message in mail.outbox] == [[learner.email]]
    assert DBTaskResult.objects.get(backend_name="emails").status == "SUCCESSFUL"


# --- retries ----------------------------------------------------------------------------------------


class FlakySMTPBackend(LocmemBackend):
    """Refuses the first `failures` sends (as an SMTP server that is down would), then works."""

    failures = 2
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp():
    FlakySMTPBackend.attempts = 0
    with override_settings(EMAIL_BACKEND=f"{__name__}.FlakySMTPBackend"):
        yield FlakySMTPBackend


def test_an_smtp_failure_is_retried_until_it_goes_through(flaky_smtp, learner, course, trainer):
    with run_on_commit():
        assign_course(course, [learner], due_in(7), trainer)
    assert flaky_smtp.attempts == 3  # two refusals, then sent
    assert [message.to for message in mail.outbox] == [[learner.email]]


def test_the_worker_gives_up_after_the_last_attempt(flaky_smtp, learner, course, trainer, caplog, settings):
    flaky_smtp.failures = 99
    settings.EMAIL_MAX_ATTEMPTS = 4
    try:
        with run_on_commit():
            assign_course(course, [learner], due_in(7), trainer)  # does not raise
    finally:
        flaky_smtp.failures = 2
    assert flaky_smtp.attempts == 4 and mail.outbox == []
    assert "Gave up sending" in caplog.text


@REAL_TRANSACTIONS
def test_a_retry_waits_on_the_database_queue(flaky_smtp, learner, course, trainer):
    from django_tasks_db.models import DBTaskResult

    tasks = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "emails": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    with override_settings(TASKS=tasks):
        assign_course(course, [learner], due_in(7), trainer)
        call_command("db_worker", "--backend", "emails", "--batch", "--no-startup-delay", verbosity=0)
        retry = DBTaskResult.objects.get(backend_name="emails", status="READY")
        assert retry.run_after > timezone.now() + timedelta(seconds=60)  # later, not at once
        assert retry.args_kwargs["args"][-1] == 2  # the second attempt
    assert mail.outbox == []


# --- practice tasks ---------------------------------------------------------------------------------


def test_a_submission_emails_each_reviewer_who_wants_each_one(practice, learner, trainer):
    course, lesson = practice
    digest_reader = make_user(email="dan@example.gov.au", full_name="Dan Digest")
    digest_reader.groups.add(Group.objects.get(name="Trainers"))
    ReviewEmailSetting.objects.create(user=digest_reader, frequency=ReviewEmailSetting.Frequency.DAILY)
    assert {user.email for user in reviewers_for(lesson)} == {trainer.email, digest_reader.email}

    with run_on_commit():
        submission = submit_task(enrol(learner, course), lesson, "<p>My plan</p>")
    [message] = mail.outbox
    assert message.to == [trainer.email]
    assert message.subject == f"Practice task to review: “{lesson.title}” from {learner.full_name}"
    assert reverse("practice_tasks:review", args=[submission.pk]) in message.body
    assert "“Q&A for councils”" in message.body  # plain text, not HTML-escaped
    assert "My plan" not in message.body  # the learner's work stays in the admin


def test_a_learner_hears_when_their_task_is_approved_or_sent_back(practice, learner, trainer):
    course, lesson = practice
    submission = submit_task(enrol(learner, course), lesson, "<p>My plan</p>")
    mail.outbox.clear()
    with run_on_commit():
        review_task(submission, trainer, approve=False, feedback="Add a measure & a <target>.")
    [changes] = mail.outbox
    assert changes.to == [learner.email]
    assert changes.subject == f"Changes asked for on your practice task “{lesson.title}”"
    assert "Add a measure & a <target>." in changes.body  # as the reviewer typed it
    with run_on_commit():
        review_task(submission, trainer, approve=True)
    assert mail.outbox[1].subject == f"Your practice task “{lesson.title}” is approved"
    assert lesson.get_url() in mail.outbox[1].body


def test_the_daily_digest_lists_waiting_work_once_a_day(practice, learner, other_learner, trainer):
    course, lesson = practice
    ReviewEmailSetting.objects.create(user=trainer, frequency=ReviewEmailSetting.Frequency.DAILY)
    with run_on_commit():
        submit_task(enrol(learner, course), lesson, "one")
        submit_task(enrol(other_learner, course), lesson, "two")
    assert mail.outbox == []  # no email per submission for a digest reader

    with run_on_commit():
        assert send_review_digests() == 1
        assert send_review_digests() == 0  # run twice the same day: one digest
    [digest] = mail.outbox
    assert digest.to == [trainer.email]
    assert digest.subject.startswith("2 new practice tasks to review")
    assert learner.full_name in digest.body and other_learner.full_name in digest.body

    tomorrow = timezone.now() + timedelta(days=1)
    with run_on_commit():
        assert send_review_digests(now=tomorrow) == 0  # nothing new since the last one
    assert len(mail.outbox) == 1


def test_the_digest_command(practice, learner, trainer):
    course, lesson = practice
    ReviewEmailSetting.objects.create(user=trainer, frequency=ReviewEmailSetting.Frequency.DAILY)
    submit_task(enrol(learner, course), lesson, "one")
    with run_on_commit():
        call_command("send_review_digests", stdout=(out := io.StringIO()))
    assert out.getvalue().strip() == "Queued 1 digest."
    assert [m.to for m in mail.outbox] == [[trainer.email]]


def test_reviewers_choose_their_own_setting(client, practice, trainer, learner):
    sign_in_to_admin(client, trainer)
    page = client.get(reverse("practice_tasks:index")).content.decode()
    assert "Email me about new work" in page
    assert 'value="each" id="id_frequency_0" required checked' in page  # the default, before choosing
    response = client.post(reverse("practice_tasks:email_setting"), {"frequency": "never"})
    assert response.status_code == 302
    assert ReviewEmailSetting.objects.get(user=trainer).frequency == "never"
    course, lesson = practice
    with run_on_commit():
        submit_task(enrol(learner, course), lesson, "one")
    assert mail.outbox == []

    client.force_login(learner)  # not a reviewer: refused, and no row is made for them
    assert client.post(reverse("practice_tasks:email_setting"), {"frequency": "daily"}).status_code in (
        302,
        403,
    )
    assert not ReviewEmailSetting.objects.filter(user=learner).exists()
