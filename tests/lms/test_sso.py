"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit in a second process,
tests/sso_provider/): first login, the trust rule (a provider vouches only for its organisation's
domains), linking to existing accounts only through such an address, and the admin's set-up."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.factories import make_user
from lms import services
from lms.models import IdentityProvider, Organisation, OrganisationDomain, User
from tests.sso_provider.harness import CLIENT_ID, CLIENT_SECRET, callback_path
from tests.two_step import give_authenticator_app, totp_code

pytestmark = pytest.mark.django_db

PROVIDER_ID = "finance-idp"
CALLBACK = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"


@pytest.fixture
def finance():
    organisation = Organisation.objects.create(name="Department of Finance")
    OrganisationDomain.objects.create(organisation=organisation, domain="finance.gov.au")
    return organisation


@pytest.fixture
def health():
    organisation = Organisation.objects.create(name="Department of Health")
    OrganisationDomain.objects.create(organisation=organisation, domain="health.gov.au")
    return organisation


@pytest.fixture
def identity_provider(oidc_provider, finance):
    oidc_provider.allow_client(f"http://testserver{CALLBACK}")
    return IdentityProvider.objects.create(
        name="Department of Finance",
        slug=PROVIDER_ID,
        server_url=oidc_provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        organisation=finance,
    )


def sso_login(client, provider, username):
    """Press the login page's button, sign in at the provider, and bring the answer back."""
    response = client.post(f"/accounts/oidc/{PROVIDER_ID}/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(provider.issuer + "/authorize/")
    back = provider.sign_in(response["Location"], username)
    assert back.startswith(f"http://testserver{CALLBACK}?")
    return client.get(callback_path(back))


def finish_signing_in(client, full_name="Robin Ng", role="public_servant"):
    page = client.get("/accounts/3rdparty/signup/")
    assert page.status_code == 200
    assert b"Finish signing in" in page.content
    return client.post("/accounts/3rdparty/signup/", {"full_name": full_name, "role": role})


def test_the_login_page_offers_the_provider(client, identity_provider):
    page = client.get("/accounts/login/")
    assert b"Log in with Department of Finance" in page.content
    assert f'action="/accounts/oidc/{PROVIDER_ID}/login/"'.encode() in page.content


def test_first_login_creates_an_account_in_the_organisation_of_the_domain(
    client, oidc_provider, identity_provider, finance
):
    oidc_provider.add_person("robin", "Robin.Ng@finance.gov.au", "Robin  Ng")
    answer = sso_login(client, oidc_provider, "robin")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/3rdparty/signup/"

    form = client.get("/accounts/3rdparty/signup/")
    assert form.context["form"].initial["full_name"] == "Robin Ng"  # the provider's name, to check
    assert form.context["form"].fields["email"].disabled
    done = client.post(
        "/accounts/3rdparty/signup/",
        {"full_name": "Robin Ng", "role": "councillor", "email": "someone@else.com"},  # email ignored
    )
    assert done.status_code == 302 and done["Location"] == "/my-learning/"

    user = User.objects.get()
    assert get_user(client) == user
    assert user.email == "robin.ng@finance.gov.au"
    assert user.full_name == "Robin Ng"
    assert user.organisation == finance
    assert services.email_is_verified(user)  # the provider vouched for an address at its domain
    assert not user.has_usable_password()
    # The role from single sign-on is a claim, waiting for a trainer.
    assert user.role == User.Role.COUNCILLOR and user.role_status == User.RoleStatus.CLAIMED
    assert not user.is_councillor
    assert SocialAccount.objects.get(user=user).provider == PROVIDER_ID

    # The next login goes straight in, through the linked account.
    client.logout()
    again = sso_login(client, oidc_provider, "robin")
    assert again.status_code == 302 and again["Location"] == "/my-learning/"
    assert get_user(client) == user
    assert User.objects.count() == 1


def test_trainers_cannot_be_claimed_on_finish_signing_in(client, oidc_provider, identity_provider):
    oidc_provider.add_person("tam", "tam@finance.gov.au", "Tam Lee")
    sso_login(client, oidc_provider, "tam")
    answer = finish_signing_in(client, full_name="Tam Lee", role="trainer")
    assert answer.status_code == 200
    assert answer.context["form"].errors["role"]
    assert not User.objects.exists()


def test_an_existing_account_is_linked_through_a_verified_address_at_the_organisation_domain(
    client, oidc_provider, identity_provider, finance
):
    existing = make_user(email="kim.tran@finance.gov.au", full_name="Kim Tran", email_verified=False)
    oidc_provider.add_person("kim", "kim.tran@finance.gov.au", "Kim Tran")
    answer = sso_login(client, oidc_provider, "kim")
    assert answer.status_code == 302 and answer["Location"] == "/my-learning/"
    assert get_user(client) == existing
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == existing
    assert User.objects.count() == 1
    existing.refresh_from_db()
    # Whoever set that account's password never proved the address: the password is gone.
    assert not existing.has_usable_password()
    assert services.email_is_verified(existing)
    assert existing.organisation == finance


def test_an_unverified_address_from_the_provider_is_not_linked_to_an_existing_account(
    client, oidc_provider, identity_provider, mailoutbox
):
    existing = make_user(email="lee.wu@finance.gov.au", full_name="Lee Wu")
    oidc_provider.add_person("lee", "lee.wu@finance.gov.au", "Lee Wu", verified=False)
    answer = sso_login(client, oidc_provider, "lee")
    assert answer["Location"] == "/accounts/3rdparty/signup/"
    done = finish_signing_in(client, full_name="Lee Wu")
    # The same answer as sign-up with a taken address: check your email; the owner is told.
    assert done.status_code == 302 and done["Location"] == "/accounts/confirm-email/"
    assert not get_user(client).is_authenticated
    assert not SocialAccount.objects.exists()
    assert User.objects.get() == existing
    existing.refresh_from_db()
    assert existing.has_usable_password()
    assert [m.to for m in mailoutbox] == [["lee.wu@finance.gov.au"]]


def test_an_address_at_another_organisation_domain_is_not_trusted(
    client, oidc_provider, identity_provider, finance, health, mailoutbox
):
    # Finance's provider says it verified a Health address: it may not vouch for Health.
    existing = make_user(email="sam.ray@health.gov.au", full_name="Sam Ray")
    oidc_provider.add_person("sam", "sam.ray@health.gov.au", "Sam Ray")
    answer = sso_login(client, oidc_provider, "sam")
    assert answer["Location"] == "/accounts/3rdparty/signup/"
    finish_signing_in(client, full_name="Sam Ray")
    assert not SocialAccount.objects.exists()
    assert not get_user(client).is_authenticated
    existing.refresh_from_db()
    assert existing.has_usable_password()


def test_a_new_account_at_a_foreign_domain_waits_for_email_confirmation(
    client, oidc_provider, identity_provider, finance, mailoutbox
):
    oidc_provider.add_person("jo", "jo.bloggs@gmail.com", "Jo Bloggs")
    sso_login(client, oidc_provider, "jo")
    done = finish_signing_in(client, full_name="Jo Bloggs")
    assert done["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "jo.bloggs@gmail.com"
    assert not EmailAddress.objects.get(user=user).verified  # gmail.com is not Finance's to vouch for
    assert user.organisation is None
    assert [m.to for m in mailoutbox] == [["jo.bloggs@gmail.com"]]


def test_a_disabled_provider_is_not_offered_nor_accepted(client, identity_provider):
    identity_provider.enabled = False
    identity_provider.save()
    assert b"Log in with Department of Finance" not in client.get("/accounts/login/").content
    assert client.post(f"/accounts/oidc/{PROVIDER_ID}/login/").status_code == 404


def test_the_owner_logs_in_first_then_connects_the_provider(client, oidc_provider, identity_provider):
    # The provider did not verify the address, so no automatic link: the owner connects it by hand.
    existing = make_user(email="lee.wu@finance.gov.au", full_name="Lee Wu")
    oidc_provider.add_person("lee", "lee.wu@finance.gov.au", "Lee Wu", verified=False)
    client.force_login(existing)
    page = client.get("/accounts/3rdparty/")
    assert b"No organisation sign-in is connected" in page.content
    assert b"Connect Department of Finance" in page.content

    response = client.post(f"/accounts/oidc/{PROVIDER_ID}/login/", {"process": "connect"})
    back = oidc_provider.sign_in(response["Location"], "lee")
    connected = client.get(callback_path(back))
    assert connected.status_code == 302 and connected["Location"] == "/accounts/3rdparty/"
    assert SocialAccount.objects.get().user == existing
    assert b"Department of Finance (" in client.get("/accounts/3rdparty/").content

    client.logout()
    answer = sso_login(client, oidc_provider, "lee")
    assert answer["Location"] == "/my-learning/"
    assert get_user(client) == existing


def test_someone_who_came_by_single_sign_on_can_set_a_password(
    client, oidc_provider, identity_provider, mailoutbox
):
    oidc_provider.add_person("ash", "ash@finance.gov.au", "Ash Po")
    sso_login(client, oidc_provider, "ash")
    finish_signing_in(client, full_name="Ash Po")
    client.logout()
    client.post("/accounts/password/reset/", {"email": "ash@finance.gov.au"})
    assert [m.to for m in mailoutbox] == [["ash@finance.gov.au"]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_single_sign_on_still_asks_for_the_second_step(client, oidc_provider, identity_provider, finance):
    """allauth's code step follows every way in: a trainer with an authenticator app who signs in
    with their organisation gives a code before they are signed in, then reaches the admin."""
    trainer = make_user(email="tess.hall@finance.gov.au", full_name="Tess Hall", role=User.Role.TRAINER)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    secret = give_authenticator_app(trainer)
    oidc_provider.add_person("tess", "tess.hall@finance.gov.au", "Tess Hall")

    answer = sso_login(client, oidc_provider, "tess")
    assert answer.status_code == 302 and answer["Location"] == reverse("mfa_authenticate")
    assert not get_user(client).is_authenticated
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302 and get_user(client) == trainer
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == trainer
    assert client.get("/admin/").status_code == 200
