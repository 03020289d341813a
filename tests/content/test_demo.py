"""`manage.py load_demo`: sample people with progress, marked as demo data, loaded once."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from certificates.models import Certificate
from courses.assignments import overdue_assignments
from courses.models import Assignment, Enrolment, LessonCompletion, TaskSubmission
from lms.models import Organisation, User
from quizzes.models import Attempt
from tests.two_step import log_in_with_password, totp_code

pytestmark = pytest.mark.django_db

MODELS = [User, Organisation, Enrolment, LessonCompletion, Assignment, TaskSubmission, Attempt, Certificate]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def demo(loaded_courses, django_db_blocker):
    """The demo loaded once for the module, in a savepoint inside the courses' transaction, rolled
    back when the module ends (the other content modules share the courses, not the demo)."""
    with django_db_blocker.unblock():
        savepoint = transaction.atomic()
        savepoint.__enter__()
        try:
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            savepoint.__exit__(None, None, None)


def test_demo_shows_the_platform_working(demo, client):
    users = User.objects.filter(email__endswith="@demo.example")
    assert users.filter(is_superuser=True).count() == 1
    trainer = users.get(email="trainer@demo.example")
    assert trainer.groups.filter(name="Trainers").exists()
    learners = users.filter(is_superuser=False).exclude(pk=trainer.pk)
    assert learners.count() == 5
    organisations = {learner.organisation.name for learner in learners}
    assert len(organisations) == 2 and all(name.startswith("Demo ") for name in organisations)

    certificate = Certificate.objects.get(user__email="priya.sharma@demo.example")
    assert certificate.enrolment.completed_at is not None
    assert Attempt.objects.filter(user=certificate.user, passed=False).exists()  # passed on the second try
    assert Attempt.objects.filter(user__in=learners, submitted_at__isnull=False).count() >= 3
    assert TaskSubmission.objects.filter(status=TaskSubmission.Status.PENDING).count() == 1
    overdue = {a.enrolment.user.email for a in overdue_assignments()}
    assert overdue == {"mei.chen@demo.example", "sarah.obrien@demo.example"}
    assert LessonCompletion.objects.filter(enrolment__user__email="ben.nguyen@demo.example").exists()

    # The printed passwords log in, and what the trainer follows up shows the demo.
    assert "DEMO DATA" in demo
    assert "demo-admin-2026" in demo and "demo-trainer-2026" in demo
    # The staff's printed authenticator-app keys give the admin's code step real codes.
    staff_accounts = [
        ("admin@demo.example", "demo-admin-2026"),
        ("trainer@demo.example", "demo-trainer-2026"),
    ]
    for email, password in staff_accounts:
        key = re.search(rf"{email} .*?authenticator app key: ([A-Z2-7 ]+)\n", demo, re.S).group(1)
        staff = Client()
        log_in_with_password(staff, email, password, next_url=reverse("training:overdue"))
        response = staff.post(reverse("mfa_authenticate"), {"code": totp_code(key)})
        assert response.status_code == 302 and response.url == reverse("training:overdue")
        assert b"Mei Chen" in staff.get(response.url).content
    assert client.login(email="priya.sharma@demo.example", password="demo-learner-2026")
    assert client.get(reverse("dashboard")).status_code == 200


def test_loading_twice_changes_nothing(demo):
    before = counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert "Nothing to change" in out.getvalue()


@override_settings(SETTINGS_MODULE="lms.settings.production")
def test_refuses_production_settings(db):
    before = counts()  # the module's demo may already be loaded: nothing may be added to it
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", stdout=StringIO())
    assert counts() == before
