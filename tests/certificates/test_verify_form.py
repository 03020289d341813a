"""The public form at /certificates/verify/: type or paste a certificate number to check it."""

import re

import pytest
from django.urls import reverse

from certificates.models import parse_certificate_code

FORM = "/certificates/verify/"
# Checking a certificate's number reads its record, never its PDF.
pytestmark = pytest.mark.pdf_unread


def test_the_form_page_is_public_and_labels_its_field(client, db):
    response = client.get(FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1 and "Check a certificate" in html
    assert '<label for="id_code">Certificate number</label>' in html
    assert 'method="get"' in html and 'action="/certificates/verify/"' in html
    assert "error-summary" not in html  # an empty form is not an error
    assert reverse("certificates:verify_form") == FORM


def test_a_known_number_goes_to_its_verification_page(client, certificate):
    response = client.get(FORM, {"code": certificate.code})
    assert response.status_code == 302
    assert response["Location"] == certificate.get_verify_path()


@pytest.mark.parametrize(
    "typed",
    [
        "  {code}  ",  # spaces around
        "{head} {tail}",  # broken over two lines in a PDF, or typed in groups
        "{head}\n{tail}",
        "{head}\u00ad{tail}",  # a soft hyphen copied from the PDF
        "http://testserver/certificates/verify/{code}/",  # the link pasted instead
        "https://academy.example/certificates/verify/{code}.json",
    ],
)
def test_a_pasted_number_is_cleaned_up(client, certificate, typed):
    code = certificate.code
    value = typed.format(code=code, head=code[:16], tail=code[16:])
    response = client.get(FORM, {"code": value})
    assert response.status_code == 302
    assert response["Location"] == certificate.get_verify_path()


def test_case_is_part_of_the_number(client, certificate):
    swapped = certificate.code.swapcase()
    assert parse_certificate_code(swapped) == swapped  # kept as typed, never folded
    response = client.get(FORM, {"code": swapped})
    assert response.status_code == 404
    assert "No certificate has this number" in response.content.decode()


def test_an_unknown_number_is_answered_on_the_form(client, db):
    response = client.get(FORM, {"code": "AbCdEfGhIjKlMnOpQrStUvWxYz012345"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "No certificate has this number" in html
    assert 'class="error-summary"' in html and 'href="#id_code"' in html
    assert 'aria-invalid="true"' in html or 'id="id_code_error"' in html
    assert 'value="AbCdEfGhIjKlMnOpQrStUvWxYz012345"' in html  # kept, to correct it
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the certificate number."),
        ("   ", "Enter the certificate number."),
        ("abc/def<script>", "That is not a certificate number."),
        ("x" * 301, "That is longer than a certificate number."),
    ],
)
def test_a_malformed_number_gets_a_clear_error(client, db, typed, message):
    response = client.get(FORM, {"code": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>" not in html  # what was typed is escaped


@pytest.mark.usefixtures("in_one_rate_window")
def test_the_form_is_rate_limited_like_the_verification_page(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = (3, 60)
    for _ in range(3):
        assert client.get(FORM, {"code": "AbCdEfGhIjKlMnOpQrStUvWxYz012345"}).status_code == 404
    limited = client.get(FORM, {"code": certificate.code})
    assert limited.status_code == 429
    assert "Too many checks" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0
    # Opening the empty form is not a check.
    assert client.get(FORM).status_code == 200


def test_the_verification_page_links_back_to_the_form(client, certificate):
    html = client.get(certificate.get_verify_path()).content.decode()
    assert f'href="{FORM}"' in html and "Check another certificate" in html
