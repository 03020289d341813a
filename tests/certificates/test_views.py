import re
from datetime import UTC, timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import issue_certificate, revoke_certificate
from certificates.views import download_filename
from courses.factories import make_user
from courses.services import enrol

from ..conftest import run_on_commit
from .conftest import certificate_for


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def expected_date(certificate):
    issued = timezone.localtime(certificate.issued_at)
    return f"{issued.day} {issued:%B %Y}"


# Download


def test_owner_downloads_the_pdf(client, learner, certificate):
    client.force_login(learner)
    response = client.get(certificate.get_download_path())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="certificate-social-media-basics.pdf"')
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert content(response).startswith(b"%PDF-")


def test_another_learner_gets_404(client, other_learner, certificate):
    client.force_login(other_learner)
    response = client.get(certificate.get_download_path())
    assert response.status_code == 404
    assert response.get("Content-Type") != "application/pdf"


def test_anonymous_visitor_is_sent_to_log_in(client, certificate):
    path = certificate.get_download_path()
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(path)}"


def test_download_rerenders_a_missing_file(client, learner, certificate):
    certificate.pdf.storage.delete(certificate.pdf.name)
    client.force_login(learner)
    with run_on_commit():
        response = client.get(certificate.get_download_path())
    assert response.status_code == 202  # queued again: the worker renders it after the request
    certificate.refresh_from_db()
    assert certificate.pdf.storage.exists(certificate.pdf.name)
    response = client.get(certificate.get_download_path())
    assert response.status_code == 200
    assert content(response).startswith(b"%PDF-")


def test_download_filename_is_an_ascii_slug(certificate):
    certificate.course_title = "Réseaux sociaux: “the basics” / <2026> & more"
    name = download_filename(certificate)
    assert name == "certificate-reseaux-sociaux-the-basics-2026-more.pdf"
    assert name.isascii()
    certificate.course_title = "“”"
    assert download_filename(certificate) == "certificate-course.pdf"


def test_download_refuses_post(client, learner, certificate):
    client.force_login(learner)
    assert client.post(certificate.get_download_path()).status_code == 405


# Public verification


def test_verify_page_is_public_and_shows_the_certificate(client, certificate):
    response = client.get(certificate.get_verify_path())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Certificate verified" in html
    assert "Alex Citizen" in html
    assert "Social media basics" in html
    assert expected_date(certificate) in html
    assert certificate.code in html
    assert '<meta name="robots" content="noindex">' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'lang="en-AU"' in html


def test_verify_page_names_a_councillor_certificate(client, councillor, course):
    certificate = certificate_for(councillor, course)
    html = client.get(certificate.get_verify_path()).content.decode()
    assert "councillor certificate of completion" in html
    assert "Linh Nguyen" in html


def test_verify_page_escapes_the_name(client, course):
    learner = make_user(email="x@example.gov.au", full_name="<script>alert(1)</script> O'Brien")
    html = client.get(certificate_for(learner, course).get_verify_path()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_unknown_code_is_the_sites_own_404_page(client):
    path = "/certificates/verify/not-a-real-code/"
    response = client.get(path)
    missing_page = client.get("/no-such-page-on-this-site/")
    assert response.status_code == missing_page.status_code == 404
    assert [t.name for t in response.templates][0] == "404.html"
    html = response.content.decode()
    assert html == missing_page.content.decode()  # indistinguishable from any missing page
    assert "Page not found" in html
    assert "not-a-real-code" not in html  # the page does not echo what was typed
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert 'lang="en-AU"' in html
    assert "X-Robots-Tag" not in response  # no header a real certificate's page has


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/certificates/verify/not-a-real-code.json", "/certificates/verify/not-a-real-code/credential.json"],
)
def test_the_json_forms_answer_an_unknown_code_with_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not_found", "detail": "No certificate has this number."}
    assert "not-a-real-code" not in response.content.decode()


def test_verify_path_is_the_code(certificate):
    assert certificate.get_verify_path() == f"/certificates/verify/{certificate.code}/"
    assert certificate.get_verify_url() == settings.SITE_BASE_URL + certificate.get_verify_path()


# Issuing


def test_issuing_twice_returns_the_same_certificate(learner, course):
    enrolment = enrol(learner, course)
    first, created = issue_certificate(enrolment)
    assert created is True
    again, created_again = issue_certificate(enrolment)
    assert created_again is False
    assert again.pk == first.pk
    assert again.code == first.code
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert first.learner_name == "Alex Citizen"
    assert first.course_title == "Social media basics"


def test_verify_page_shows_only_name_course_dates_and_status(client, certificate, trainer):
    html = client.get(certificate.get_verify_path()).content.decode()
    assert "Status: valid" in html
    assert certificate.user.email not in html
    assert "Terry Trainer" not in html


def test_verify_page_says_revoked_with_the_date(client, certificate, trainer):
    revoke_certificate(certificate, trainer, "Completed by someone else")
    response = client.get(certificate.get_verify_path())
    html = response.content.decode()
    revoked = timezone.localtime(certificate.revoked_at)
    assert response.status_code == 200
    assert "Certificate revoked" in html
    assert "Status: revoked</strong> on" in html
    assert f"{revoked.day} {revoked:%B %Y}" in html
    assert "Certificate verified" not in html
    assert "Completed by someone else" not in html  # the reason is for trainers only


def test_verify_page_says_expired(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() - timedelta(days=3))
    html = client.get(certificate.get_verify_path()).content.decode()
    assert "Certificate expired" in html
    assert "Status: expired" in html
    assert "Status: valid" not in html


def test_verify_page_says_valid_until_the_expiry(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() + timedelta(days=400))
    html = client.get(certificate.get_verify_path()).content.decode()
    assert "Status: valid</strong> until" in html


def test_verify_json_gives_the_same_answer(client, certificate, trainer):
    response = client.get(certificate.get_verify_json_path())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data == {
        "certificate_number": certificate.code,
        "status": "valid",
        "name": "Alex Citizen",
        "course": "Social media basics",
        "councillor_certificate": False,
        "issued_at": certificate.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "expires_at": None,
        "revoked_at": None,
        "verification_url": certificate.get_verify_url(),
        "credential_url": certificate.get_credential_url(),
        "signed_credential_url": certificate.get_signed_credential_url(),
    }
    assert certificate.get_verify_json_path() == f"/certificates/verify/{certificate.code}.json"

    revoke_certificate(certificate, trainer, "Mistake")
    data = client.get(certificate.get_verify_json_path()).json()
    assert data["status"] == "revoked"
    assert data["revoked_at"].endswith("Z")


@pytest.mark.usefixtures("in_one_rate_window")
def test_verify_is_rate_limited_per_address(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = (5, 60)
    statuses = [client.get(certificate.get_verify_path()).status_code for _ in range(5)]
    assert statuses == [200] * 5
    blocked = client.get(certificate.get_verify_path())
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert "Too many checks" in blocked.content.decode()
    assert certificate.learner_name not in blocked.content.decode()
    # Unknown codes count too (no free guessing), and JSON gets a JSON answer.
    assert client.get("/certificates/verify/guess.json").status_code == 429
    assert client.get(certificate.get_verify_json_path()).json()["error"] == "too_many_requests"
    # Another address has its own allowance.
    assert client.get(certificate.get_verify_path(), REMOTE_ADDR="10.9.8.7").status_code == 200


@pytest.mark.usefixtures("in_one_rate_window")
def test_rate_limit_counts_the_client_behind_a_trusted_proxy(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = (2, 60)
    settings.TRUSTED_PROXY_COUNT = 1
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    assert client.get(certificate.get_verify_path(), **first).status_code == 200
    assert client.get(certificate.get_verify_path(), **first).status_code == 200
    assert client.get(certificate.get_verify_path(), **first).status_code == 429
    # A spoofed left-most entry does not buy a new allowance: the proxy's own entry counts.
    spoofed = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"}
    assert client.get(certificate.get_verify_path(), **spoofed).status_code == 429
    assert client.get(certificate.get_verify_path(), HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


# Download while the PDF is being prepared, failed or revoked


def test_download_says_the_certificate_is_being_prepared_until_ready(client, learner, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(render_status="pending")
    client.force_login(learner)
    response = client.get(certificate.get_download_path())
    assert response.status_code == 202
    assert response["Content-Type"].startswith("text/html")
    assert "Your certificate is being prepared" in response.content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Your certificate is being prepared" in dashboard

    Certificate.objects.filter(pk=certificate.pk).update(render_status="ready")
    assert client.get(certificate.get_download_path())["Content-Type"] == "application/pdf"
    assert "Your certificate is being prepared" not in client.get(reverse("dashboard")).content.decode()


def test_failed_pdf_offers_to_try_again(client, learner, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(render_status="failed", render_attempts=3)
    client.force_login(learner)
    response = client.get(certificate.get_download_path())
    assert response.status_code == 503
    assert "could not be prepared" in response.content.decode()
    with run_on_commit():
        retry = client.post(reverse("certificates:prepare", args=[certificate.code]))
    assert retry.status_code == 302
    certificate.refresh_from_db()
    assert certificate.render_status == "ready"  # the immediate backend rendered it again
    assert client.get(certificate.get_download_path())["Content-Type"] == "application/pdf"


def test_another_learner_cannot_ask_to_render_someone_elses_pdf(client, other_learner, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(render_status="failed")
    client.force_login(other_learner)
    assert client.post(reverse("certificates:prepare", args=[certificate.code])).status_code == 404
    certificate.refresh_from_db()
    assert certificate.render_status == "failed"


def test_revoked_certificate_is_not_downloadable(client, learner, certificate, trainer):
    revoke_certificate(certificate, trainer, "Issued in error")
    client.force_login(learner)
    response = client.get(certificate.get_download_path())
    assert response.status_code == 410
    assert response.get("Content-Type") != "application/pdf"
    assert "revoked" in response.content.decode()


def test_a_certificate_from_before_background_rendering_is_queued_on_download(client, learner, course):
    # As the data migration leaves one issued without a PDF: pending, never queued.
    certificate = Certificate.objects.create(
        user=learner, course=course, learner_name="Alex Citizen", course_title=course.title
    )
    assert (certificate.render_status, certificate.render_generation) == ("pending", 0)
    client.force_login(learner)
    with run_on_commit():
        assert client.get(certificate.get_download_path()).status_code == 202
    certificate.refresh_from_db()
    assert certificate.render_generation == 1
    assert client.get(certificate.get_download_path())["Content-Type"] == "application/pdf"


def test_a_ready_certificate_is_streamed_without_rendering_again(client, learner, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        render_generation=0
    )  # as migrated: ready, generation 0
    name = certificate.pdf.name
    client.force_login(learner)
    assert client.get(certificate.get_download_path())["Content-Type"] == "application/pdf"
    certificate.refresh_from_db()
    assert (certificate.render_generation, certificate.pdf.name) == (0, name)
