"""Two-step sign-in in Chromium: a trainer is sent from the admin to set up an authenticator app,
types a code computed from the key the page shows, saves the recovery codes and reaches the admin;
the next login asks for a code (a recovery code here). Every page of ours is checked with axe-core."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from courses.factories import make_user
from lms.models import User
from tests.two_step import PASSWORD, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, base, email):
    page.goto(base + "/admin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_trainer_sets_up_an_authenticator_app_and_reaches_the_admin(live_server, page, assert_accessible):
    trainer = make_user(email="terry@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    base = live_server.url

    log_in(page, base, trainer.email)
    # The admin sends them to set up an authenticator app first, and says why.
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    page.get_by_text("needs two-step sign-in").wait_for()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    key = page.locator(".totp-key").inner_text().strip()

    page.get_by_label("Code").fill("000000" if totp_code(key) != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Incorrect code")
    assert_accessible(page)

    page.get_by_label("Code").fill(totp_code(key))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_role("heading", level=1, name="Your recovery codes").wait_for()
    assert_accessible(page)
    codes = page.get_by_role("list", name="Unused recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10

    page.get_by_role("link", name="Continue to the admin").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("link", name=re.compile("Pages")).first).to_be_visible()

    # Log out; the next login asks for a code after the password: a recovery code works too.
    page.context.clear_cookies()
    log_in(page, base, trainer.email)
    page.get_by_role("heading", level=1, name="Enter your code").wait_for()
    assert_accessible(page)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
