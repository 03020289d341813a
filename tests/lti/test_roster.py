"""Names and Role Provisioning Services: an administrator fetches, for one resource link, the real
test platform's roster of the course (with a client-credentials token for the membership scope,
across its pages) and sees who has launched the link here."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.factories import make_user
from lti.jose import tool_jwks
from lti.models import LtiResourceLink, LtiUserLink
from tests.two_step import sign_in_to_admin

from .conftest import NOWHERE
from .test_launch import start

pytestmark = pytest.mark.django_db


def rows(page):
    """(name, launched here?) for each row of the roster table."""
    table = page.split("those who have launched the link first</caption>", 1)[1]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        (re.sub(r"\s+", " ", name).strip(), re.sub(r"\s+", " ", launched).strip())
        for name, launched in re.findall(
            r'<th scope="row">(.*?)</th>.*?<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>(.*?)</td>',
            body,
            re.S,
        )
    ]


def test_administrator_fetches_the_roster_and_sees_who_launched(client, admin_client, lti_platform, course):
    lti_platform.register()
    link_id, learners = "roster-link", []
    for name in ("Rosa Launched", "Ravi Launched"):
        hint, sub, _ = lti_platform.new_launch(
            settings.SITE_BASE_URL, course=course, link_id=link_id, name=name, tool_jwks=tool_jwks()
        )
        assert client.post("/lti/launch/", start(client, lti_platform, hint)).status_code == 302
        learners.append(LtiUserLink.objects.get(subject=sub).user)
    link = LtiResourceLink.objects.get(resource_link_id=link_id)
    assert link.memberships_url == f"{lti_platform.url}/memberships"
    url = reverse("lti_roster", args=[link.pk])
    assert url in admin_client.get(reverse("lti_resource_links:index")).content.decode()  # the Roster button

    page = admin_client.get(url).content.decode()
    assert "Fetch the platform" in page and "Terry Teacher" not in page  # nothing fetched on GET
    page = admin_client.post(url).content.decode()
    found = dict(rows(page))
    # The teacher and the learner who never came, from the first page; ours from later pages.
    assert found["Terry Teacher"] == "Not yet" and found["Nova Nolaunch"] == "Not yet"
    for learner in learners:
        assert found[learner.full_name].startswith(f"Yes, as {learner.email}")
    assert list(found)[:2] == sorted(learner.full_name for learner in learners)  # launched first
    assert "Instructor" in page and "2 launched here" in page


@pytest.fixture
def link_to_nowhere(course, unreachable_platform):
    """A link whose platform (and roster address) answers nothing."""
    return LtiResourceLink.objects.create(
        platform=unreachable_platform,
        resource_link_id="r1",
        deployment_id="d",
        course=course,
        memberships_url=f"{NOWHERE}/memberships",
    )


def test_trainers_cannot_fetch_a_roster(client, link_to_nowhere):
    trainer = make_user(email="trainer@example.gov.au", full_name="Tara Trainer")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    sign_in_to_admin(client, trainer)
    assert client.post(reverse("lti_roster", args=[link_to_nowhere.pk])).status_code in (302, 403)


def test_a_platform_that_is_not_there_shows_an_error_not_a_crash(admin_client, link_to_nowhere):
    response = admin_client.post(reverse("lti_roster", args=[link_to_nowhere.pk]))
    assert response.status_code == 200
    assert "The platform did not give its roster: token request" in response.content.decode()
    assert admin_client.post(reverse("lti_roster", args=[link_to_nowhere.pk + 1000])).status_code == 404
