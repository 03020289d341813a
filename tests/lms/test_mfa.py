"""Two-step sign-in (allauth.mfa, lms/mfa.py): setting up an authenticator app with real codes,
recovery codes, the code step's rate limit, and the rule that whoever can reach the Wagtail admin
signs in with two steps first. Learners choose for themselves."""

import base64
import re
from io import StringIO

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from courses.factories import make_user
from lms import services
from lms.mfa import NEEDS_CODE, NEEDS_SET_UP
from lms.models import User
from tests.two_step import (
    PASSWORD,
    authentication_methods,
    give_authenticator_app,
    log_in_with_password,
    recovery_codes,
    sign_in_to_admin,
    totp_code,
)

pytestmark = pytest.mark.django_db


def is_logged_in(client):
    return "_auth_user_id" in client.session


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def make_trainer(email="trainer@example.gov.au", **extra):
    user = make_user(email=email, full_name="Terry Trainer", role=User.Role.TRAINER, **extra)
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def key_on_page(response):
    """The authenticator-app key the set-up page shows (to type in instead of scanning)."""
    return re.search(r'class="totp-key"[^>]*>([A-Z2-7]+)<', response.content.decode()).group(1)


def second_step_authenticators(user):
    return Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES)


# --- setting it up: anyone who wants it ------------------------------------------------------------


def test_a_learner_sets_up_an_authenticator_app_with_a_code_from_it(client, learner):
    log_in_with_password(client, learner.email)
    overview = client.get(reverse("mfa_index"))
    assert "Off." in page_text(overview) and reverse("mfa_activate_totp") in page_text(overview)
    assert reverse("mfa_index") in client.get(reverse("profile")).content.decode()

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = key_on_page(page)
    qr = re.search(
        r'<img class="qr-code" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', page_text(page)
    )
    assert qr and "<svg" in base64.b64decode(qr.group(1)).decode() and "QR code" in qr.group(2)

    wrong = client.post(
        reverse("mfa_activate_totp"), {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "Incorrect code" in page_text(wrong)
    assert not Authenticator.objects.filter(user=learner).exists()
    # The error is tied to the field (a summary link to it, and the message beside it).
    assert 'href="#id_code"' in page_text(wrong) and 'id="id_code_error"' in page_text(wrong)

    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302 and done.url == reverse("mfa_view_recovery_codes")
    assert second_step_authenticators(learner).get().type == Authenticator.Type.TOTP
    codes = client.get(done.url)
    assert all(code in codes.content.decode() for code in recovery_codes(learner))
    assert len(recovery_codes(learner)) == 10
    assert "Continue to the admin" not in page_text(codes)  # a learner has no admin to go to
    assert "(on)" in page_text(client.get(reverse("profile")))


def test_the_next_login_asks_for_a_code_and_refuses_a_wrong_one(client, learner):
    secret = give_authenticator_app(learner)

    response = log_in_with_password(client, learner.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)  # the password alone does not sign in
    code_page = page_text(client.get(response.url))
    assert "Enter your code" in code_page
    assert "Use a security key" not in code_page  # offered only to people who added one

    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert wrong.status_code == 200 and "Incorrect code" in page_text(wrong) and not is_logged_in(client)

    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert right.status_code == 302 and is_logged_in(client)
    assert authentication_methods(client) == ["password", "mfa"]


def test_codes_of_the_neighbouring_30_seconds_count_and_older_ones_do_not(learner):
    secret = give_authenticator_app(learner)
    now = 1_800_000_015  # the middle of a 30-second step; the clock stands still meanwhile
    with time_machine.travel(now, tick=False):
        for at, accepted in ((now - 30, True), (now + 30, True), (now - 90, False), (now + 90, False)):
            client = Client()
            log_in_with_password(client, learner.email)
            response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, at=at)})
            assert (response.status_code == 302) is accepted and is_logged_in(client) is accepted, at - now


def test_a_code_from_the_app_works_once(client, learner):
    secret = give_authenticator_app(learner)
    code = totp_code(secret)
    log_in_with_password(client, learner.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302

    replay = Client()
    log_in_with_password(replay, learner.email)
    refused = replay.post(reverse("mfa_authenticate"), {"code": code})
    assert refused.status_code == 200 and not is_logged_in(replay)


def test_a_recovery_code_signs_in_once(learner):
    give_authenticator_app(learner)
    first, second = recovery_codes(learner)[:2]

    client = Client()
    log_in_with_password(client, learner.email)
    assert client.post(reverse("mfa_authenticate"), {"code": first}).status_code == 302
    assert is_logged_in(client) and first not in recovery_codes(learner)
    assert len(recovery_codes(learner)) == 9

    again = Client()
    log_in_with_password(again, learner.email)
    refused = again.post(reverse("mfa_authenticate"), {"code": first})
    assert refused.status_code == 200 and "Incorrect code" in page_text(refused) and not is_logged_in(again)
    assert again.post(reverse("mfa_authenticate"), {"code": second}).status_code == 302
    assert is_logged_in(again)


def test_the_code_step_is_rate_limited_per_account(client, learner):
    secret = give_authenticator_app(learner)
    log_in_with_password(client, learner.email)
    for _ in range(5):
        assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200

    # Even the right code is refused now (5 wrong codes per 5 minutes: settings' login_failed).
    blocked = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert blocked.status_code == 200 and not is_logged_in(client)
    assert "Too many failed login attempts" in page_text(blocked)
    # From another browser too: the limit is the account's.
    other = Client()
    log_in_with_password(other, learner.email)
    assert other.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 200
    assert not is_logged_in(other)


def test_a_learner_may_turn_it_off_again(client, learner):
    give_authenticator_app(learner)
    sign_in_to_admin(client, learner)  # any two-step login; a learner lands wherever the admin sends them

    turned_off = client.post(reverse("mfa_deactivate_totp"))
    assert turned_off.status_code == 302
    assert not Authenticator.objects.filter(user=learner).exists()  # recovery codes go with it


# --- the admin: two steps first ---------------------------------------------------------------------


def admin_people():
    """Each way of reaching the Wagtail admin."""
    superuser = User.objects.create_superuser(
        email="root@example.gov.au", password=PASSWORD, full_name="Ro Ot"
    )
    services.mark_email_verified(superuser)
    staff = make_user(email="staff@example.gov.au", is_staff=True)
    return {"superuser": superuser, "staff": staff, "trainer": make_trainer()}


@pytest.mark.parametrize("who", ["superuser", "staff", "trainer"])
def test_whoever_can_reach_the_admin_sets_up_an_authenticator_first(client, who):
    person = admin_people()[who]
    log_in_with_password(client, person.email, next_url="/admin/")
    assert is_logged_in(client)

    for path in ("/admin/", "/admin/pages/", reverse("wagtailadmin_account")):
        response = client.get(path)
        assert response.status_code == 302 and response.url == reverse("mfa_activate_totp"), path
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200 and NEEDS_SET_UP in page_text(page)
    # A POST is refused the same way and changes nothing.
    assert client.post("/admin/pages/add/").url == reverse("mfa_activate_totp")
    # Leaving stays possible.
    assert client.post(reverse("wagtailadmin_logout")).url != reverse("mfa_activate_totp")
    client.post(reverse("account_logout"))
    assert not is_logged_in(client)


def test_learners_are_not_forced(client, learner):
    log_in_with_password(client, learner.email)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("profile")).status_code == 200
    # The admin turns them away as before, not towards setting up two-step sign-in.
    response = client.get("/admin/")
    assert response.status_code == 302 and not response.url.startswith("/accounts/2fa/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_trainer_sets_up_the_app_and_goes_straight_on_to_the_admin():
    # Transactional: allauth announces a new authenticator once the transaction commits, and that
    # is when the session is marked as having passed two steps.
    trainer = make_trainer()
    client = Client()
    log_in_with_password(client, trainer.email, next_url="/admin/")
    assert client.get("/admin/").url == reverse("mfa_activate_totp")

    secret = key_on_page(client.get(reverse("mfa_activate_totp")))  # no second password prompt
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.url == reverse("mfa_view_recovery_codes")
    assert "Continue to the admin" in page_text(client.get(done.url))
    assert client.get("/admin/").status_code == 200
    assert authentication_methods(client) == ["password", "mfa"]


def test_admin_login_goes_through_the_code_step(client):
    trainer = make_trainer()
    secret = give_authenticator_app(trainer)

    door = client.get("/admin/pages/")
    assert door.url == reverse("account_login") + "?next=/admin/pages/"
    password_step = log_in_with_password(client, trainer.email, next_url="/admin/pages/")
    assert password_step.url == reverse("mfa_authenticate")
    assert client.get("/admin/pages/").status_code == 302 and not is_logged_in(client)

    code_step = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert code_step.status_code == 302 and code_step.url == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_a_session_that_skipped_the_second_step_is_asked_for_a_code(client):
    # For example a session from before the trainer set up their app on another device.
    trainer = make_trainer()
    secret = give_authenticator_app(trainer)
    client.force_login(trainer)

    response = client.get("/admin/pages/?q=x")
    assert response.status_code == 302
    assert response.url == reverse("mfa_reauthenticate") + "?next=%2Fadmin%2Fpages%2F%3Fq%3Dx"
    assert NEEDS_CODE in page_text(client.get(response.url))

    wrong = client.post(response.url, {"code": "000000"})
    assert wrong.status_code == 200 and client.get("/admin/").status_code == 302
    confirmed = client.post(response.url, {"code": totp_code(secret)})
    assert confirmed.status_code == 302 and confirmed.url == "/admin/pages/?q=x"
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_remove_their_last_authenticator(client):
    trainer = make_trainer()
    sign_in_to_admin(client, trainer)

    page = client.get(reverse("mfa_deactivate_totp"))
    assert "needs two-step sign-in" in page_text(page)
    refused = client.post(reverse("mfa_deactivate_totp"))
    assert refused.status_code == 200 and second_step_authenticators(trainer).count() == 1


def test_staff_with_an_unconfirmed_address_are_told_to_confirm_it_first(client):
    # allauth adds no authenticator to an unconfirmed account (someone who signed up with another
    # person's address must not lock its owner out).
    trainer = make_trainer(email_verified=False)
    services.primary_email_address(trainer)  # allauth's record of it, unconfirmed
    log_in_with_password(client, trainer.email)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    text = page_text(response)
    assert "Confirm your email address before you set up two-step sign-in" in text
    assert reverse("account_email") in text


def test_the_qr_code_is_allowed_by_the_content_security_policy(client, learner):
    log_in_with_password(client, learner.email)
    page = client.get(reverse("mfa_activate_totp"))
    policy = {
        part.split()[0]: part.split()[1:]
        for part in page["Content-Security-Policy"].split(";")
        if part.strip()
    }
    assert "data:" in policy["img-src"]
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()


# --- a locked-out staff member ----------------------------------------------------------------------


def test_reset_mfa_lets_a_locked_out_trainer_set_up_a_new_app(client):
    trainer = make_trainer()
    give_authenticator_app(trainer)
    out = StringIO()

    call_command("reset_mfa", "TRAINER@example.gov.au", stdout=out)

    assert not Authenticator.objects.filter(user=trainer).exists()
    assert "trainer@example.gov.au" in out.getvalue()
    # The password alone signs in again, and the admin sends them to set up a new app.
    response = log_in_with_password(client, trainer.email, next_url="/admin/")
    assert response.url == "/admin/" and is_logged_in(client)
    assert client.get("/admin/").url == reverse("mfa_activate_totp")


def test_reset_two_step_touches_nobody_else():
    trainer, other = make_trainer(), make_user(email="other@example.gov.au")
    give_authenticator_app(trainer)
    give_authenticator_app(other)

    assert services.reset_two_step(trainer) == 2  # the app and the recovery codes
    assert Authenticator.objects.filter(user=other).count() == 2
    assert services.reset_two_step(trainer) == 0


def test_reset_mfa_refuses_an_unknown_address():
    with pytest.raises(CommandError, match="No account"):
        call_command("reset_mfa", "nobody@example.gov.au", stdout=StringIO())


# --- security keys (WebAuthn; the ceremony itself is in tests/e2e/test_security_key_browser.py) -----


def add_security_key(user, name="Work laptop"):
    """A stored security key (what allauth keeps after the browser's ceremony)."""
    return Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name})


def test_someone_with_only_a_security_key_is_asked_for_it(client):
    trainer = make_trainer()
    add_security_key(trainer)
    client.force_login(trainer)  # a session that skipped the second step

    response = client.get("/admin/")
    assert response.url == reverse("mfa_reauthenticate_webauthn") + "?next=%2Fadmin%2F"


def test_staff_may_remove_a_security_key_but_not_their_last_authenticator(client):
    trainer = make_trainer()
    sign_in_to_admin(client, trainer)  # with an authenticator app as well
    first, second = add_security_key(trainer, "Laptop"), add_security_key(trainer, "Phone")
    keys = page_text(client.get(reverse("mfa_list_webauthn")))
    assert "Laptop" in keys and "Phone" in keys

    assert client.post(reverse("mfa_remove_webauthn", args=[first.pk])).status_code == 302
    assert not Authenticator.objects.filter(pk=first.pk).exists()

    Authenticator.objects.filter(
        user=trainer, type=Authenticator.Type.TOTP
    ).delete()  # the key is all that is left
    refused = client.post(reverse("mfa_remove_webauthn", args=[second.pk]), follow=True)
    assert Authenticator.objects.filter(pk=second.pk).exists()
    assert "needs two-step sign-in" in page_text(refused)


def test_nobody_removes_another_persons_security_key(client, learner):
    trainer = make_trainer()
    key = add_security_key(trainer)
    log_in_with_password(client, learner.email)
    assert client.post(reverse("mfa_remove_webauthn", args=[key.pk])).status_code == 404
    assert Authenticator.objects.filter(pk=key.pk).exists()
