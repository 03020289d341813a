"""Assigned training: trainers assign courses with a due date, enrol learners in bulk from a CSV
file, follow up overdue learners, and learners get reminders (due dates, certificate renewal).

Emails are plain text, rendered from lms/templates/lms/email/, with absolute links built from
settings.SITE_BASE_URL. Emails about new rows go out only after the transaction commits.
"""

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower, TruncDate
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lms.models import Organisation, User

from .models import Assignment, Enrolment, ReminderLog
from .services import RENEWAL_WINDOW, course_outlines, enrol, progress_for_enrolments

logger = logging.getLogger(__name__)

# --- assigning a course ------------------------------------------------------------------------


def assign_course(course, users, due_date, assigned_by, note=""):
    """Enrol each user in the course and assign it with a due date. Assigning again updates the
    due date, note and who assigned it. Each returned Assignment has `created` (bool) set."""
    assignments = []
    with transaction.atomic():
        for user in users:
            enrolment = enrol(user, course)
            assignment, created = Assignment.objects.update_or_create(
                enrolment=enrolment,
                defaults={"due_date": due_date, "assigned_by": assigned_by, "note": note},
            )
            assignment.enrolment = enrolment
            assignment.created = created
            assignments.append(assignment)
    return assignments


def assign_to_organisation(course, organisation, due_date, assigned_by, note=""):
    """Assign the course to every active member of the organisation."""
    members = organisation.members.filter(is_active=True).order_by("pk")
    return assign_course(course, members, due_date, assigned_by, note)


def current_cycle_assignments():
    """Assignments for the enrolment's current cycle. One due before a retake began belongs to an
    earlier (completed) cycle: it is neither overdue nor due soon."""
    return Assignment.objects.filter(
        Q(enrolment__cycle_started_at__isnull=True)
        | Q(due_date__gte=TruncDate("enrolment__cycle_started_at"))
    )


def overdue_assignments(course=None, organisation=None, today=None):
    """Incomplete assignments past their due date, for active learners, oldest due first.
    One query however many rows (learner, organisation and course come with it)."""
    today = today or timezone.localdate()
    assignments = current_cycle_assignments().filter(
        due_date__lt=today,
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


def absolute_url(path):
    return path if path.startswith(("http://", "https://")) else settings.SITE_BASE_URL + path


def course_url(course):
    return absolute_url(course.get_url() or "/")


def set_password_url(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def render_email(name, context, to):
    """An EmailMessage from lms/email/<name>_subject.txt and lms/email/<name>.txt."""
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": settings.SITE_BASE_URL,
        "dashboard_url": absolute_url(reverse("dashboard")),
        **context,
    }
    subject = " ".join(render_to_string(f"lms/email/{name}_subject.txt", context).split())
    body = render_to_string(f"lms/email/{name}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


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
    """Invite new learners to set their password (and mention the assigned course). A failure
    for one learner is logged and does not stop the others. Returns how many were sent."""
    users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    assignments = {}
    if course is not None:
        assignments = {
            a.enrolment.user_id: a
            for a in Assignment.objects.filter(
                enrolment__course=course, enrolment__user_id__in=user_ids
            ).select_related("enrolment__course")
        }
    sent = 0
    with get_connection() as connection:
        for user in users:
            message = invitation_email(user, assignments.get(user.pk))
            message.connection = connection
            try:
                message.send()
            except Exception:
                logger.exception("Could not send the invitation to user %s", user.pk)
            else:
                sent += 1
    return sent


# --- bulk enrolment from CSV -------------------------------------------------------------------

MAX_CSV_ROWS = 5000
MAX_CSV_BYTES = 1024 * 1024  # ~5,000 rows fit in well under this

HEADER_ALIASES = {
    "email": "email",
    "email address": "email",
    "e mail": "email",
    "full name": "full_name",
    "name": "full_name",
    "organisation": "organisation",
    "organization": "organisation",
    "role": "role",
}
REQUIRED_COLUMNS = {
    "email": "email",
    "full_name": "full name",
    "organisation": "organisation",
    "role": "role",
}
HEADER_HELP = "email, full name, organisation, role"

ROLE_ALIASES = {
    "public servant": User.Role.PUBLIC_SERVANT,
    "councillor": User.Role.COUNCILLOR,
    "councilor": User.Role.COUNCILLOR,
    "other": User.Role.OTHER,
}
ROLE_HELP = "public servant, councillor or other"

NAME_MAX = User._meta.get_field("full_name").max_length
EMAIL_MAX = User._meta.get_field("email").max_length
ORGANISATION_MAX = Organisation._meta.get_field("name").max_length


def squash(value):
    """Trim and collapse runs of whitespace."""
    return " ".join(value.split())


def header_key(cell):
    return squash(cell.replace("_", " ").replace("-", " ")).lower()


@dataclass
class CsvRow:
    line: int
    email: str
    full_name: str
    organisation_name: str  # "" for none
    role: str  # a User.Role value
    user: User | None = None  # the existing account with this email, if any
    organisation: Organisation | None = None  # the existing organisation, if any

    @property
    def is_new_user(self):
        return self.user is None

    @property
    def is_new_organisation(self):
        """An organisation to create for a new account (existing accounts keep theirs)."""
        return self.user is None and bool(self.organisation_name) and self.organisation is None

    @property
    def will_be_invited(self):
        """New accounts, and accounts made by an earlier import that were never used."""
        return self.user is None or (not self.user.has_usable_password() and self.user.last_login is None)

    @property
    def role_label(self):
        return User.Role(self.role).label


class EnrolmentCsvError(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} error(s) in the file")
        self.errors = errors


def decode_csv(data):
    """Text from an upload; (None, error) when it is not UTF-8, naming the first bad line."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, (
            line,
            "This line is not UTF-8 text. Save the file as “CSV UTF-8” (in Excel: File > Save As) "
            "and upload it again.",
        )


def parse_header(record):
    """Column positions by key, or an error message."""
    columns, unknown = {}, []
    for position, cell in enumerate(record):
        key = HEADER_ALIASES.get(header_key(cell))
        if key is None:
            if cell.strip():
                unknown.append(cell.strip())
            continue
        if key in columns:
            return None, f"The column “{cell.strip()}” appears twice in the header line."
        columns[key] = position
    missing = [label for key, label in REQUIRED_COLUMNS.items() if key not in columns]
    if missing:
        found = f" It has: {', '.join(c.strip() for c in record if c.strip())}." if record else ""
        return None, (
            f"The first line must be the header row with the columns {HEADER_HELP}. "
            f"Missing: {', '.join(missing)}.{found}"
        )
    return columns, None


def check_row(line, values, seen_emails):
    """A CsvRow, or the list of (line, message) errors for this line."""
    errors = []
    email = values["email"].strip().lower()
    if not email:
        errors.append("The email address is missing.")
    else:
        try:
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors.append(f"“{values['email'].strip()}” is not a valid email address.")
        else:
            if email in seen_emails:
                errors.append(f"The email address {email} is also on line {seen_emails[email]}.")
            else:
                seen_emails[email] = line
    full_name = squash(values["full_name"])
    if not full_name:
        errors.append("The full name is missing.")
    elif len(full_name) > NAME_MAX:
        errors.append(f"The full name is longer than {NAME_MAX} characters.")
    elif any(ord(ch) < 32 for ch in full_name):
        errors.append("The full name contains control characters.")
    organisation = squash(values["organisation"])
    if len(organisation) > ORGANISATION_MAX:
        errors.append(f"The organisation name is longer than {ORGANISATION_MAX} characters.")
    role_text = header_key(values["role"])
    role = ROLE_ALIASES.get(role_text)
    if role is None:
        if not role_text:
            errors.append(f"The role is missing: use {ROLE_HELP}.")
        elif role_text == "trainer":
            errors.append(
                "Trainer accounts cannot be created from a CSV file: an administrator adds trainers."
            )
        else:
            errors.append(f"Unknown role “{values['role'].strip()}”: use {ROLE_HELP}.")
    if errors:
        return None, [(line, message) for message in errors]
    return CsvRow(line, email, full_name, organisation, role), []


def in_chunks(values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def match_existing(rows):
    """Attach existing accounts (email, case-insensitive) and organisations (name, case-insensitive)
    to the rows; errors for lines that cannot be enrolled."""
    users, organisations = {}, {}
    for chunk in in_chunks({row.email for row in rows}):
        matches = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
        for user in matches.select_related("organisation"):
            users[user.email_lower] = user
    names = {row.organisation_name.lower() for row in rows if row.organisation_name}
    for chunk in in_chunks(names):
        for organisation in Organisation.objects.annotate(name_lower=Lower("name")).filter(
            name_lower__in=chunk
        ):
            organisations[organisation.name_lower] = organisation
    errors = []
    for row in rows:
        row.user = users.get(row.email)
        row.organisation = organisations.get(row.organisation_name.lower()) if row.organisation_name else None
        if row.user is not None and not row.user.is_active:
            errors.append(
                (
                    row.line,
                    f"The account for {row.email} is deactivated: an administrator must reactivate it first.",
                )
            )
    return errors


def parse_enrolment_csv(data, max_rows=MAX_CSV_ROWS):
    """Read a learners CSV (bytes or text; header row: email, full name, organisation, role).

    Returns (rows, errors): CsvRow objects with any existing account and organisation attached,
    and (line, message) errors, lines numbered from 1 with the header as line 1. Any error means
    nothing may be imported."""
    text, error = decode_csv(data)
    if error:
        return [], [error]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, errors, seen_emails, count = [], [], {}, 0
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            return [], [(1, f"The file is empty. The first line must be the header row: {HEADER_HELP}.")]
        columns, message = parse_header(header)
        if message:
            return [], [(1, message)]
        previous_end = reader.line_num
        for record in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines are fine
            count += 1
            if count > max_rows:
                errors.append(
                    (line, f"The file has more than {max_rows:,} learners. Split it into smaller files.")
                )
                break
            values = {key: record[pos] if pos < len(record) else "" for key, pos in columns.items()}
            row, row_errors = check_row(line, values, seen_emails)
            if row_errors:
                errors.extend(row_errors)
            else:
                rows.append(row)
    except csv.Error as csv_error:
        errors.append((reader.line_num, f"This line could not be read as CSV ({csv_error})."))
        return [], errors
    if not rows and not errors:
        errors.append((1, "The file has a header row but no learners below it."))
    if rows:
        errors.extend(match_existing(rows))
    errors.sort(key=lambda e: e[0])
    return rows, errors


@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # new users
    existing: list = field(default_factory=list)  # users who already had an account
    invited: list = field(default_factory=list)  # users sent an invitation (after commit)
    organisations_created: list = field(default_factory=list)
    assignments: list = field(default_factory=list)


def import_enrolment_csv(data, course=None, due_date=None, assigned_by=None, note=""):
    """Create the learners in a CSV (all or nothing) and optionally assign them a course.

    The file is validated again here, inside the transaction: any error raises EnrolmentCsvError
    with every (line, message) and nothing is saved. New accounts have no usable password; they
    (and accounts from an earlier import never used) are emailed a link to set one, after commit.
    Existing accounts are enrolled as they are (their name and role are not changed)."""
    if course is not None and due_date is None:
        raise ValueError("Assigning a course needs a due date.")
    result = ImportResult()
    with transaction.atomic():
        rows, errors = parse_enrolment_csv(data)
        if errors:
            raise EnrolmentCsvError(errors)
        organisations = {}
        for row in rows:
            if row.user is not None or not row.organisation_name:
                continue  # existing accounts keep their organisation
            key = row.organisation_name.lower()
            if row.organisation is not None:
                organisations.setdefault(key, row.organisation)
            elif key not in organisations:
                organisations[key] = Organisation.objects.create(name=row.organisation_name)
                result.organisations_created.append(organisations[key])
        users = []
        for row in rows:
            if row.user is None:
                user = User.objects.create_user(
                    email=row.email,
                    password=None,  # unusable until they set one from the invitation
                    full_name=row.full_name,
                    role=row.role,
                    organisation=organisations.get(row.organisation_name.lower()),
                )
                result.created.append(user)
            else:
                user = row.user
                result.existing.append(user)
            if row.will_be_invited:
                result.invited.append(user)
            users.append(user)
        if course is not None:
            result.assignments = assign_course(course, users, due_date, assigned_by, note)
        invited_ids = [user.pk for user in result.invited]
        transaction.on_commit(lambda: send_invitations(invited_ids, course))
    return result


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
    """Exclude rows whose enrolment already has this stage's reminder for its current cycle."""
    return ~Exists(
        ReminderLog.objects.filter(
            enrolment=OuterRef(enrolment_path),
            stage=stage,
            cycle=OuterRef(f"{enrolment_path}__cycle"),
        )
    )


def reminders_due(now=None):
    """Reminders to send now, in four queries: assignments due within DUE_SOON_DAYS or overdue
    (not completed), and current certificates of renewable courses expiring within
    RENEWAL_WINDOW or expired. Each stage at most once per enrolment and cycle."""
    from certificates.models import Certificate

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
    certificates = Certificate.objects.filter(
        enrolment__isnull=False,
        enrolment__cycle=F("cycle"),  # the current cycle's certificate: no retake started yet
        enrolment__user__is_active=True,
        course__renewal_months__gt=0,
        expires_at__isnull=False,
        expires_at__lte=now + RENEWAL_WINDOW,
    ).select_related("enrolment__user", "enrolment__course")
    expiring = certificates.filter(not_yet_sent(Stage.EXPIRING, "enrolment"), expires_at__gt=now)
    expired = certificates.filter(not_yet_sent(Stage.EXPIRED, "enrolment"), expires_at__lte=now)
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
            Reminder(Stage.EXPIRED, c.enrolment, expires_at=c.expires_at)
            for c in expired.order_by("expires_at", "pk")
        ),
        *(
            Reminder(Stage.EXPIRING, c.enrolment, expires_at=c.expires_at)
            for c in expiring.order_by("expires_at", "pk")
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
