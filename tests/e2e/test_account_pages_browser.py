"""allauth's account pages in Chromium, each checked with axe-core: login (with an error), password
reset (request, sent, choose a new password), email addresses, password change, log out."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from courses.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Accessible-Accounts-1"
NEW_PASSWORD = "Accessible-Accounts-2"


def test_account_pages_are_accessible(live_server, page, assert_accessible):
    learner = make_user(email="pat.lee@example.gov.au", password=PASSWORD, email_verified=False)
    base = live_server.url

    page.goto(base + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_role("heading", level=1, name="Reset your password").wait_for()
    assert_accessible(page)
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", level=1, name="Check your email").wait_for()
    assert_accessible(page)

    (message,) = [m for m in mail.outbox if m.to == [learner.email]]
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", message.body).group(1)
    page.goto(base + link)
    page.get_by_role("heading", level=1, name="Choose a new password").wait_for()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    page.get_by_role("heading", level=1, name="Password saved").wait_for()
    assert_accessible(page)

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))

    page.goto(base + "/accounts/email/")
    expect(page.get_by_text("Confirmed").first).to_be_visible()  # the reset link proved the address
    assert_accessible(page)
    page.goto(base + "/accounts/password/change/")
    assert_accessible(page)
    page.goto(base + "/accounts/logout/")
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    page.wait_for_url(base + "/")
    assert len(assert_accessible.checked) == 9
