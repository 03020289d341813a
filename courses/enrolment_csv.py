"""Enrolling learners in bulk from a CSV file (columns: email, full name, organisation, role):
parse and check every row (a preview with line-numbered errors), then create the accounts, all or
nothing, optionally assigning a course. New accounts are invited to set a password."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from lms.models import Organisation, User
from lms.services import confirmed_role_fields

from .assignments import assign_course, send_invitations

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
    (and accounts from an earlier import never used) are emailed a link to set one, after commit;
    setting it confirms their email address. A new account's role is confirmed (a trainer set it),
    and its organisation is set directly (created if it is new: a trainer's action). Existing
    accounts are enrolled as they are (their name, role and organisation are not changed)."""
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
                    organisation=organisations.get(row.organisation_name.lower()),
                    **confirmed_role_fields(row.role, by=assigned_by),
                )
                result.created.append(user)
            else:
                user = row.user
                result.existing.append(user)
            if row.will_be_invited:
                result.invited.append(user)
            users.append(user)
        if course is not None:
            result.assignments = assign_course(
                course, users, due_date, assigned_by, note, notify={user.pk for user in result.existing}
            )
        invited_ids = [user.pk for user in result.invited]
        transaction.on_commit(lambda: send_invitations(invited_ids, course))
    return result
