"""Accounts through django-allauth: rate limits on every way in, enumeration-safe sign-up and
password reset, email confirmation, and the doors that lead to allauth's login."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from courses.assignments import set_password_url
from courses.factories import make_user
from lms import services
from lms.models import User
from tests.two_step import give_authenticator_app, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-phrase-42"  # make_user's
NEW_PASSWORD = "Harbour-Lights-1987"


def log_in(client, email, password, ip="203.0.113.10", next_url=""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password}, REMOTE_ADDR=ip)


def is_logged_in(client):
    return "_auth_user_id" in client.session


def sign_up_data(email, **overrides):
    return {
        "full_name": "Robin Tran",
        "email": email,
        "role": "public_servant",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def without(content, email):
    return re.sub(re.escape(email), "EMAIL", content.decode(), flags=re.IGNORECASE)


def links_in(message):
    return re.findall(r"http://testserver(/\S+)", message.body)


# --- login: throttled per account and per IP address ---------------------------------------------


def test_failed_logins_lock_the_account_even_from_many_addresses(client, learner):
    for attempt in range(5):
        response = log_in(client, learner.email, "wrong-password", ip=f"198.51.100.{attempt}")
        assert response.status_code == 200 and not is_logged_in(client)

    # The right password, from yet another address: refused while the account is throttled.
    response = log_in(client, learner.email, PASSWORD, ip="198.51.100.99")

    assert response.status_code == 200
    assert not is_logged_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    # Another account is not affected.
    other = make_user(email="other@example.gov.au")
    assert log_in(Client(), other.email, PASSWORD, ip="198.51.100.99").status_code == 302


def test_failed_logins_from_one_address_are_throttled_across_accounts(client, learner):
    for n in range(10):
        log_in(client, f"nobody{n}@example.gov.au", "wrong-password", ip="192.0.2.7")

    blocked = log_in(client, learner.email, PASSWORD, ip="192.0.2.7")
    assert blocked.status_code == 200 and not is_logged_in(client)

    elsewhere = Client()
    assert log_in(elsewhere, learner.email, PASSWORD, ip="192.0.2.8").status_code == 302
    assert is_logged_in(elsewhere)


def test_a_successful_login_does_not_count_as_a_failure(client, learner):
    for _ in range(6):
        assert log_in(Client(), learner.email, PASSWORD).status_code == 302


@pytest.fixture
def trainer():
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def test_the_admin_has_no_login_form_of_its_own(client, trainer):
    # The admin sends visitors to allauth's login page, with the way back.
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=/admin/pages/"
    # Its own login page (and Wagtail's front-end one) forwards there and never logs anyone in.
    for path in (reverse("wagtailadmin_login"), "/_util/login/"):
        response = client.post(
            path + "?next=/admin/pages/", {"username": trainer.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response.url == reverse("account_login") + "?next=/admin/pages/"
        assert not is_logged_in(client)


def test_admin_login_is_throttled_per_account(client, trainer):
    for attempt in range(5):
        log_in(client, trainer.email, "wrong-password", ip=f"198.51.100.{attempt}", next_url="/admin/")

    response = log_in(client, trainer.email, PASSWORD, ip="198.51.100.50", next_url="/admin/")

    assert response.status_code == 200 and not is_logged_in(client)
    assert client.get("/admin/").status_code == 302  # still not in


def test_admin_login_works_and_returns_to_the_admin(client, trainer):
    secret = give_authenticator_app(trainer)
    response = log_in(client, trainer.email, PASSWORD, next_url="/admin/")
    # The admin needs two-step sign-in (tests/lms/test_mfa.py): the code, then back to the admin.
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    response = client.post(response.url, {"code": totp_code(secret)})

    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_password_reset_is_switched_off(client):
    assert client.get("/admin/password_reset/").status_code == 404


# --- sign-up: throttled, enumeration-safe ---------------------------------------------------------


def test_sign_up_is_throttled_per_ip_address(client):
    for _ in range(20):
        assert client.post(reverse("account_signup"), {}, REMOTE_ADDR="192.0.2.20").status_code == 200

    throttled = client.post(
        reverse("account_signup"), sign_up_data("late@example.gov.au"), REMOTE_ADDR="192.0.2.20"
    )

    assert throttled.status_code == 429
    assert b"Too many attempts" in throttled.content
    assert not User.objects.filter(email="late@example.gov.au").exists()
    other_address = Client().post(
        reverse("account_signup"), sign_up_data("late@example.gov.au"), REMOTE_ADDR="192.0.2.21"
    )
    assert other_address.status_code == 302


def test_sign_up_answers_the_same_for_an_existing_address_and_emails_its_owner(client, learner, mailoutbox):
    new = Client().post(reverse("account_signup"), sign_up_data("new.person@example.gov.au"), follow=True)
    existing = Client().post(
        reverse("account_signup"), sign_up_data(learner.email.upper(), full_name="Someone Else"), follow=True
    )

    assert (
        new.redirect_chain == existing.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    )
    # The page is the same apart from echoing the address typed.
    assert without(new.content, "new.person@example.gov.au") == without(existing.content, learner.email)
    assert not is_logged_in(client)
    # Nothing about the existing account changed; its owner is told someone tried.
    learner.refresh_from_db()
    assert learner.full_name == "Alex Citizen" and learner.check_password(PASSWORD)
    assert User.objects.filter(email__iexact=learner.email).count() == 1
    to_owner = [m for m in mailoutbox if m.to == [learner.email]]
    assert len(to_owner) == 1
    assert "already have an account" in to_owner[0].body
    assert "/accounts/password/reset/" in to_owner[0].body
    to_new = [m for m in mailoutbox if m.to == ["new.person@example.gov.au"]]
    assert len(to_new) == 1 and "/accounts/confirm-email/" in to_new[0].body


def test_sign_up_cannot_choose_the_trainer_role(client):
    response = client.post(reverse("account_signup"), sign_up_data("s@example.gov.au", role="trainer"))

    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not User.objects.exists()


# --- password reset: throttled, enumeration-safe ---------------------------------------------------


def test_password_reset_is_throttled_per_account(client, learner, mailoutbox):
    for attempt in range(5):
        response = client.post(
            reverse("account_reset_password"), {"email": learner.email}, REMOTE_ADDR=f"198.51.100.{attempt}"
        )
        assert response.status_code == 302
    assert len(mailoutbox) == 5

    throttled = client.post(
        reverse("account_reset_password"), {"email": learner.email}, REMOTE_ADDR="198.51.100.9"
    )

    assert throttled.status_code == 429
    assert len(mailoutbox) == 5


def test_password_reset_is_throttled_per_ip_address(client, learner, mailoutbox):
    for n in range(20):
        client.post(
            reverse("account_reset_password"), {"email": f"n{n}@example.gov.au"}, REMOTE_ADDR="192.0.2.30"
        )

    throttled = client.post(
        reverse("account_reset_password"), {"email": learner.email}, REMOTE_ADDR="192.0.2.30"
    )

    assert throttled.status_code == 429
    assert not [m for m in mailoutbox if m.to == [learner.email]]


def test_password_reset_answers_the_same_for_an_unknown_address(learner, mailoutbox):
    known = Client().post(reverse("account_reset_password"), {"email": learner.email}, follow=True)
    unknown = Client().post(
        reverse("account_reset_password"), {"email": "nobody@example.gov.au"}, follow=True
    )

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert without(known.content, learner.email) == without(unknown.content, "nobody@example.gov.au")
    (to_owner,) = [m for m in mailoutbox if m.to == [learner.email]]
    assert "/accounts/password/reset/key/" in to_owner.body
    (to_unknown,) = [m for m in mailoutbox if m.to == ["nobody@example.gov.au"]]
    assert "/accounts/password/reset/key/" not in to_unknown.body


# --- email confirmation -------------------------------------------------------------------------------


def test_a_new_learner_confirms_their_email_and_may_learn_before(client, mailoutbox):
    client.post(reverse("account_signup"), sign_up_data("robin@example.gov.au"))
    user = User.objects.get(email="robin@example.gov.au")
    assert not services.email_is_verified(user)

    # They may log in and use the site before confirming.
    assert log_in(Client(), user.email, NEW_PASSWORD).status_code == 302

    (link,) = [link for link in links_in(mailoutbox[-1]) if "/confirm-email/" in link]
    assert client.get(link).status_code == 200
    assert not services.email_is_verified(user)  # a GET (a mail scanner) confirms nothing
    response = client.post(link)

    assert response.status_code == 302
    assert services.email_is_verified(user)
    assert is_logged_in(client)  # the same browser that signed up is logged in
    assert user.full_name == "Robin Tran" and user.role_status == User.RoleStatus.CLAIMED


def test_existing_accounts_were_given_a_confirmed_address():
    # lms/0006 gives every account that existed before allauth a confirmed address. New accounts
    # made outside sign-up have none until they confirm one.
    user = User.objects.create_user(email="fresh@example.gov.au", full_name="Fresh")
    assert not services.email_is_verified(user)
    services.mark_email_verified(user)
    assert services.email_is_verified(user)
    assert EmailAddress.objects.get(user=user).primary


def test_add_trainer_vouches_for_the_address():
    call_command(
        "add_trainer", "t@example.gov.au", "--name", "Terry Trainer", "--password", "Pw-long-enough-1"
    )

    trainer = User.objects.get(email="t@example.gov.au")
    assert services.email_is_verified(trainer)
    assert trainer.role == User.Role.TRAINER and trainer.role_is_confirmed


# --- invitations: the set-password link ----------------------------------------------------------------


def test_an_invitation_link_sets_the_password_and_confirms_the_address(client):
    invited = User.objects.create_user(email="ivy@example.gov.au", full_name="Ivy Invited")
    path = urlsplit(set_password_url(invited)).path

    form = client.get(path, follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    response = client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert services.email_is_verified(invited)


def test_a_reset_does_not_confirm_an_address_when_the_account_has_several(client, learner):
    EmailAddress.objects.filter(user=learner).update(verified=False)
    EmailAddress.objects.create(user=learner, email="second@example.gov.au", verified=False, primary=False)
    path = urlsplit(set_password_url(learner)).path

    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert not services.email_is_verified(learner)


def test_invitation_links_sent_before_allauth_still_work(client):
    invited = User.objects.create_user(email="ivy@example.gov.au", full_name="Ivy Invited")
    old_path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(invited.pk)),
            "token": default_token_generator.make_token(invited),
        },
    )
    assert old_path.startswith("/accounts/password-reset/")

    response = client.get(old_path, follow=True)
    assert b"Choose a new password" in response.content
    client.post(response.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)

    forged = old_path.rsplit("/", 2)[0] + "/not-a-token/"
    assert client.get(forged).url == reverse("account_reset_password")
