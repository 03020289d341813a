"""The learner journey in a real Chromium, with an axe-core check on every learner page."""

import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from courses.factories import make_user
from lms.models import User
from lms.services import confirm_role
from quizzes.factories import make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_up_to_verified_certificate_in_a_browser(live_server, page, assert_accessible):
    course = make_course(title="Posting with care")
    base = live_server.url

    page.goto(base + "/")
    assert_accessible(page)
    page.get_by_role("link", name="Courses", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Posting with care").click()
    assert_accessible(page)

    # Sign up (first with a mistake, to check the error page too).
    page.get_by_role("link", name="Sign up", exact=True).first.click()
    page.get_by_label("Full name").fill("Robin Tran")
    page.get_by_label("Email address").fill("robin.tran@council.nsw.gov.au")
    page.get_by_label("I am a").select_option("councillor")
    page.get_by_label("Password", exact=True).fill("Correct-Horse-Battery-9")
    page.get_by_label("Password confirmation").fill("does-not-match")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Full name").input_value() == "Robin Tran"
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill("Correct-Horse-Battery-9")
    page.get_by_label("Password confirmation").fill("Correct-Horse-Battery-9")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", level=1, name="Check your email").wait_for()
    assert_accessible(page)

    # Confirm the address from the email (in the same browser, which logs the learner in).
    (message,) = [m for m in mail.outbox if m.to == ["robin.tran@council.nsw.gov.au"]]
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(base + link)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my email address").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))
    assert_accessible(page)
    # A trainer confirms the councillor role (the Account approvals queue in the admin).
    learner = User.objects.get(email="robin.tran@council.nsw.gov.au")
    confirm_role(learner, make_user(email="trainer@example.gov.au", role=User.Role.TRAINER))

    # Enrol and read the lesson.
    page.goto(base + course.url)
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("heading", level=1, name="Knowledge lesson 1").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as complete and continue").click()

    # The quiz: start, answer, submit.
    page.get_by_role("heading", level=1, name=re.compile("quiz")).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit answers").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Submit answers").click()  # unanswered: an error, nothing marked
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Pause and check the facts").check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("you passed").wait_for()
    assert_accessible(page)

    # The certificate on My learning: download it and verify it.
    page.get_by_role("link", name="Go to My learning").click()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("download the PDF")).click()
    pdf_path = download_info.value.path()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(open(pdf_path, "rb").read())).pages)
    assert "Robin Tran" in re.sub(r"\s+", " ", text)

    certificate = Certificate.objects.get(user__email="robin.tran@council.nsw.gov.au")
    assert certificate.is_councillor
    page.get_by_role("link", name=re.compile("public verification page")).click()
    page.get_by_text("Robin Tran").first.wait_for()
    assert_accessible(page)
    assert len(assert_accessible.checked) >= 13
