"""Single sign-on in a real Chromium through a real OpenID Connect provider (django-oauth-toolkit in a
second process, tests/sso_provider/): the login page's button, the provider's sign-in page, *Finish
signing in*, and back; and an address the provider did not verify is not linked to an account."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from courses.factories import make_user
from lms import services
from lms.models import IdentityProvider, Organisation, OrganisationDomain, User
from tests.sso_provider.harness import CLIENT_ID, CLIENT_SECRET, PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PROVIDER_ID = "finance-idp"


@pytest.fixture
def finance_sso(live_server, oidc_provider):
    finance = Organisation.objects.create(name="Department of Finance")
    OrganisationDomain.objects.create(organisation=finance, domain="finance.gov.au")
    oidc_provider.allow_client(f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/")
    IdentityProvider.objects.create(
        name="Department of Finance",
        slug=PROVIDER_ID,
        server_url=oidc_provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        organisation=finance,
    )
    return finance


def sign_in_at_provider(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    # The button posts to this site, which redirects to the provider: the page's form-action allows it.
    page.get_by_role("button", name="Log in with Department of Finance").click()
    page.get_by_role("heading", name="Agency sign-in").wait_for()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_signing_in_through_the_agency_provider(
    live_server, page, oidc_provider, finance_sso, assert_accessible
):
    oidc_provider.add_person("ari", "ari.khan@finance.gov.au", "Ari Khan")
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)

    sign_in_at_provider(page, live_server, "ari")
    page.get_by_role("heading", level=1, name="Finish signing in").wait_for()
    assert_accessible(page)
    assert page.get_by_label("Full name").input_value() == "Ari Khan"
    assert page.get_by_label("Email address").input_value() == "ari.khan@finance.gov.au"
    page.get_by_label("I am a").select_option("councillor")
    page.get_by_role("button", name="Finish signing in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))

    user = User.objects.get()
    assert (user.email, user.full_name, user.organisation) == (
        "ari.khan@finance.gov.au",
        "Ari Khan",
        finance_sso,
    )
    assert services.email_is_verified(user)
    assert user.role == User.Role.COUNCILLOR and not user.is_councillor  # a claim for a trainer
    assert SocialAccount.objects.get().user == user

    page.goto(live_server.url + "/accounts/3rdparty/")
    page.get_by_role("heading", level=1, name="Sign-ins with your organisation").wait_for()
    expect(page.get_by_label(re.compile(r"^Department of Finance \("))).to_be_checked()
    assert_accessible(page)

    # Log out and in again: the provider remembers Ari, so one press of the button is enough, and the
    # account linked the first time is used (no form this time).
    page.goto(live_server.url + "/accounts/logout/")
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="Log in with Department of Finance").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))
    expect(page.get_by_role("button", name="Log out Ari Khan")).to_be_visible()
    assert User.objects.count() == 1


def test_an_unverified_email_from_the_provider_is_not_linked(live_server, page, oidc_provider, finance_sso):
    existing = make_user(email="lee.wu@finance.gov.au", full_name="Lee Wu")
    oidc_provider.add_person("lee", "lee.wu@finance.gov.au", "Lee Wu", verified=False)

    sign_in_at_provider(page, live_server, "lee")
    page.get_by_role("heading", level=1, name="Finish signing in").wait_for()
    page.get_by_role("button", name="Finish signing in").click()
    page.get_by_role("heading", level=1, name="Check your email").wait_for()

    page.goto(live_server.url + "/my-learning/")
    page.wait_for_url(re.compile(r"/accounts/login/"))  # not signed in as the existing learner
    assert not SocialAccount.objects.exists()
    assert list(User.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.has_usable_password()
