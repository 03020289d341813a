"""The template editor's "Preview as PDF" button in Chromium: the unsaved form opens as a PDF in a
new tab, and nothing is saved."""

import re

import pytest

from certificates.models import CertificateTemplate
from lms.models import User
from tests.two_step import sign_in_to_admin_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Template-Editor-2026"


def test_preview_button_opens_the_unsaved_template_as_a_pdf(live_server, page):
    ada = User.objects.create_superuser(email="ada@example.gov.au", password=PASSWORD, full_name="Ada Admin")
    template, _ = CertificateTemplate.objects.get_or_create(
        kind="standard", is_default=True, defaults={"name": "Standard certificate"}
    )
    sign_in_to_admin_in_browser(page, live_server.url, ada, PASSWORD)  # password, then a code

    page.goto(f"{live_server.url}/admin/certificates/templates/edit/{template.pk}/")
    page.get_by_label("Heading").fill("Certificate of excellence")
    pdf_responses = []
    page.context.on(
        "response",
        lambda response: (
            pdf_responses.append(response)
            if response.headers.get("content-type") == "application/pdf"
            else None
        ),
    )
    with page.context.expect_page() as new_tab:
        page.get_by_role("button", name=re.compile("Preview as PDF")).click()
    # "commit", not "load": the headless shell, which has no PDF viewer, never fires "load" for a PDF.
    new_tab.value.wait_for_load_state("commit")
    page.wait_for_timeout(500)
    assert pdf_responses, "no PDF came back"
    assert pdf_responses[0].status == 200
    # Check what the server sent (a PDF viewer, where there is one, takes over the body).
    response = pdf_responses[0]
    assert response.request.method == "POST"  # the form, as it was, unsaved
    assert response.headers["content-disposition"].startswith("inline")
    assert int(response.headers["content-length"]) > 10_000
    assert response.frame.page is new_tab.value  # the PDF came to the new tab
    assert "/admin/certificates/templates/preview/" in pdf_responses[0].url
    template.refresh_from_db()
    assert template.heading == "Certificate of completion"  # previewed, not saved
    # The editor is still there, with the change not yet saved.
    assert page.get_by_label("Heading").input_value() == "Certificate of excellence"
