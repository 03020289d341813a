"""The Open Badges 3.0 credential: a W3C Verifiable Credential (data model 2.0) in JSON-LD."""

import hashlib
import re
from datetime import UTC
from decimal import Decimal

import pytest

from certificates.credentials import OB_CONTEXT, VC_CONTEXT
from certificates.services import revoke_certificate
from quizzes.factories import make_course

from .conftest import certificate_without_pdf

XSD_DATETIME_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ABSOLUTE_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")

# A credential is made from the certificate's record, never from its PDF.
pytestmark = pytest.mark.pdf_unread


def credential_of(client, certificate):
    response = client.get(certificate.get_credential_path())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    return response.json()


def ids(node):
    """Every "id" in the document, however deep."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "id":
                yield value
            yield from ids(value)
    elif isinstance(node, list):
        for item in node:
            yield from ids(item)


def test_credential_is_an_open_badge_verifiable_credential(client, certificate):
    credential = credential_of(client, certificate)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == certificate.get_credential_url()
    assert credential["id"].endswith(f"/certificates/verify/{certificate.code}/credential.json")
    assert credential["name"] == "Certificate of completion: Social media basics"
    assert "proof" not in credential  # the signed form is the VC-JWT (test_signed_credentials.py)
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert certificate.get_signed_credential_url() in credential["description"]
    assert certificate.get_verify_url() in credential["description"]


def test_issuer_is_a_profile(client, certificate, settings):
    issuer = credential_of(client, certificate)["issuer"]
    assert issuer["type"] == ["Profile"]
    assert issuer["name"] == "GovSocial Academy"
    # The site as a did:web identifier (its keys at /.well-known/did.json); its address is the url.
    assert issuer["id"] == "did:web:127.0.0.1%3A8000" and settings.SITE_BASE_URL == "http://127.0.0.1:8000"
    assert issuer["url"] == settings.SITE_BASE_URL + "/"


def test_validity_dates_are_utc_datetimes(client, certificate):
    credential = credential_of(client, certificate)
    assert credential["validFrom"] == certificate.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert XSD_DATETIME_UTC.match(credential["validFrom"])
    assert "validUntil" not in credential  # this course does not expire


def test_credential_subject_holds_the_achievement_and_the_learner(client, certificate, course):
    subject = credential_of(client, certificate)["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert "name" not in subject  # the name is on the verification page only
    [identity] = subject["identifier"]
    assert identity["type"] == "IdentityObject"
    assert identity["identityType"] == "emailAddress"
    assert identity["hashed"] is True
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Social media basics"
    assert achievement["description"] == course.summary
    assert achievement["criteria"]["narrative"].startswith("Complete every required lesson")
    assert achievement["achievementType"] == "Certificate"
    assert achievement["id"].startswith(("http://", "https://"))
    assert "creditsAvailable" not in achievement


def test_expiring_course_with_cpd_hours(client, learner):
    course = make_course(title="Renewed yearly")
    course.renewal_months = 12
    course.cpd_hours = Decimal("1.5")
    course.save_revision().publish()
    certificate = certificate_without_pdf(learner, course)
    credential = credential_of(client, certificate)
    assert credential["validUntil"] == certificate.expires_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert credential["validUntil"] > credential["validFrom"]
    assert credential["credentialSubject"]["achievement"]["creditsAvailable"] == 1.5


def test_councillor_credential_names_the_councillor_certificate(client, councillor, course):
    credential = credential_of(client, certificate_without_pdf(councillor, course))
    assert credential["name"].startswith("Councillor certificate of completion")


def test_json_ld_shape_every_id_is_an_absolute_uri_and_no_term_is_empty(client, certificate):
    credential = credential_of(client, certificate)
    found = list(ids(credential))
    assert len(found) >= 4  # credential, issuer, achievement, status entry
    assert all(ABSOLUTE_URI.match(value) for value in found), found

    def no_empty(node):
        if isinstance(node, dict):
            for key, value in node.items():
                assert value not in (None, "", [], {}), key
                no_empty(value)
        elif isinstance(node, list):
            for item in node:
                no_empty(item)

    no_empty(credential)
    # Types are arrays of terms defined by the two contexts (JSON-LD compacted form).
    for node in (credential, credential["issuer"], credential["credentialSubject"]):
        assert isinstance(node["type"], list) and all(isinstance(t, str) for t in node["type"])


@pytest.mark.django_db
def test_revoked_certificate_has_no_credential(client, certificate, trainer):
    revoke_certificate(certificate, trainer, "Mistake")
    response = client.get(certificate.get_credential_path())
    assert response.status_code == 410
    assert response.json()["status"] == "revoked"


def test_the_recipient_is_a_salted_sha256_hash_of_the_email_address(client, certificate, learner):
    identity = credential_of(client, certificate)["credentialSubject"]["identifier"][0]
    salt = certificate.identity_salt
    assert identity["salt"] == salt and re.fullmatch(r"[0-9a-f]{32}", salt)
    expected = hashlib.sha256((learner.email.lower() + salt).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    # A relying party holding the learner's address confirms it; another address does not match.
    other = hashlib.sha256(("someone@example.gov.au" + salt).encode()).hexdigest()
    assert identity["identityHash"] != f"sha256${other}"


def test_each_certificate_has_its_own_salt(client, certificate, other_learner, course):
    second = certificate_without_pdf(other_learner, course)
    assert second.identity_salt != certificate.identity_salt
    first_hash = credential_of(client, certificate)["credentialSubject"]["identifier"][0]["identityHash"]
    second_hash = credential_of(client, second)["credentialSubject"]["identifier"][0]["identityHash"]
    assert first_hash != second_hash


def test_without_an_email_address_the_name_is_hashed(client, certificate, learner):
    type(learner).objects.filter(pk=learner.pk).update(email="")
    certificate.refresh_from_db()
    identity = credential_of(client, certificate)["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256((certificate.learner_name + certificate.identity_salt).encode()).hexdigest()
    assert (identity["identityType"], identity["identityHash"]) == ("name", f"sha256${expected}")


def test_the_learners_name_and_email_appear_nowhere_in_the_credential(client, certificate, learner):
    body = client.get(certificate.get_credential_path()).content.decode()
    assert "Alex Citizen" not in body and "Alex" not in body
    assert learner.email not in body
    # ... and the verification page (the same code, the same link as before) still names them.
    page = client.get(certificate.get_verify_path())
    assert page.status_code == 200
    assert "Alex Citizen" in page.content.decode()
