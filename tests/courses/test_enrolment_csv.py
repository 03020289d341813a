"""Bulk enrolment from CSV (parse, all-or-nothing import, invitations) and the Training admin views
(assign a course, bulk enrol with preview and confirm, the overdue report)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from courses.assignments import assign_course
from courses.enrolment_csv import EnrolmentCsvError, import_enrolment_csv, parse_enrolment_csv
from courses.factories import make_user
from courses.models import Assignment, Enrolment
from lms.models import Organisation, User
from lms.services import email_is_verified
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

SITE = "https://academy.example.gov.au"
NEW_PASSWORD = "Brand-new pass phrase 77"  # noqa: S105 - test data

GOOD_CSV = """email,full name,organisation,role
sam.lee@agency.gov.au,Sam Lee,Department of Examples,public servant
Jo.Smith@Council.NSW.gov.au,  Jo   Smith ,Example City Council,Councillor
kim@agency.gov.au,Kim Park,department of examples,public_servant
"""


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_BASE_URL = SITE


@pytest.fixture
def trainer():
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def days_from_today(days):
    return timezone.localdate() + timedelta(days=days)


# --- parsing --------------------------------------------------------------------------------------


def test_good_rows_are_parsed_and_normalised():
    rows, errors = parse_enrolment_csv(GOOD_CSV.encode())

    assert errors == []
    assert [(r.line, r.email, r.full_name, r.organisation_name, r.role) for r in rows] == [
        (2, "sam.lee@agency.gov.au", "Sam Lee", "Department of Examples", "public_servant"),
        (3, "jo.smith@council.nsw.gov.au", "Jo Smith", "Example City Council", "councillor"),
        (4, "kim@agency.gov.au", "Kim Park", "department of examples", "public_servant"),
    ]
    assert all(r.is_new_user for r in rows)


@pytest.mark.parametrize(
    "header",
    [
        "email,full_name,organisation,role",
        "Email,Full Name,Organisation,ROLE",
        "\ufeffEMAIL, full_name ,Organization,Role",
    ],
)
def test_header_variants_are_accepted(header):
    rows, errors = parse_enrolment_csv(f"{header}\nsam@agency.gov.au,Sam Lee,,other\n".encode())

    assert errors == []
    assert rows[0].role == User.Role.OTHER and rows[0].organisation_name == ""


def test_every_bad_line_is_reported_with_its_line_number():
    text = "\n".join(
        [
            "email,full name,organisation,role",
            "good@agency.gov.au,Good Person,Agency,public servant",  # 2: fine
            "not-an-email,Bad Email,Agency,public servant",  # 3
            "noname@agency.gov.au,,Agency,councillor",  # 4
            "wizard@agency.gov.au,Wiz Ard,Agency,wizard",  # 5
            "GOOD@agency.gov.au,Good Again,Agency,other",  # 6: duplicate of line 2
            "",  # 7: blank lines are skipped
            f"long@agency.gov.au,{'N' * 151},Agency,other",  # 8
            "boss@agency.gov.au,Boss Trainer,Agency,trainer",  # 9
        ]
    )

    rows, errors = parse_enrolment_csv(text.encode())

    lines = [line for line, _ in errors]
    assert lines == [3, 4, 5, 6, 8, 9]
    messages = dict(errors)
    assert "not a valid email" in messages[3]
    assert "full name is missing" in messages[4]
    assert "Unknown role “wizard”" in messages[5]
    assert "also on line 2" in messages[6]
    assert "longer than 150" in messages[8]
    assert "Trainer accounts cannot be created" in messages[9]


def test_a_wrong_header_is_an_error_on_line_1():
    rows, errors = parse_enrolment_csv(b"sam@agency.gov.au,Sam Lee,Agency,other\n")

    assert rows == []
    assert len(errors) == 1 and errors[0][0] == 1
    assert "header row" in errors[0][1] and "Missing: email, full name, organisation, role" in errors[0][1]


def test_a_file_that_is_not_utf8_names_the_first_bad_line():
    data = b"email,full name,organisation,role\nsam@agency.gov.au,Sam Lee,Agency,other\n"
    data += "zoe@agency.gov.au,Zoë Blanc,Agency,other\n".encode("latin-1")

    rows, errors = parse_enrolment_csv(data)

    assert rows == [] and errors[0][0] == 3 and "UTF-8" in errors[0][1]


def test_too_many_rows_is_an_error_on_the_first_line_over_the_limit():
    text = "email,full name,organisation,role\n" + "".join(
        f"p{i}@agency.gov.au,Person {i},Agency,other\n" for i in range(4)
    )

    rows, errors = parse_enrolment_csv(text.encode(), max_rows=3)

    assert errors == [(5, "The file has more than 3 learners. Split it into smaller files.")]


# --- importing ------------------------------------------------------------------------------------


def test_import_creates_learners_with_unusable_passwords_and_matches_organisations(
    django_capture_on_commit_callbacks,
):
    existing_org = Organisation.objects.create(name="Department of Examples")

    with django_capture_on_commit_callbacks(execute=True):
        result = import_enrolment_csv(GOOD_CSV.encode())

    assert len(result.created) == 3 and result.existing == []
    sam = User.objects.get(email="sam.lee@agency.gov.au")
    assert not sam.has_usable_password()
    assert sam.organisation == existing_org
    assert User.objects.get(email="kim@agency.gov.au").organisation == existing_org  # matched ignoring case
    jo = User.objects.get(email="jo.smith@council.nsw.gov.au")
    assert (jo.full_name, jo.role, jo.organisation.name) == ("Jo Smith", "councillor", "Example City Council")
    assert Organisation.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in result.created)


def test_the_invitation_link_lets_a_new_learner_set_a_password_and_log_in(
    client, django_capture_on_commit_callbacks, course, trainer
):
    due = days_from_today(21)
    with django_capture_on_commit_callbacks(execute=True):
        import_enrolment_csv(
            "email,full name,organisation,role\nnew.person@agency.gov.au,New Person,,other\n",
            course=course,
            due_date=due,
            assigned_by=trainer,
        )

    (message,) = mail.outbox
    assert message.to == ["new.person@agency.gov.au"]
    assert course.title in message.body and f"{SITE}{course.url}" in message.body
    link = re.search(rf"{re.escape(SITE)}(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and not form_page.context.get("token_fail")
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert client.login(email="new.person@agency.gov.au", password=NEW_PASSWORD)
    # Setting the password from the emailed link proves the address.
    assert email_is_verified(User.objects.get(email="new.person@agency.gov.au"))
    assignment = Assignment.objects.get(enrolment__user__email="new.person@agency.gov.au")
    assert (assignment.enrolment.course_id, assignment.due_date) == (course.pk, due)


def test_an_existing_learner_is_enrolled_not_duplicated(
    learner, course, trainer, django_capture_on_commit_callbacks
):
    text = f"email,full name,organisation,role\n{learner.email.upper()},Someone Else,Agency,other\n"

    with django_capture_on_commit_callbacks(execute=True):
        result = import_enrolment_csv(text, course=course, due_date=days_from_today(7), assigned_by=trainer)

    assert result.existing == [learner] and result.created == []
    assert User.objects.filter(email__iexact=learner.email).count() == 1
    learner.refresh_from_db()
    assert learner.full_name == "Alex Citizen" and learner.has_usable_password()  # left as they are
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1
    # they already have a password: no invitation, only the news of the assigned course
    assert [message.subject for message in mail.outbox] == [f"You have been assigned “{course.title}”"]
    assert "password" not in mail.outbox[0].body


def test_any_bad_line_means_nothing_is_imported(django_capture_on_commit_callbacks):
    text = GOOD_CSV + "boss@agency.gov.au,Boss,Agency,trainer\nsam.lee@agency.gov.au,Sam Again,Agency,other\n"

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(EnrolmentCsvError) as raised:
        import_enrolment_csv(text.encode())

    assert raised.value.errors == [
        (5, "Trainer accounts cannot be created from a CSV file: an administrator adds trainers."),
        (6, "The email address sam.lee@agency.gov.au is also on line 2."),
    ]
    assert not User.objects.filter(email="sam.lee@agency.gov.au").exists()
    assert Organisation.objects.count() == 0
    assert mail.outbox == []


def test_importing_again_reinvites_accounts_never_used(django_capture_on_commit_callbacks):
    text = "email,full name,organisation,role\nslow@agency.gov.au,Slow Starter,,other\n"
    with django_capture_on_commit_callbacks(execute=True):
        import_enrolment_csv(text)
    with django_capture_on_commit_callbacks(execute=True):
        again = import_enrolment_csv(text)

    assert again.created == [] and [u.email for u in again.invited] == ["slow@agency.gov.au"]
    assert [m.to for m in mail.outbox] == [["slow@agency.gov.au"], ["slow@agency.gov.au"]]
    assert User.objects.filter(email="slow@agency.gov.au").count() == 1


# --- admin: bulk enrol ----------------------------------------------------------------------------


def upload(client, text, name="learners.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("training:bulk_enrol"), {"file": SimpleUploadedFile(name, data, "text/csv")})


def test_trainer_previews_then_confirms_an_import(
    client, trainer, course, django_capture_on_commit_callbacks
):
    sign_in_to_admin(client, trainer)
    assert client.get(reverse("training:bulk_enrol")).status_code == 200

    preview = upload(client, GOOD_CSV)

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Sam Lee" in html and "Confirm import" in html
    assert not User.objects.filter(email="sam.lee@agency.gov.au").exists()  # nothing saved yet
    confirm_form = preview.context["confirm_form"]
    due = days_from_today(30)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:bulk_enrol_confirm"),
            {"csv_text": confirm_form.initial["csv_text"], "course": course.pk, "due_date": due.isoformat()},
        )

    assert response.status_code == 302
    assert User.objects.filter(email__in=["sam.lee@agency.gov.au", "kim@agency.gov.au"]).count() == 2
    assert Assignment.objects.filter(enrolment__course=course, due_date=due, assigned_by=trainer).count() == 3
    assert len(mail.outbox) == 3
    assert "Imported 3 learners" in str(
        list(client.get(reverse("training:bulk_enrol")).context["messages"])[0]
    )


def test_the_preview_lists_errors_by_line_and_offers_no_confirm(client, trainer):
    sign_in_to_admin(client, trainer)

    response = upload(
        client, "email,full name,organisation,role\nbad,Bad Email,,other\nok@x.gov.au,,,other\n"
    )

    html = response.content.decode()
    assert "Line 2: “bad” is not a valid email address." in html
    assert "Line 3: The full name is missing." in html
    assert "Confirm import" not in html


def test_confirm_refuses_a_past_due_date_and_keeps_the_preview(client, trainer, course):
    sign_in_to_admin(client, trainer)

    response = client.post(
        reverse("training:bulk_enrol_confirm"),
        {"csv_text": GOOD_CSV, "course": course.pk, "due_date": days_from_today(-1).isoformat()},
    )

    assert response.status_code == 200
    assert "The due date cannot be in the past" in response.content.decode()
    assert "Sam Lee" in response.content.decode()  # the rows are still shown
    assert not User.objects.filter(email="sam.lee@agency.gov.au").exists()


def test_a_learner_cannot_use_bulk_enrol(client, learner):
    client.force_login(learner)

    response = upload(client, GOOD_CSV)
    confirm = client.post(reverse("training:bulk_enrol_confirm"), {"csv_text": GOOD_CSV})

    assert response.status_code == 302 and confirm.status_code == 302
    assert not User.objects.filter(email="sam.lee@agency.gov.au").exists()


def test_admin_access_alone_is_not_enough(client, course):
    editor = make_user(email="editor@example.gov.au", full_name="Eddie Editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    sign_in_to_admin(client, editor)

    response = client.post(reverse("training:bulk_enrol_confirm"), {"csv_text": GOOD_CSV})
    report = client.get(reverse("training:overdue"))

    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert report.status_code == 302
    assert not User.objects.filter(email="sam.lee@agency.gov.au").exists()


def test_trainers_see_the_training_menu(client, trainer, learner):
    sign_in_to_admin(client, trainer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("training:assign") in html and reverse("training:overdue") in html


# --- admin: assign a course -----------------------------------------------------------------------


def test_trainer_assigns_a_course_to_learners_and_an_organisation(client, trainer, course, learner):
    agency = Organisation.objects.create(name="Agency")
    member = make_user(email="member@agency.gov.au", full_name="Mem Ber", organisation=agency)
    sign_in_to_admin(client, trainer)
    due = days_from_today(14)

    response = client.post(
        reverse("training:assign"),
        {
            "course": course.pk,
            "learners": [learner.pk],
            "organisation": agency.pk,
            "due_date": due.isoformat(),
        },
        follow=True,
    )

    assert response.status_code == 200
    assert set(Assignment.objects.values_list("enrolment__user", flat=True)) == {learner.pk, member.pk}
    message = str(list(response.context["messages"])[0])
    assert "to 2 learners" in message and "2 new" in message


def test_a_past_due_date_is_refused_next_to_the_field_and_the_choices_are_kept(
    client, trainer, course, learner
):
    sign_in_to_admin(client, trainer)

    response = client.post(
        reverse("training:assign"),
        {"course": course.pk, "learners": [learner.pk], "due_date": days_from_today(-1).isoformat()},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "cannot be in the past" in form.errors["due_date"][0]
    html = response.content.decode()
    assert "cannot be in the past" in html
    assert f'<option value="{learner.pk}" selected>' in html  # what they chose is kept
    assert 'name="csrfmiddlewaretoken"' in html
    assert not Assignment.objects.exists()


def test_assign_needs_learners_or_an_organisation(client, trainer, course):
    sign_in_to_admin(client, trainer)

    response = client.post(
        reverse("training:assign"), {"course": course.pk, "due_date": days_from_today(3).isoformat()}
    )

    assert "Choose at least one learner, or an organisation." in response.context["form"].errors["learners"]


def test_a_learner_cannot_assign_courses(client, learner, course):
    client.force_login(learner)

    response = client.post(
        reverse("training:assign"),
        {"course": course.pk, "learners": [learner.pk], "due_date": days_from_today(3).isoformat()},
    )

    assert response.status_code == 302 and not Assignment.objects.exists()


# --- admin: overdue report ------------------------------------------------------------------------


def test_overdue_report_lists_overdue_learners_not_completed_ones(
    client, trainer, course, learner, other_learner
):
    assign_course(course, [learner, other_learner], days_from_today(-5), trainer)
    Enrolment.objects.filter(user=other_learner).update(completed_at=timezone.now())
    sign_in_to_admin(client, trainer)

    response = client.get(reverse("training:overdue"))
    csv_response = client.get(reverse("training:overdue_csv"), {"course": course.pk})

    html = response.content.decode()
    assert learner.full_name in html and other_learner.full_name not in html
    assert [row.days_overdue for row in response.context["rows"]] == [5]
    csv_text = csv_response.content.decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith(f"{learner.full_name},{learner.email},,{course.title},")
    assert other_learner.email not in csv_text


def test_overdue_report_filters_by_course(client, trainer, course, learner):
    other_course = make_course(title="Records management", quiz=False)
    assign_course(other_course, [learner], days_from_today(-2), trainer)
    sign_in_to_admin(client, trainer)

    response = client.get(reverse("training:overdue"), {"course": course.pk})

    assert response.context["rows"] == []
    assert len(client.get(reverse("training:overdue"), {"course": other_course.pk}).context["rows"]) == 1
