"""The public certificate check in Chromium at 1280 and 390 px (and reflow at 320 px): the form,
its errors, and the verification page it leads to, each checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from courses.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_checking_a_certificate_by_its_number(live_server, page, assert_accessible, width):
    page.set_viewport_size({"width": width, "height": 900})
    learner = make_user(full_name="Priya Raman")
    certificate = Certificate.objects.create(
        user=learner, learner_name="Priya Raman", course_title="Social media basics"
    )
    form_url = live_server.url + "/certificates/verify/"

    page.goto(form_url)
    expect(page.get_by_role("heading", level=1, name="Check a certificate")).to_be_visible()
    assert_accessible(page)
    field = page.get_by_label("Certificate number")

    page.get_by_role("button", name="Check certificate").click()  # nothing typed
    expect(page.get_by_role("alert")).to_contain_text("Enter the certificate number.")
    assert_accessible(page)

    page.get_by_label("Certificate number").fill("AbCdEfGhIjKlMnOpQrStUvWxYz012345")
    page.get_by_role("button", name="Check certificate").click()
    expect(page.get_by_role("alert")).to_contain_text("No certificate has this number")
    expect(page.get_by_label("Certificate number")).to_have_value("AbCdEfGhIjKlMnOpQrStUvWxYz012345")
    assert_accessible(page)

    # Pasted from a PDF, broken over two lines with spaces around: still found.
    field = page.get_by_label("Certificate number")
    field.fill(f"  {certificate.code[:16]} {certificate.code[16:]}  ")
    field.press("Enter")
    page.wait_for_url(re.compile(re.escape(certificate.get_verify_path()) + "$"))
    expect(page.get_by_role("heading", level=1, name="Certificate verified")).to_be_visible()
    expect(page.locator(".certificate-code")).to_have_text(certificate.code)
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    assert len(assert_accessible.checked) == 4


def test_the_certificate_number_wraps_at_320_px(live_server, page):
    page.set_viewport_size({"width": 320, "height": 800})
    learner = make_user(full_name="Priya Raman")
    certificate = Certificate.objects.create(
        user=learner, learner_name="Priya Raman", course_title="Social media basics"
    )
    page.goto(live_server.url + certificate.get_verify_path())
    code = page.locator(".certificate-code")
    expect(code).to_have_text(certificate.code)
    box = code.bounding_box()
    assert box["x"] + box["width"] <= 320
    assert no_horizontal_scroll(page)
    page.goto(live_server.url + "/certificates/verify/?code=" + "x" * 64)
    expect(page.get_by_role("alert")).to_be_visible()
    assert no_horizontal_scroll(page)
