"""Reminder emails, sent by `manage.py send_reminders` (daily from cron): assigned courses due
within DUE_SOON_DAYS or overdue, and renewals (the certificate's expiry) coming up within
RENEWAL_WINDOW or past. Each stage goes out at most once per enrolment and cycle (ReminderLog)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .assignments import course_url, current_cycle_assignments, render_email
from .models import Enrolment, ReminderLog
from .services import RENEWAL_WINDOW

# --- reminders ---------------------------------------------------------------------------------

DUE_SOON_DAYS = 7
Stage = ReminderLog.Stage


@dataclass
class Reminder:
    stage: str
    enrolment: Enrolment
    due_date: date | None = None
    expires_at: datetime | None = None

    @property
    def user(self):
        return self.enrolment.user

    @property
    def course(self):
        return self.enrolment.course

    def describe(self):
        when = (
            f"due {self.due_date:%Y-%m-%d}"
            if self.due_date
            else (f"certificate expires {timezone.localtime(self.expires_at):%Y-%m-%d}")
        )
        return f"{Stage(self.stage).label}: {self.user.email}, {self.course.title} ({when})"


def not_yet_sent(stage, enrolment_path):
    """Exclude rows whose enrolment already has this stage's reminder for its current cycle.
    `enrolment_path` leads from the row to its enrolment ("pk" when the rows are enrolments)."""
    return ~Exists(
        ReminderLog.objects.filter(
            enrolment=OuterRef(enrolment_path),
            stage=stage,
            cycle=OuterRef("cycle" if enrolment_path == "pk" else f"{enrolment_path}__cycle"),
        )
    )


def reminders_due(now=None):
    """Reminders to send now, in four queries: assignments due within DUE_SOON_DAYS or overdue
    (not completed), and completed enrolments of renewable courses whose renewal (the
    certificate's expiry) is within RENEWAL_WINDOW or past. Each stage at most once per
    enrolment and cycle."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_assignments = (
        current_cycle_assignments()
        .filter(enrolment__completed_at__isnull=True, enrolment__user__is_active=True)
        .select_related("enrolment__user", "enrolment__course")
    )
    due_soon = open_assignments.filter(
        not_yet_sent(Stage.DUE_SOON, "enrolment"),
        due_date__gte=today,
        due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
    )
    overdue = open_assignments.filter(not_yet_sent(Stage.OVERDUE, "enrolment"), due_date__lt=today)
    renewals = Enrolment.objects.filter(
        user__is_active=True,
        course__renewal_months__gt=0,
        completed_at__isnull=False,  # no retake started yet: the current cycle is complete
        renewal_due_at__isnull=False,
        renewal_due_at__lte=now + RENEWAL_WINDOW,
    ).select_related("user", "course")
    expiring = renewals.filter(not_yet_sent(Stage.EXPIRING, "pk"), renewal_due_at__gt=now)
    expired = renewals.filter(not_yet_sent(Stage.EXPIRED, "pk"), renewal_due_at__lte=now)
    reminders = [
        *(
            Reminder(Stage.OVERDUE, a.enrolment, due_date=a.due_date)
            for a in overdue.order_by("due_date", "pk")
        ),
        *(
            Reminder(Stage.DUE_SOON, a.enrolment, due_date=a.due_date)
            for a in due_soon.order_by("due_date", "pk")
        ),
        *(
            Reminder(Stage.EXPIRED, e, expires_at=e.renewal_due_at)
            for e in expired.order_by("renewal_due_at", "pk")
        ),
        *(
            Reminder(Stage.EXPIRING, e, expires_at=e.renewal_due_at)
            for e in expiring.order_by("renewal_due_at", "pk")
        ),
    ]
    return reminders


def reminder_email(reminder):
    return render_email(
        f"reminder_{reminder.stage}",
        {
            "user": reminder.user,
            "course": reminder.course,
            "course_url": course_url(reminder.course),
            "due_date": reminder.due_date,
            "expires_on": timezone.localdate(reminder.expires_at) if reminder.expires_at else None,
            "today": timezone.localdate(),
        },
        reminder.user.email,
    )


def send_reminder(reminder, connection=None):
    """Send one reminder at most once: the log row is written (and committed) first, so a parallel
    run or a crash after sending never sends it twice; if sending fails the row is removed so the
    next run tries again (and the error is raised). Returns False if it was already sent."""
    message = reminder_email(reminder)
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(
                enrolment=reminder.enrolment, stage=reminder.stage, cycle=reminder.enrolment.cycle
            )
    except IntegrityError:
        return False
    message.connection = connection
    try:
        message.send()
    except Exception:
        log.delete()
        raise
    return True
