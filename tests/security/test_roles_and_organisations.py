"""Organisations are managed (verified email domains, memberships a trainer approves) and roles
are claims until confirmed; trainers work through the Account approvals queue."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from courses.factories import make_user
from lms import services
from lms.models import MembershipRequest, Organisation, OrganisationDomain, User
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

PASSWORD = "Harbour-Lights-1987"


@pytest.fixture
def finance():
    organisation = Organisation.objects.create(name="Department of Finance")
    OrganisationDomain.objects.create(organisation=organisation, domain="finance.gov.au")
    return organisation


@pytest.fixture
def ballarat():
    return Organisation.objects.create(name="City of Ballarat", kind=Organisation.Kind.COUNCIL)


@pytest.fixture
def trainer():
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def sign_up(email, organisation=None, role="public_servant", client=None):
    client = client or Client()
    data = {
        "full_name": "Robin Tran",
        "email": email,
        "role": role,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    if organisation is not None:
        data["organisation"] = organisation.pk
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return User.objects.get(email__iexact=email)


def confirm_email(client, mailoutbox, email):
    (message,) = [m for m in mailoutbox if m.to == [email]]
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)
    assert client.post(link).status_code == 302


# --- verified email domains ---------------------------------------------------------------------------


def test_a_confirmed_address_at_a_verified_domain_joins_the_organisation(finance, ballarat, mailoutbox):
    client = Client()
    # Choosing another organisation does not matter: the domain decides.
    user = sign_up("Kim.Nguyen@Finance.gov.au", organisation=ballarat, client=client)
    assert user.organisation is None  # not before the address is confirmed
    assert not MembershipRequest.objects.exists()

    confirm_email(client, mailoutbox, "kim.nguyen@finance.gov.au")

    user.refresh_from_db()
    assert user.organisation == finance
    assert not MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING).exists()


def test_subdomains_and_lookalikes_do_not_join(finance, mailoutbox):
    for email in ("a@staff.finance.gov.au", "b@notfinance.gov.au", "c@finance.gov.au.example.com"):
        client = Client()
        sign_up(email, client=client)
        confirm_email(client, mailoutbox, email)
        assert User.objects.get(email=email).organisation is None, email


def test_an_unconfirmed_address_never_joins_by_domain(finance):
    user = make_user(email="someone@finance.gov.au", email_verified=False)

    assert services.join_by_verified_domain(user) is None
    services.place_new_member(user)

    user.refresh_from_db()
    assert user.organisation is None


def test_a_domain_belongs_to_one_organisation_and_is_stored_in_lower_case(finance, ballarat):
    domain = OrganisationDomain(organisation=ballarat, domain="Ballarat.VIC.gov.au")
    domain.full_clean()
    domain.save()
    assert domain.domain == "ballarat.vic.gov.au"
    with pytest.raises(ValidationError):
        OrganisationDomain(organisation=ballarat, domain="finance.gov.au").full_clean()
    for bad in ("@finance.gov.au", "nodot", ".gov.au", "a b.gov.au"):
        with pytest.raises(ValidationError):
            OrganisationDomain(organisation=ballarat, domain=bad).full_clean()


# --- memberships a trainer approves -------------------------------------------------------------------


def test_choosing_an_organisation_at_sign_up_waits_for_a_trainer(client, ballarat, trainer):
    user = sign_up("robin@gmail.example", organisation=ballarat)
    assert user.organisation is None
    membership = MembershipRequest.objects.get(user=user)
    assert membership.is_pending and membership.organisation == ballarat

    sign_in_to_admin(client, trainer)
    queue = client.get(reverse("account_approvals:index"))
    assert queue.status_code == 200
    assert b"robin@gmail.example" in queue.content
    response = client.post(
        reverse("account_approvals:decide_membership", args=[membership.pk]), {"decision": "approve"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    membership.refresh_from_db()
    assert user.organisation == ballarat
    assert membership.status == MembershipRequest.Status.APPROVED and membership.decided_by == trainer
    assert b"robin@gmail.example" not in client.get(reverse("account_approvals:index")).content


def test_a_rejected_membership_leaves_the_learner_where_they_were(client, ballarat, trainer, learner):
    membership = services.request_membership(learner, ballarat)
    sign_in_to_admin(client, trainer)

    client.post(reverse("account_approvals:decide_membership", args=[membership.pk]), {"decision": "reject"})
    # A second decision changes nothing.
    client.post(reverse("account_approvals:decide_membership", args=[membership.pk]), {"decision": "approve"})

    learner.refresh_from_db()
    membership.refresh_from_db()
    assert learner.organisation is None
    assert membership.status == MembershipRequest.Status.REJECTED


def test_no_organisation_is_created_from_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Robin Tran",
            "email": "robin@example.gov.au",
            "role": "public_servant",
            "organisation": "Ministry of Made Up Things",
            "organisation_name": "Ministry of Made Up Things",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200  # not a choice from the list
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


# --- the learner's details: no moving themselves ------------------------------------------------------


def test_a_learner_cannot_set_their_organisation_or_role_from_their_details(client, learner, ballarat):
    client.force_login(learner)

    response = client.post(
        reverse("profile"),
        {
            "full_name": "Alex  Citizen-Smith ",
            "organisation": ballarat.pk,
            "role": User.Role.COUNCILLOR,
            "role_status": User.RoleStatus.CONFIRMED,
            "is_staff": "on",
        },
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.full_name == "Alex Citizen-Smith"
    assert learner.organisation is None
    assert learner.role == User.Role.PUBLIC_SERVANT and learner.role_status == User.RoleStatus.CLAIMED
    assert not learner.is_staff
    assert not MembershipRequest.objects.exists()


def test_a_learner_asks_to_change_organisation(client, learner, ballarat, finance):
    learner.organisation = finance
    learner.save()
    client.force_login(learner)

    page = client.get(reverse("profile"))
    assert page.status_code == 200 and b"Ask to change" in page.content
    response = client.post(reverse("profile"), {"request_organisation": "1", "organisation": ballarat.pk})

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.organisation == finance  # until a trainer approves
    assert MembershipRequest.objects.get(user=learner).organisation == ballarat
    assert b"waiting for a trainer" in client.get(reverse("profile")).content


# --- roles: claims and confirmations ---------------------------------------------------------------------


def test_a_councillor_claim_waits_in_the_queue_until_a_trainer_confirms_it(client, trainer):
    user = sign_up("cr.lee@council.example", role="councillor")
    assert user.claims_councillor and not user.is_councillor
    assert list(services.pending_role_claims()) == [user]

    sign_in_to_admin(client, trainer)
    assert b"cr.lee@council.example" in client.get(reverse("account_approvals:index")).content
    client.post(reverse("account_approvals:decide_role", args=[user.pk]), {"decision": "confirm"})

    user.refresh_from_db()
    assert user.is_councillor
    assert user.role_reviewed_by == trainer and user.role_reviewed_at is not None
    assert not services.pending_role_claims().exists()


def test_a_rejected_claim_leaves_the_queue_and_is_not_a_councillor(client, trainer):
    user = make_user(email="cr@example.gov.au", role=User.Role.COUNCILLOR, role_confirmed=False)
    sign_in_to_admin(client, trainer)

    client.post(reverse("account_approvals:decide_role", args=[user.pk]), {"decision": "reject"})

    user.refresh_from_db()
    assert user.role_status == User.RoleStatus.REJECTED and not user.is_councillor
    assert not services.pending_role_claims().exists()


def test_an_administrator_setting_a_role_confirms_it(client):
    admin = User.objects.create_superuser(
        email="admin@example.gov.au", password=PASSWORD, full_name="Ada Admin"
    )
    learner = make_user(email="cr@example.gov.au", role=User.Role.PUBLIC_SERVANT, role_confirmed=False)
    sign_in_to_admin(client, admin)

    response = client.post(
        reverse("wagtailusers_users:edit", args=(learner.pk,)),
        {
            "email": learner.email,
            "full_name": learner.full_name,
            "role": User.Role.COUNCILLOR,
            "organisation": "",
            "is_active": "on",
            "password1": "",
            "password2": "",
            "groups": [],
        },
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    learner.refresh_from_db()
    assert learner.is_councillor and learner.role_reviewed_by == admin


# --- the queue is for holders of lms.review_accounts ------------------------------------------------------


def test_the_queue_refuses_learners_and_admin_users_without_the_permission(client, learner, ballarat):
    claim = make_user(email="cr@example.gov.au", role=User.Role.COUNCILLOR, role_confirmed=False)
    membership = services.request_membership(learner, ballarat)
    editor = make_user(email="editor@example.gov.au", full_name="Eddie Editor")
    editors = Group.objects.create(name="Admin without approvals")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(editors)

    learner_client = Client()
    learner_client.force_login(learner)
    refused = learner_client.get(reverse("account_approvals:index"))
    assert refused.status_code == 302 and refused.url.startswith(reverse("account_login"))
    sign_in_to_admin(client, editor)
    assert b"Account approvals" not in client.get(reverse("wagtailadmin_home")).content
    # Wagtail answers a refused admin view (PermissionDenied, a 403) with a redirect to the
    # dashboard and an error message.
    refused = client.get(reverse("account_approvals:index"))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    for who in (learner_client, client):  # the learner, then the editor (signed in above)
        confirm = who.post(reverse("account_approvals:decide_role", args=[claim.pk]), {"decision": "confirm"})
        approve = who.post(
            reverse("account_approvals:decide_membership", args=[membership.pk]), {"decision": "approve"}
        )
        assert confirm.status_code == approve.status_code == 302
        assert not confirm.url.startswith(reverse("account_approvals:index"))
    # The same views answer 403 where Wagtail does not turn it into a redirect (background requests).
    assert (
        client.get(reverse("account_approvals:index"), HTTP_X_REQUESTED_WITH="XMLHttpRequest").status_code
        == 403
    )

    claim.refresh_from_db()
    learner.refresh_from_db()
    assert not claim.is_councillor
    assert learner.organisation is None


def test_trainers_see_the_queue_in_the_menu(client, trainer):
    sign_in_to_admin(client, trainer)
    home = client.get(reverse("wagtailadmin_home"))
    assert b"Account approvals" in home.content
    assert trainer.has_perm("lms.review_accounts")
