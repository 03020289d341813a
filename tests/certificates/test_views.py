import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import issue_certificate
from certificates.views import download_filename
from courses.factories import make_user
from courses.services import enrol

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
    response = client.get(certificate.get_download_path())
    assert response.status_code == 200
    assert content(response).startswith(b"%PDF-")
    certificate.refresh_from_db()
    assert certificate.pdf.storage.exists(certificate.pdf.name)


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
def test_unknown_code_is_a_plain_404(client):
    response = client.get("/certificates/verify/not-a-real-code/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Certificate not found" in html
    assert "not-a-real-code" not in html  # the page does not echo what was typed
    assert '<meta name="robots" content="noindex">' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1


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
