"""`manage.py send_reminders`: due soon, overdue, certificate expiring and expired, each once."""

from datetime import date, datetime
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.assignments import assign_course
from courses.models import CoursePage, Enrolment, ReminderLog
from courses.reminders import reminders_due, send_reminder
from courses.services import enrol, start_retake

pytestmark = pytest.mark.django_db

SITE = "https://academy.example.gov.au"
SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_BASE_URL = SITE


def at(year, month, day, hour=9):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=SYDNEY), tick=False)


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_due_soon_is_sent_once_with_the_course_link_and_due_date(course, learner):
    with at(2030, 3, 1):
        assign_course(course, [learner], date(2030, 3, 6), None)
        output = run()
        second = run()
        dry_run = run("--dry-run")

    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert f"{SITE}{course.url}" in message.body
    assert "Wednesday 6 March 2030" in message.body
    assert "due soon 1" in output
    assert "Sent 0 reminder(s)" in second
    assert "Would send 0 reminder(s)" in dry_run
    assert ReminderLog.objects.filter(stage="due_soon").count() == 1


def test_nothing_is_sent_while_the_due_date_is_more_than_a_week_away(course, learner):
    with at(2030, 3, 1):
        assign_course(course, [learner], date(2030, 3, 9), None)
        run()
    assert mail.outbox == []
    with at(2030, 3, 2):
        run()
    assert len(mail.outbox) == 1


def test_overdue_is_sent_once_after_the_due_date(course, learner):
    with at(2030, 3, 1):
        assign_course(course, [learner], date(2030, 3, 6), None)
        run()
    with at(2030, 3, 7):
        run()
        run()
    with at(2030, 3, 20):
        run()

    assert [m.subject for m in mail.outbox] == [
        f"Reminder: “{course.title}” is due Wednesday 6 March",
        f"“{course.title}” was due 6 March",
    ]


def test_completed_assignments_get_no_reminders(course, learner):
    with at(2030, 3, 1):
        (assignment,) = assign_course(course, [learner], date(2030, 3, 3), None)
        Enrolment.objects.filter(pk=assignment.enrolment_id).update(
            completed_at=datetime(2030, 3, 1, tzinfo=SYDNEY)
        )
        run()
    with at(2030, 3, 10):
        run()
    assert mail.outbox == []


def test_dry_run_lists_and_sends_nothing(course, learner):
    with at(2030, 3, 1):
        assign_course(course, [learner], date(2030, 3, 2), None)
        output = run("--dry-run")

    assert f"Would send Due soon: {learner.email}" in output
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    with at(2030, 3, 1):
        run()
    assert len(mail.outbox) == 1  # the dry run did not use up the reminder


def renewable_enrolment(course, learner, completed):
    CoursePage.objects.filter(pk=course.pk).update(renewal_months=12)
    enrolment = enrol(learner, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        completed_at=completed, renewal_due_at=completed.replace(year=completed.year + 1)
    )
    return enrolment


def test_certificate_expiring_then_expired_each_sent_once(course, learner):
    enrolment = renewable_enrolment(course, learner, datetime(2030, 1, 10, 9, tzinfo=SYDNEY))

    with at(2030, 10, 1):  # more than 60 days before expiry
        run()
    assert mail.outbox == []
    with at(2030, 12, 1):
        run()
        run()
    with at(2031, 1, 11):
        run()
        run()

    assert [m.subject for m in mail.outbox] == [
        f"Your “{course.title}” certificate expires 10 January 2031",
        f"Your “{course.title}” certificate has expired",
    ]
    assert f"{SITE}{course.url}" in mail.outbox[1].body
    assert set(ReminderLog.objects.filter(enrolment=enrolment).values_list("stage", "cycle")) == {
        ("expiring", 1),
        ("expired", 1),
    }


def test_no_expired_reminder_once_the_retake_has_started(course, learner):
    enrolment = renewable_enrolment(course, learner, datetime(2030, 1, 10, 9, tzinfo=SYDNEY))
    with at(2030, 12, 1):
        start_retake(enrolment)
    with at(2031, 1, 11):
        run()
    assert mail.outbox == []


def test_a_failed_send_is_retried_on_the_next_run(course, learner):
    with at(2030, 3, 1):
        assign_course(course, [learner], date(2030, 3, 2), None)
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("SMTP down")):
            with pytest.raises(CommandError):
                run()
        assert mail.outbox == [] and not ReminderLog.objects.exists()
        run()
    assert len(mail.outbox) == 1


def test_a_reminder_logged_by_a_parallel_run_is_not_sent_again(course, learner):
    with at(2030, 3, 1):
        assign_course(course, [learner], date(2030, 3, 2), None)
        (reminder,) = reminders_due()  # both runs found it...
        assert send_reminder(reminder) is True
        assert send_reminder(reminder) is False  # ...only the first sends it
    assert len(mail.outbox) == 1
