"""The admin's LTI screens: administrators register a platform, change the course a platform link
opens, and read the score outbox; trainers see none of them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.factories import make_user
from lti.grades import send_pending
from lti.models import LtiGradeTarget, LtiPlatform, LtiResourceLink, LtiScore
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db


def test_administrators_register_a_platform(admin_client):
    form = admin_client.get(reverse("lti_platforms:add")).content.decode()
    assert "/lti/jwks.json" in form  # the addresses to give the platform
    response = admin_client.post(
        reverse("lti_platforms:add"),
        {
            "name": "Finance Moodle",
            "issuer": "https://moodle.finance.gov.au",
            "client_id": "abc123",
            "deployment_ids": "1\n 2 \n",
            "auth_login_url": "https://moodle.finance.gov.au/mod/lti/auth.php",
            "auth_token_url": "https://moodle.finance.gov.au/mod/lti/token.php",
            "token_audience": "",
            "jwks_url": "https://moodle.finance.gov.au/mod/lti/certs.php",
            "enabled": "on",
        },
    )
    assert response.status_code == 302, response.content
    platform = LtiPlatform.objects.get()
    assert platform.deployment_id_list == ["1", "2"]
    assert platform.token_aud == "https://moodle.finance.gov.au/mod/lti/token.php"


def test_administrators_change_a_links_course_and_read_the_outbox(
    admin_client, learner, course, unreachable_platform
):
    link = LtiResourceLink.objects.create(
        platform=unreachable_platform, resource_link_id="r1", deployment_id="d", course=course
    )
    other = make_course(title="Handling complaints online", quiz=False)
    response = admin_client.post(reverse("lti_resource_links:edit", args=[link.pk]), {"course": other.pk})
    assert response.status_code == 302, response.content
    link.refresh_from_db()
    assert link.course == other

    target = LtiGradeTarget.objects.create(
        resource_link=link,
        user=learner,
        subject="s1",
        lineitem_url="http://127.0.0.1:9/li",
        scores_url="http://127.0.0.1:9/li/scores",
    )
    score = LtiScore.objects.create(
        target=target, event_key="k", payload={"scoreGiven": 50, "scoreMaximum": 100}
    )
    send_pending()  # nothing listens on port 9: it fails and waits for the next try
    page = admin_client.get(reverse("lti_scores:index")).content.decode()
    assert "0 waiting, 1 failed and retrying, 0 sent" in page
    assert "token request" in page  # the last error
    # Read-only: no way to add or change a score by hand.
    assert admin_client.get(reverse("lti_scores:edit", args=[score.pk])).status_code in (302, 403)


def test_trainers_cannot_open_the_lti_screens(client):
    trainer = make_user(email="trainer@example.gov.au", full_name="Tara Trainer")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    sign_in_to_admin(client, trainer)
    for name in ("lti_platforms:index", "lti_resource_links:index", "lti_scores:index"):
        assert client.get(reverse(name)).status_code in (302, 403), name
