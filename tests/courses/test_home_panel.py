"""The admin home page's "Work waiting" panel (issue 12, item 4): practice tasks waiting for review,
role and organisation claims waiting, completions this week and assignments due in 7 days, each
shown only to people who may act on it, and scoped for organisation managers."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from courses.assignments import assign_course
from courses.factories import make_user
from courses.models import Assignment, Enrolment, LessonPage
from courses.services import enrol, submit_task
from lms.models import MembershipRequest, Organisation, User
from lms.scoping import set_organisation_managers
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db


def figures(client):
    """{what it counts: number} from the panel on the admin home page."""
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    if 'id="work-waiting"' not in html:
        return {}
    panel = html[html.index('id="work-waiting"') : html.index("</section>", html.index('id="work-waiting"'))]
    return {
        " ".join(text.split()): int(count)
        for count, text in re.findall(r"<strong[^>]*>(\d+)</strong>([^<]+)", panel)
    }


@pytest.fixture
def wednesday():
    """The whole test, its data included, runs on a Wednesday morning in Australia."""
    with time_machine.travel("2026-12-09 10:00 +1100", tick=False):
        yield


@pytest.fixture
def world(db, wednesday):
    """Two organisations: in each, a learner completed a course this week and one last week; a
    practice task waits; assignments are due in 3 days, in 10 days, and yesterday."""
    own, other = Organisation.objects.create(name="Own Agency"), Organisation.objects.create(name="Other")
    course = make_course(title="Basics", kinds=("practice",), quiz=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.requires_approval = True
    lesson.save_revision().publish()
    trainer = make_user(email="trainer@example.gov.au", full_name="Terry Trainer")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    people = {}
    for org in (own, other):
        for name in ("done", "old", "soon", "later", "late", "task"):
            people[org.name, name] = make_user(
                email=f"{name}@{org.name.split()[0].lower()}.gov.au",
                full_name=f"{name} {org}",
                organisation=org,
            )
        now = timezone.now()
        Enrolment.objects.filter(pk=enrol(people[org.name, "done"], course).pk).update(completed_at=now)
        Enrolment.objects.filter(pk=enrol(people[org.name, "old"], course).pk).update(
            completed_at=now - timedelta(days=8)
        )
        for name, days in (("soon", 3), ("later", 10), ("late", 1)):
            assign_course(
                course, [people[org.name, name]], timezone.localdate() + timedelta(days=days), trainer
            )
        Assignment.objects.filter(enrolment__user=people[org.name, "late"]).update(
            due_date=timezone.localdate() - timedelta(days=1)
        )
        submit_task(enrol(people[org.name, "task"], course), lesson, "my plan")
    claimer = make_user(
        email="cr@own.gov.au", full_name="Cr Claim", role=User.Role.COUNCILLOR, role_confirmed=False
    )
    MembershipRequest.objects.create(user=claimer, organisation=other)
    return {"own": own, "other": other, "trainer": trainer, "people": people}


def test_a_trainer_sees_every_figure(client, world):
    sign_in_to_admin(client, world["trainer"])
    assert figures(client) == {
        "practice tasks waiting for review": 2,
        "role or organisation claims waiting": 2,
        "courses completed this week (since Monday)": 2,
        "assignments due in the next 7 days": 2,
        "assignments overdue (due today or earlier)": 2,
    }
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("practice_tasks:index") in html and reverse("account_approvals:index") in html
    assert reverse("training:assignments") + "?status=due_soon" in html


def test_an_organisation_manager_counts_only_their_people(client, world):
    manager = make_user(email="boss@own.gov.au", full_name="Mia Manager", organisation=world["own"])
    set_organisation_managers(world["own"], [manager])
    sign_in_to_admin(client, manager)
    assert figures(client) == {
        "course completed this week (since Monday)": 1,
        "assignment due in the next 7 days": 1,
        "assignment overdue (due today or earlier)": 1,
    }  # no practice reviews or account approvals: not theirs to act on


def test_a_completion_on_monday_morning_counts_and_sunday_does_not(client, world):
    sign_in_to_admin(client, world["trainer"])
    monday = timezone.make_aware(timezone.datetime(2026, 12, 7, 0, 30))
    Enrolment.objects.filter(completed_at__isnull=False).update(completed_at=monday)
    Enrolment.objects.filter(user=world["people"]["Own Agency", "old"]).update(
        completed_at=monday - timedelta(hours=1)
    )
    with time_machine.travel(monday + timedelta(days=2), tick=False):
        assert figures(client)["courses completed this week (since Monday)"] == 3
