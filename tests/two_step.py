"""Two-step sign-in for tests: real codes from a known secret, and `sign_in_to_admin`, which logs a
person in the way a browser does (allauth's login form, then a code from their authenticator app),
so admin tests pass through the enforcement in lms/mfa.py instead of around it.

Codes are computed with RFC 6238 (HMAC-SHA1 over the 30-second time step), written out here rather
than taken from allauth, so a test would notice if allauth's check drifted from what phones do.
"""

import base64
import hashlib
import hmac
import re
import struct
import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.contrib.messages.storage.cookie import CookieStorage
from django.urls import reverse

from lms import mfa

# A fixed authenticator-app key for test users (base32, 160 bits, as allauth generates).
TEST_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "a-Long-pass-phrase-42"  # noqa: S105 - courses.factories.make_user's default


def totp_code(secret, at=None, step=30, digits=6):
    """The code an authenticator app shows for `secret` at time `at` (now by default)."""
    counter = int(time.time() if at is None else at) // step
    key = base64.b32decode(secret.replace(" ", "").upper())
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def give_authenticator_app(user, secret=TEST_SECRET):
    """Set up an authenticator app (with recovery codes) for `user`, as if they had scanned
    `secret`; returns the secret. A user who already has one keeps it."""
    mfa.give_authenticator_app(user, secret)
    return decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])


def recovery_codes(user):
    """The person's unused recovery codes."""
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return codes.wrap().get_unused_codes()


def log_in_with_password(client, email, password=PASSWORD, next_url=""):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data)


def sign_in_to_admin(client, user, password=PASSWORD):
    """Log `user` in through allauth's login and code step, as a browser does (setting up an
    authenticator app first if they have none, and the factories' password if theirs differs).
    Afterwards the admin opens for them as far as their permissions go."""
    secret = give_authenticator_app(user)
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    if "_auth_user_id" in client.session:  # switching account: log out first, as people do
        client.post(reverse("account_logout"))
    response = log_in_with_password(client, user.email, password, next_url=reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"), response
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    if response.status_code == 200:
        # allauth accepts each code once: a second sign-in within the same 30 seconds uses a
        # recovery code, as a person would.
        response = client.post(reverse("mfa_authenticate"), {"code": recovery_codes(user)[0]})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"), response
    assert int(client.session["_auth_user_id"]) == user.pk
    # The admin home would show (and so use up) the login's "Successfully signed in" message;
    # dropping it as that page would leaves the messages of what the test does next on their own,
    # without rendering the admin home for every admin test (most of a sign-in's time).
    client.cookies.pop(CookieStorage.cookie_name, None)
    session = client.session
    if session.pop("_messages", None) is not None:
        session.save()
    return response


def authentication_methods(client):
    """The steps allauth recorded for the client's session: ["password", "mfa"] after a two-step login."""
    return [record["method"] for record in client.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])]


def sign_in_to_admin_in_browser(page, base_url, user, password=PASSWORD):
    """`sign_in_to_admin` in Chromium (Playwright): the admin's login, then the code step."""
    secret = give_authenticator_app(user)
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()  # allauth's login, via /admin/login/
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
