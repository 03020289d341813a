"""Deep linking: an instructor launched from the platform picks courses here, and the platform gets
a signed LtiDeepLinkingResponse it verifies against the tool's keys; a link it makes then opens the
chosen course."""

import re
from html import unescape

import pytest
from django.conf import settings

from lti.jose import tool_jwks
from lti.models import LtiResourceLink
from quizzes.factories import make_course

from .test_launch import start

pytestmark = pytest.mark.django_db

CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"


def test_the_instructor_chooses_courses_and_the_platform_receives_them_signed(client, lti_platform, course):
    platform = lti_platform.register()
    second = make_course(title="Handling complaints online", quiz=False)
    hint, _, _ = lti_platform.new_launch(settings.SITE_BASE_URL, deep_linking={}, tool_jwks=tool_jwks())
    chooser = client.post("/lti/launch/", start(client, lti_platform, hint))
    assert chooser.status_code == 200
    page = chooser.content.decode()
    assert "Choose courses to add to Agency Moodle" in page
    assert f'type="checkbox" name="courses" value="{course.pk}"' in page
    assert "_auth_user_id" not in client.session  # nobody is signed in for choosing
    token = re.search(r'name="request" value="([^"]+)"', page).group(1)

    empty = client.post("/lti/deep-link/", {"request": token})
    assert empty.status_code == 400
    assert "Choose a course to add." in empty.content.decode()

    answer = client.post("/lti/deep-link/", {"request": token, "courses": [course.pk, second.pk]})
    assert answer.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)" data-autopost>', answer.content.decode()).group(
        1
    )
    assert action == f"{lti_platform.url}/deep-link-return"
    assert f"form-action 'self' {lti_platform.url}" in answer["Content-Security-Policy"]
    jwt = unescape(re.search(r'name="JWT" value="([^"]+)"', answer.content.decode()).group(1))

    received = lti_platform.post_deep_link_response(action, jwt)
    assert received.status_code == 200, received.text
    claims = lti_platform.deep_links()[-1]
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-opaque-data"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == "deployment-1"
    items = claims[CONTENT_ITEMS]
    assert [(item["type"], item["title"], item["custom"]) for item in items] == [  # by title
        ("ltiResourceLink", second.title, {"course_id": str(second.pk)}),
        ("ltiResourceLink", course.title, {"course_id": str(course.pk)}),
    ]
    assert items[0]["url"] == f"{settings.SITE_BASE_URL}/lti/launch/"
    assert items[0]["lineItem"]["scoreMaximum"] == 100

    # The platform's new link, launched by a learner, opens the course the instructor chose.
    hint, _, link_id = lti_platform.new_launch(settings.SITE_BASE_URL, course=second)
    assert client.post("/lti/launch/", start(client, lti_platform, hint))["Location"] == second.url
    assert LtiResourceLink.objects.get(platform=platform, resource_link_id=link_id).course == second


def test_only_one_course_when_the_platform_takes_one_and_private_courses_are_not_offered(
    client, lti_platform, course
):
    lti_platform.register()
    private = make_course(title="Staff only", quiz=False)
    private.view_restrictions.create(restriction_type="login")
    hint, _, _ = lti_platform.new_launch(
        settings.SITE_BASE_URL, deep_linking={"accept_multiple": False}, tool_jwks=tool_jwks()
    )
    page = client.post("/lti/launch/", start(client, lti_platform, hint)).content.decode()
    assert f'type="radio" name="courses" value="{course.pk}"' in page
    assert "Staff only" not in page
    assert "Choose a course to add to Agency Moodle" in page
