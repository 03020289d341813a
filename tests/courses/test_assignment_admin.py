"""Training > Assignments (issue 12, item 8): the list with filters, changing a due date, cancelling,
resending an invitation; a due date of today counts as overdue; organisation managers see and change
only their own people's assignments (anything else is 404)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.assignments import assign_course, overdue_assignments
from courses.factories import make_user
from courses.models import Assignment, Enrolment, ReminderLog
from lms.models import Organisation, User
from lms.scoping import set_organisation_managers
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

from ..conftest import run_on_commit

pytestmark = pytest.mark.django_db


def day(offset):
    return timezone.localdate() + timedelta(days=offset)


@pytest.fixture
def agencies():
    return Organisation.objects.create(name="Own Agency"), Organisation.objects.create(name="Other Agency")


@pytest.fixture
def trainer():
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


@pytest.fixture
def people(agencies, course, trainer):
    """Four learners with assignments due yesterday, today, in 3 days, and one completed."""
    own, other = agencies
    late = make_user(email="late@own.gov.au", full_name="Lee Late", organisation=own)
    today = make_user(email="today@own.gov.au", full_name="Tam Today", organisation=own)
    soon = make_user(email="soon@other.gov.au", full_name="Sol Soon", organisation=other)
    done = make_user(email="done@other.gov.au", full_name="Dee Done", organisation=other)
    for user in (late, today, soon, done):
        assign_course(course, [user], day(3), trainer)
    Assignment.objects.filter(enrolment__user=late).update(due_date=day(-1))
    Assignment.objects.filter(enrolment__user=today).update(due_date=day(0))
    Enrolment.objects.filter(user=done).update(completed_at=timezone.now())
    mail.outbox.clear()
    return {"late": late, "today": today, "soon": soon, "done": done}


def listed(client, **params):
    response = client.get(reverse("training:assignments"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return html, re.findall(r'<th scope="row">([^<]+)<br>', html)  # the learners in the table, in order


def assignment_of(user):
    return Assignment.objects.get(enrolment__user=user)


def test_a_due_date_of_today_counts_as_overdue(people):
    assert [a.enrolment.user for a in overdue_assignments()] == [people["late"], people["today"]]
    # learners themselves see "overdue" only from the next day
    assert assignment_of(people["late"]).is_overdue() and not assignment_of(people["today"]).is_overdue()


def test_the_list_shows_every_assignment_with_its_status(client, trainer, people):
    sign_in_to_admin(client, trainer)
    html, names = listed(client)
    assert names == ["Lee Late", "Tam Today", "Dee Done", "Sol Soon"]  # by due date, then name
    assert "Overdue by 1 day" in html and "Due today (overdue at the end of the day)" in html
    assert "Due in 3 days" in html and "Completed" in html
    assert "Training" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_filters(client, trainer, people, agencies, course):
    sign_in_to_admin(client, trainer)
    assert listed(client, status="overdue")[1] == ["Lee Late", "Tam Today"]
    assert listed(client, status="due_soon")[1] == ["Sol Soon"]
    assert listed(client, status="completed")[1] == ["Dee Done"]
    assert listed(client, status="open")[1] == ["Lee Late", "Tam Today", "Sol Soon"]
    assert listed(client, organisation=agencies[1].pk)[1] == ["Dee Done", "Sol Soon"]
    assert listed(client, q="SOON@other")[1] == ["Sol Soon"]
    other_course = make_course(title="Records management", quiz=False)
    assert listed(client, course=other_course.pk)[1] == []


def test_changing_the_due_date_tells_the_learner_and_rearms_its_reminders(client, trainer, people):
    sign_in_to_admin(client, trainer)
    assignment = assignment_of(people["late"])
    ReminderLog.objects.create(enrolment=assignment.enrolment, stage=ReminderLog.Stage.OVERDUE)
    url = reverse("training:assignment_due_date", args=[assignment.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"due_date": day(-2).isoformat()})
    assert "cannot be in the past" in response.content.decode()
    with run_on_commit():
        response = client.post(url, {"due_date": day(14).isoformat(), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("training:assignments")
    assignment.refresh_from_db()
    assert assignment.due_date == day(14) and assignment.assigned_by == trainer
    assert not ReminderLog.objects.filter(enrolment=assignment.enrolment).exists()
    [message] = mail.outbox
    assert message.to == [people["late"].email] and message.subject.startswith("New due date")
    assert people["late"] not in [a.enrolment.user for a in overdue_assignments()]


def test_cancelling_keeps_the_enrolment_and_progress(client, trainer, people):
    sign_in_to_admin(client, trainer)
    assignment = assignment_of(people["today"])
    url = reverse("training:assignment_cancel", args=[assignment.pk])
    assert "Yes, cancel the assignment" in client.get(url).content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()  # a GET changes nothing

    next_url = reverse("training:assignments") + "?status=overdue"
    response = client.post(url, {"next": next_url})
    assert response["Location"] == next_url  # back to the list as it was filtered
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert Enrolment.objects.filter(pk=assignment.enrolment_id).exists()
    assert listed(client, status="overdue")[1] == ["Lee Late"]


def test_resend_an_invitation_only_to_an_account_never_used(client, trainer, people, course):
    sign_in_to_admin(client, trainer)
    invited = make_user(email="new@own.gov.au", full_name="Nia New")
    invited.set_unusable_password()
    invited.save()
    (assignment,) = assign_course(course, [invited], day(7), trainer)
    html, _ = listed(client)
    assert html.count("Resend invitation<") == 1  # the other learners have passwords

    with run_on_commit():
        client.post(reverse("training:assignment_invite", args=[assignment.pk]))
    [message] = [m for m in mail.outbox if "password" in m.body]
    assert message.to == [invited.email] and course.title in message.subject

    mail.outbox.clear()
    with run_on_commit():
        response = client.post(reverse("training:assignment_invite", args=[assignment_of(people["late"]).pk]))
    assert response.status_code == 302 and mail.outbox == []


def test_organisation_managers_see_and_change_only_their_people(client, people, agencies):
    own, _ = agencies
    manager = make_user(email="manager@own.gov.au", full_name="Mia Manager", organisation=own)
    set_organisation_managers(own, [manager])
    sign_in_to_admin(client, manager)
    html, names = listed(client)
    assert names == ["Lee Late", "Tam Today"]
    assert "Other Agency" not in html  # not even in the organisation filter

    stranger = assignment_of(people["soon"])
    for name in ("assignment_due_date", "assignment_cancel"):
        assert client.get(reverse(f"training:{name}", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("training:assignment_cancel", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("training:assignment_invite", args=[stranger.pk])).status_code == 404
    missing = Assignment.objects.order_by("-pk").first().pk + 100
    assert client.post(reverse("training:assignment_cancel", args=[missing])).status_code == 404
    assert Assignment.objects.filter(pk=stranger.pk).exists()

    own_assignment = assignment_of(people["late"])
    response = client.post(
        reverse("training:assignment_due_date", args=[own_assignment.pk]), {"due_date": day(5).isoformat()}
    )
    assert response.status_code == 302
    own_assignment.refresh_from_db()
    assert own_assignment.due_date == day(5)


def test_learners_cannot_open_it(client, learner, people):
    client.force_login(learner)
    assert client.get(reverse("training:assignments")).status_code in (302, 403)
    assignment = assignment_of(people["late"])
    response = client.post(reverse("training:assignment_cancel", args=[assignment.pk]))
    assert response.status_code in (302, 403)
    assert Assignment.objects.filter(pk=assignment.pk).exists()
