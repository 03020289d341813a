"""Security keys (WebAuthn, fido2) in Chromium, offline: Chromium's virtual authenticator (DevTools
protocol: WebAuthn.enable, WebAuthn.addVirtualAuthenticator) stands in for a key or a passkey. A
trainer adds it, and the next login's second step is the key instead of a code. The live server is
http://localhost:<port>: a secure context for WebAuthn, and the relying party ID is "localhost"."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from courses.factories import make_user
from lms.models import User
from tests.two_step import PASSWORD, sign_in_to_admin_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def add_virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return cdp, authenticator_id


def test_a_trainer_adds_a_security_key_and_signs_in_with_it(live_server, page, assert_accessible):
    assert live_server.url.startswith("http://localhost:")
    trainer = make_user(email="terry@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    cdp, authenticator_id = add_virtual_authenticator(page)
    sign_in_to_admin_in_browser(page, live_server.url, trainer)  # password, then an app code
    page.goto(live_server.url + "/accounts/2fa/")
    # Script errors on our pages (allauth's WebAuthn script reports a refused ceremony there).
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    assert_accessible(page)
    page.get_by_role("link", name="Add a security key").click()
    page.get_by_role("heading", level=1, name="Add a security key").wait_for()
    assert_accessible(page)
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_role("button", name="Add the key").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/$"))
    assert not errors, errors
    key = Authenticator.objects.get(user=trainer, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Work laptop"
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1 and credentials[0]["rpId"] == "localhost"
    page.get_by_role("link", name="Manage security keys").click()
    page.get_by_role("cell", name="Work laptop", exact=True).wait_for()
    assert_accessible(page)

    # Log out; this time the second step is the key.
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email address").fill(trainer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", level=1, name="Enter your code").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    key.refresh_from_db()
    assert key.last_used_at is not None
