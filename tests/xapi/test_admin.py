import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.factories import make_user
from courses.services import enrol
from tests.two_step import sign_in_to_admin
from xapi.models import Statement
from xapi.services import send_pending

pytestmark = pytest.mark.django_db


def test_administrators_see_the_outbox_counts_and_a_statement(admin_client, xapi_on, learner, course):
    enrol(learner, course)
    send_pending()  # nothing listens: it fails and waits for the next try
    row = Statement.objects.get()
    page = admin_client.get(reverse("xapi_statements:index")).content.decode()
    assert "0 waiting, 1 failed and retrying, 0 sent" in page
    assert str(row.statement_id) in page
    inspect = admin_client.get(reverse("xapi_statements:inspect", args=[row.pk])).content.decode()
    assert "http://adlnet.gov/expapi/verbs/registered" in inspect
    # Read-only: no way to add or change a statement by hand.
    assert admin_client.get(reverse("xapi_statements:add")).status_code in (302, 403)
    assert admin_client.get(reverse("xapi_statements:edit", args=[row.pk])).status_code in (302, 403)


def test_trainers_cannot_open_the_outbox(client, db):
    trainer = make_user(email="trainer@example.gov.au", full_name="Tara Trainer")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    sign_in_to_admin(client, trainer)
    assert client.get(reverse("xapi_statements:index")).status_code in (302, 403)
