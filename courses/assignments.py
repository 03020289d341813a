"""Assigned training: trainers assign courses with a due date and follow up overdue learners;
new learners are invited by email to set a password.

Emails are plain text, rendered from courses/templates/courses/email/, with absolute links built
by lms.site_url (SITE_BASE_URL, or the request's address on the embedded default). Emails go out
from the background worker (lms.emails.queue_email), queued only after the transaction commits.
The admin views are in courses/admin_views.py (the Training menu).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from lms import emails as lms_emails
from lms.accounts import password_setup_path
from lms.models import User
from lms.site_url import absolute_url, site_base_url

from . import notifications
from .models import Assignment, ReminderLog
from .services import course_outlines, enrol, forget_progress, progress_for_enrolments

# --- assigning a course ------------------------------------------------------------------------


def assign_course(course, users, due_date, assigned_by, note="", notify=None):
    """Enrol each user in the course and assign it with a due date. Assigning again updates the
    due date, note and who assigned it. Each returned Assignment has `created` (bool) set.

    The learners are emailed (by the background worker) about a new assignment or a changed due
    date; `notify` narrows that to these user ids (a CSV import's new accounts get an invitation
    instead)."""
    assignments = []
    with transaction.atomic():
        for user in users:
            enrolment = enrol(user, course)
            previous_due = (
                Assignment.objects.filter(enrolment=enrolment).values_list("due_date", flat=True).first()
            )
            assignment, created = Assignment.objects.update_or_create(
                enrolment=enrolment,
                defaults={"due_date": due_date, "assigned_by": assigned_by, "note": note},
            )
            assignment.enrolment = enrolment
            assignment.created = created
            assignments.append(assignment)
            if notify is None or user.pk in notify:
                if created or previous_due != due_date:
                    notifications.notify_course_assigned(assignment, due_date_changed=not created)
    return assignments


def assign_to_organisation(course, organisation, due_date, assigned_by, note=""):
    """Assign the course to every active member of the organisation."""
    members = organisation.members.filter(is_active=True).order_by("pk")
    return assign_course(course, members, due_date, assigned_by, note)


def change_due_date(assignment, due_date, changed_by):
    """Move an assignment's due date (to extend it, usually) and tell the learner. Its due-soon and
    overdue reminders may go out again, for the new date."""
    with transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(due_date=due_date, assigned_by=changed_by)
        assignment.due_date, assignment.assigned_by = due_date, changed_by
        forget_progress(assignment.enrolment.user_id)  # the due date on their catalogue card
        forget_due_date_reminders(assignment.enrolment)
        notifications.notify_course_assigned(assignment, due_date_changed=True)
    return assignment


def cancel_assignment(assignment):
    """Take the assignment (the due date) away. The enrolment and the learner's progress stay:
    they may carry on, with no date to meet."""
    with transaction.atomic():
        forget_due_date_reminders(assignment.enrolment)
        assignment.delete()


def forget_due_date_reminders(enrolment):
    ReminderLog.objects.filter(
        enrolment=enrolment,
        cycle=enrolment.cycle,
        stage__in=[ReminderLog.Stage.DUE_SOON, ReminderLog.Stage.OVERDUE],
    ).delete()


def can_be_invited(user):
    """Whether an invitation to set a password still makes sense: the account never had one and
    was never used."""
    return user.is_active and not user.has_usable_password() and user.last_login is None


def current_cycle_assignments():
    """Assignments for the enrolment's current cycle. One due before a retake began belongs to an
    earlier (completed) cycle: it is neither overdue nor due soon."""
    return Assignment.objects.filter(
        Q(enrolment__cycle_started_at__isnull=True)
        | Q(due_date__gte=TruncDate("enrolment__cycle_started_at"))
    )


def overdue_assignments(course=None, organisation=None, today=None):
    """Incomplete assignments due today or earlier, for active learners, oldest due first.
    One query however many rows (learner, organisation and course come with it).

    A due date of today counts: by the end of the day it is late, and a trainer following up wants
    to see it now (it shows as "due today"). Learners themselves see "overdue" only from the next
    day (Assignment.is_overdue), when the overdue reminder goes out too."""
    today = today or timezone.localdate()
    assignments = current_cycle_assignments().filter(
        due_date__lte=today,
        enrolment__completed_at__isnull=True,
        enrolment__user__is_active=True,
    )
    if course is not None:
        assignments = assignments.filter(enrolment__course=course)
    if organisation is not None:
        assignments = assignments.filter(enrolment__user__organisation=organisation)
    return assignments.select_related(
        "enrolment__user__organisation", "enrolment__course", "assigned_by"
    ).order_by("due_date", "enrolment__user__full_name", "pk")


@dataclass
class OverdueRow:
    assignment: Assignment
    days_overdue: int
    percent: int

    @property
    def enrolment(self):
        return self.assignment.enrolment

    @property
    def learner(self):
        return self.assignment.enrolment.user

    @property
    def course(self):
        return self.assignment.enrolment.course

    @property
    def due_date(self):
        return self.assignment.due_date


def overdue_rows(assignments, today=None):
    """Rows for the overdue report: days overdue and progress. Course outlines are fetched once;
    progress takes a few queries per learner (progress_for_enrolments works per learner), so
    callers show a page of rows at a time."""
    today = today or timezone.localdate()
    assignments = list(assignments)
    enrolments = [a.enrolment for a in assignments]
    outlines = course_outlines({e.course_id: e.course for e in enrolments}.values())
    by_user = {}
    for enrolment in enrolments:
        by_user.setdefault(enrolment.user_id, []).append(enrolment)
    progress = {}
    for user_enrolments in by_user.values():
        progress.update(progress_for_enrolments(user_enrolments, outlines))
    return [OverdueRow(a, (today - a.due_date).days, progress[a.enrolment_id].percent) for a in assignments]


# --- absolute links and emails -----------------------------------------------------------------


def course_url(course):
    return absolute_url(course.get_url() or "/")


def set_password_url(user):
    """allauth's "choose a new password" page for this user: setting the password there also
    confirms their email address (lms.accounts.verify_on_password_reset)."""
    return absolute_url(password_setup_path(user))


def render_email(name, context, to):
    """An EmailMessage from courses/email/<name>_subject.txt and courses/email/<name>.txt."""
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_base_url(),
        "dashboard_url": absolute_url(reverse("dashboard")),
        **context,
    }
    return lms_emails.render_email(f"courses/email/{name}", context, to)


def invitation_email(user, assignment=None):
    return render_email(
        "invitation",
        {
            "user": user,
            "set_password_url": set_password_url(user),
            "link_valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "assignment": assignment,
            "course": assignment.enrolment.course if assignment else None,
            "course_url": course_url(assignment.enrolment.course) if assignment else None,
        },
        user.email,
    )


def send_invitations(user_ids, course=None):
    """Invite new learners to set their password (and mention the assigned course); the
    background worker sends the emails. Returns how many were queued."""
    users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    assignments = {}
    if course is not None:
        assignments = {
            a.enrolment.user_id: a
            for a in Assignment.objects.filter(
                enrolment__course=course, enrolment__user_id__in=user_ids
            ).select_related("enrolment__course")
        }
    queued = 0
    for user in users:
        lms_emails.queue_email(invitation_email(user, assignments.get(user.pk)))
        queued += 1
    return queued
