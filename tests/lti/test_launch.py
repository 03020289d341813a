"""LTI 1.3 launches from a real platform process (tests/lti_platform/): its id_tokens are signed
with its own key and checked here against its published JWKS, over HTTP. The browser's part is
played by Django's test client and `requests`; tests/e2e/test_lti_browser.py does it in Chromium."""

import urllib.parse

import pytest
import requests
from allauth.account.models import EmailAddress
from django.conf import settings

from courses.models import Enrolment
from lms.models import Organisation, OrganisationDomain, User
from lti.jose import tool_jwks
from lti.models import LtiGradeTarget, LtiResourceLink, LtiUserLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(lti_platform):
    return lti_platform.register()


def tool_url():
    return settings.SITE_BASE_URL  # where our redirect URI points in tests


def start(client, lti_platform, hint, drop=()):
    """The platform's login initiation and its authentication answer: returns the fields the
    browser would post to /lti/launch/ (the state cookie is now in the client)."""
    redirect = requests.get(
        lti_platform.launch_url(hint).replace(lti_platform.url, f"http://127.0.0.1:{lti_platform.port}"),
        allow_redirects=False,
        timeout=10,
    )
    parts = urllib.parse.urlsplit(redirect.headers["Location"])
    params = {k: v for k, v in urllib.parse.parse_qsl(parts.query) if k not in drop}
    answer = client.get(parts.path, params)
    assert answer.status_code == 302, answer.content
    return lti_platform.authenticate(answer["Location"])


def launch(client, lti_platform, course=None, **options):
    hint, sub, link_id = lti_platform.new_launch(tool_url(), course=course, **options)
    return client.post("/lti/launch/", start(client, lti_platform, hint)), sub, link_id


def test_a_first_launch_makes_the_learner_signs_them_in_enrols_and_opens_the_course(
    client, lti_platform, platform, course
):
    response, sub, link_id = launch(
        client, lti_platform, course, name="Robin Learner", email="Robin@Agency.example"
    )
    assert response.status_code == 302
    assert response["Location"] == course.url
    link = LtiUserLink.objects.get(platform=platform, subject=sub)
    user = link.user
    assert (user.email, user.full_name, user.has_usable_password()) == (
        "robin@agency.example",
        "Robin Learner",
        False,
    )
    # The platform's word does not confirm an address outside its organisation's domains.
    assert not EmailAddress.objects.get(user=user).verified
    assert int(client.session["_auth_user_id"]) == user.pk
    assert Enrolment.objects.filter(user=user, course=course).exists()
    resource_link = LtiResourceLink.objects.get(platform=platform, resource_link_id=link_id)
    assert resource_link.course_id == course.pk
    target = LtiGradeTarget.objects.get(resource_link=resource_link, user=user)
    assert target.lineitem_url == f"{lti_platform.url}/lineitems/{link_id}"
    assert target.scores_url == f"{lti_platform.url}/lineitems/{link_id}/scores"
    assert client.get(course.url).status_code == 200
    my_learning = client.get("/my-learning/")  # signed in for the pages that follow, not only this session
    assert my_learning.status_code == 200 and my_learning.wsgi_request.user == user

    # The next launch of the same person finds the same account.
    client.logout()
    again, _, _ = launch(client, lti_platform, course, sub=sub, link_id=link_id)
    assert again.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert User.objects.filter(lti_links__platform=platform).count() == 1


def test_an_existing_account_with_the_same_email_is_never_joined(
    client, lti_platform, platform, course, learner
):
    response, sub, _ = launch(client, lti_platform, course, email=learner.email.upper(), name="Not Alex")
    assert response.status_code == 302
    user = LtiUserLink.objects.get(subject=sub).user
    assert user != learner
    assert user.email.endswith("@lti.invalid")
    assert int(client.session["_auth_user_id"]) == user.pk
    learner.refresh_from_db()
    assert learner.full_name == "Alex Citizen" and not learner.lti_links.exists()


def test_the_platforms_organisation_vouches_for_its_own_domains_only(client, lti_platform, course):
    finance = Organisation.objects.create(name="Department of Finance")
    OrganisationDomain.objects.create(organisation=finance, domain="finance.gov.au")
    lti_platform.register(organisation=finance)
    _, sub, _ = launch(client, lti_platform, course, email="kim@finance.gov.au")
    kim = LtiUserLink.objects.get(subject=sub).user
    assert kim.organisation == finance
    assert EmailAddress.objects.get(user=kim).verified

    client.logout()
    _, sub, _ = launch(client, lti_platform, course, email="lee@gmail.example")
    lee = LtiUserLink.objects.get(subject=sub).user
    assert lee.organisation is None  # a trainer approves the membership request
    assert lee.membership_requests.get().organisation == finance
    assert not EmailAddress.objects.get(user=lee).verified


def test_an_account_that_can_open_the_admin_is_never_signed_in_by_a_launch(
    client, lti_platform, platform, course, admin_user
):
    _, sub, _ = launch(client, lti_platform, course)
    LtiUserLink.objects.filter(subject=sub).update(user=admin_user)
    client.logout()
    response, _, _ = launch(client, lti_platform, course, sub=sub)
    assert response.status_code == 403
    assert b"cannot be signed in from a learning system" in response.content
    assert "_auth_user_id" not in client.session


# --- Security checks: each a clear 4xx page, nobody signed in -----------------------------------


def assert_refused(response, status, words):
    assert response.status_code == status, response.content
    assert response.templates[0].name == "lti/error.html"
    page = response.content.decode()
    assert "We could not open this course from your learning system" in page
    assert words in page
    assert not User.objects.exclude(is_superuser=True).filter(lti_links__isnull=False).exists()


def test_a_token_signed_with_another_key_is_refused(client, lti_platform, platform, course):
    response, _, _ = launch(client, lti_platform, course, sign_with="rogue")
    assert_refused(response, 403, "signature does not match")


def test_a_token_for_another_tool_is_refused(client, lti_platform, platform, course):
    response, _, _ = launch(client, lti_platform, course, aud="some-other-tool")
    assert_refused(response, 403, "meant for another tool")


def test_a_token_from_another_issuer_is_refused(client, lti_platform, platform, course):
    response, _, _ = launch(client, lti_platform, course, iss="https://evil.example")
    assert_refused(response, 403, "different issuer")


def test_an_expired_token_is_refused(client, lti_platform, platform, course):
    response, _, _ = launch(client, lti_platform, course, expires_in=-120)
    assert_refused(response, 400, "has expired")


def test_a_launch_posted_twice_is_refused_the_second_time(client, lti_platform, platform, course):
    hint, _, _ = lti_platform.new_launch(tool_url(), course=course)
    fields = start(client, lti_platform, hint)
    cookie_name = f"lti_state_{fields['state']}"
    cookie = client.cookies[cookie_name].value
    assert client.post("/lti/launch/", fields).status_code == 302
    client.logout()
    client.cookies[cookie_name] = cookie  # a replay that kept the state cookie too
    response = client.post("/lti/launch/", fields)
    assert response.status_code == 400
    assert b"This launch was used already" in response.content
    assert "_auth_user_id" not in client.session


def test_an_unknown_deployment_is_refused_at_login_and_in_the_token(client, lti_platform, platform, course):
    hint, _, _ = lti_platform.new_launch(tool_url(), course=course, deployment_id="deployment-9")
    redirect_params = {"hint": hint}
    location = requests.get(
        f"http://127.0.0.1:{lti_platform.port}/launch",
        params=redirect_params,
        allow_redirects=False,
        timeout=10,
    ).headers["Location"]
    parts = urllib.parse.urlsplit(location)
    response = client.get(parts.path, dict(urllib.parse.parse_qsl(parts.query)))
    assert_refused(response, 403, "deployment of the tool is not registered")
    # Without lti_deployment_id at login (it is optional), the id_token's deployment is checked.
    fields = start(client, lti_platform, hint, drop=("lti_deployment_id",))
    assert_refused(client.post("/lti/launch/", fields), 403, "deployment of the tool is not registered")


def test_a_launch_without_the_state_cookie_is_refused(client, lti_platform, platform, course):
    hint, _, _ = lti_platform.new_launch(tool_url(), course=course)
    fields = start(client, lti_platform, hint)
    client.cookies.clear()
    assert_refused(client.post("/lti/launch/", fields), 400, "did not keep the launch")


def test_an_unknown_platform_and_a_link_without_a_course_are_refused(client, lti_platform, platform, course):
    response = client.get(
        "/lti/login/", {"iss": "https://unknown.example", "login_hint": "x", "target_link_uri": "x"}
    )
    assert_refused(response, 403, "not registered with GovSocial Academy")
    response, _, _ = launch(client, lti_platform, None)
    assert_refused(response, 404, "does not name one of our courses")


def test_the_tool_publishes_its_public_keys_only(client):
    keys = client.get("/lti/jwks.json").json()["keys"]
    assert keys == tool_jwks()["keys"]
    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]
    assert not any("d" in key or "p" in key for key in keys)
