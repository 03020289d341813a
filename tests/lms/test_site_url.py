"""One helper for absolute links (lms/site_url.py): SITE_BASE_URL in production, the request's own
address on the embedded default, and the address stored when background work was queued."""

import pytest
from django.core import mail
from django.test import RequestFactory

from certificates.pdf import certificate_html
from certificates.services import issue_certificate, request_render
from courses import offline
from courses.models import LessonPage, ModulePage
from courses.services import enrol
from lms.site_url import SiteURLMiddleware, absolute_url, site_base_url

from ..certificates.test_pdf import pdf_text
from ..conftest import run_on_commit

PRODUCTION = "https://academy.example.gov.au"


@pytest.fixture
def production(settings):
    settings.SITE_BASE_URL = PRODUCTION
    settings.SITE_BASE_URL_FROM_REQUEST = False
    return settings


@pytest.fixture
def embedded(settings):
    settings.SITE_BASE_URL = "http://127.0.0.1:8000"
    settings.SITE_BASE_URL_FROM_REQUEST = True
    return settings


def during_request(host, work, secure=False):
    """Run `work()` inside the middleware for a request to `host`; returns what it returned."""
    request = RequestFactory().get("/", HTTP_HOST=host, secure=secure)
    results = []
    SiteURLMiddleware(lambda request: results.append(work()) or None)(request)
    return results[0]


def test_outside_a_request_it_is_site_base_url(embedded):
    assert site_base_url() == "http://127.0.0.1:8000"
    assert absolute_url("/my-learning/") == "http://127.0.0.1:8000/my-learning/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_on_the_embedded_default_a_request_on_another_port_gives_that_port(embedded):
    assert during_request("127.0.0.1:8123", site_base_url) == "http://127.0.0.1:8123"
    assert (
        during_request("localhost:9000", lambda: absolute_url("/a/"), secure=True)
        == "https://localhost:9000/a/"
    )
    assert site_base_url() == "http://127.0.0.1:8000"  # only for the length of the request


def test_in_production_the_host_header_is_never_used(production):
    assert during_request("evil.example:8123", site_base_url) == PRODUCTION


def test_a_stored_base_wins_over_the_current_one(embedded):
    assert absolute_url("/x/", base="http://127.0.0.1:8123") == "http://127.0.0.1:8123/x/"
    assert absolute_url("/x/", base="") == "http://127.0.0.1:8000/x/"


def test_the_middleware_is_installed(settings):
    assert "lms.site_url.SiteURLMiddleware" in settings.MIDDLEWARE


def test_a_real_request_on_another_port_prints_that_port(client, embedded, learner, course):
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(learner, course))
    # Issued outside a request: it keeps SITE_BASE_URL's address ...
    response = client.get(certificate.get_verify_json_path(), HTTP_HOST="127.0.0.1:8123")
    assert response.json()["verification_url"].startswith("http://127.0.0.1:8000/")
    # ... and one with no stored address (issued before addresses were kept) takes the request's.
    type(certificate).objects.filter(pk=certificate.pk).update(base_url="")
    response = client.get(certificate.get_verify_json_path(), HTTP_HOST="127.0.0.1:8123")
    assert response.json()["verification_url"].startswith("http://127.0.0.1:8123/certificates/verify/")
    credential = client.get(certificate.get_credential_path(), HTTP_HOST="127.0.0.1:8123").json()
    assert credential["issuer"]["url"] == "http://127.0.0.1:8123/"
    assert credential["issuer"]["id"] == "did:web:127.0.0.1%3A8123"  # keys at that address's /.well-known/
    assert credential["id"].startswith("http://127.0.0.1:8123/")


def test_a_certificate_queued_in_a_request_keeps_its_address_for_the_background_render(
    embedded, learner, course
):
    def issue():
        with run_on_commit():  # the render and the email run here, as the worker would: no request
            certificate, _ = issue_certificate(enrol(learner, course))
        return certificate

    certificate = during_request("127.0.0.1:8123", issue)
    certificate.refresh_from_db()
    assert certificate.base_url == "http://127.0.0.1:8123"
    assert certificate.get_verify_url().startswith("http://127.0.0.1:8123/certificates/verify/")
    # Outside any request now, the PDF, its QR code and the email still say port 8123.
    assert "127.0.0.1:8123" in certificate_html(certificate)
    assert "8000" not in certificate_html(certificate)
    text = pdf_text(certificate.pdf.open("rb").read())
    assert "127.0.0.1:8123" in text.replace("\n", "")
    [email] = mail.outbox
    assert "http://127.0.0.1:8123/my-learning/" in email.body
    assert "8000" not in email.body


def test_rendering_again_from_a_later_request_takes_that_requests_address(embedded, learner, course):
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(learner, course))
    during_request("127.0.0.1:8124", lambda: request_render(certificate))
    certificate.refresh_from_db()
    assert certificate.base_url == "http://127.0.0.1:8124"


def test_a_command_outside_a_request_keeps_the_stored_address(embedded, learner, course):
    certificate = during_request("127.0.0.1:8123", lambda: issue_certificate(enrol(learner, course))[0])
    request_render(certificate)  # as `manage.py render_certificates` does, with no request
    certificate.refresh_from_db()
    assert certificate.base_url == "http://127.0.0.1:8123"


def test_in_production_certificates_store_site_base_url(production, learner, course):
    certificate = during_request("evil.example", lambda: issue_certificate(enrol(learner, course))[0])
    assert certificate.base_url == PRODUCTION
    assert certificate.get_verify_url().startswith(PRODUCTION + "/certificates/verify/")


def test_an_offline_copy_rendered_in_a_request_links_to_that_requests_address(embedded, course):
    module = ModulePage.objects.descendant_of(course).first()
    items = [item.specific for item in LessonPage.objects.child_of(module).order_by("path")]
    html = during_request("127.0.0.1:8123", lambda: offline.module_html(module, course, items))
    assert "http://127.0.0.1:8123/courses/" in html
    assert "127.0.0.1:8000" not in html
