"""Machine-readable answers about a certificate: the verification record and an Open Badges 3.0
credential (a W3C Verifiable Credential, data model 2.0), plus the revocation status lists.

The credential is served as JSON-LD (credential.json) and signed, as a VC-JWT (credential.jwt,
certificates/signing.py); both say the same. Its issuer is the site's did:web identifier, whose
keys are published at /.well-known/did.json and /.well-known/jwks.json. Its credentialStatus points
to its bit in a Bitstring Status List (certificates/status_list.py), itself a signed credential.
The learner is named on the verification page only: the credential identifies them by a salted
hash of their email address (or, without one, their name), with a salt per certificate
(Certificate.identity_salt), as the Open Badges specification recommends.
"""

from datetime import UTC

from django.conf import settings
from django.utils import timezone

from lms.site_url import absolute_url

from .signing import issuer_did
from .status_list import PURPOSE, credential_status, encode_bitstring, revoked_indexes, status_list_url

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def iso(moment):
    """An XML Schema dateTime in UTC: 2026-11-21T23:59:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def verification_record(certificate, now=None):
    """What the public verification page shows, as data."""
    status = certificate.status(now)
    return {
        "certificate_number": certificate.code,
        "status": status,
        "name": certificate.learner_name,
        "course": certificate.course_title,
        "councillor_certificate": certificate.is_councillor,
        "issued_at": iso(certificate.issued_at),
        "expires_at": iso(certificate.expires_at),
        "revoked_at": iso(certificate.revoked_at),
        "verification_url": certificate.get_verify_url(),
        "credential_url": certificate.get_credential_url(),
        "signed_credential_url": certificate.get_signed_credential_url(),
    }


def _achievement_id(certificate):
    course = certificate.course
    if course is not None:
        url = course.get_url()
        if url:
            return absolute_url(url, base=certificate.base_url)
    return f"{certificate.get_credential_url()}#achievement"


def open_badge_credential(certificate):
    """The certificate as an Open Badges 3.0 OpenBadgeCredential (sign it with signing.sign_credential)."""
    site = settings.WAGTAIL_SITE_NAME
    site_url = absolute_url("/", base=certificate.base_url)
    heading = (
        "Councillor certificate of completion" if certificate.is_councillor else "Certificate of completion"
    )
    course_summary = getattr(certificate.course, "summary", "") if certificate.course_id else ""
    achievement = {
        "id": _achievement_id(certificate),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": certificate.course_title,
        "description": course_summary or f"Completion of the {site} course “{certificate.course_title}”.",
        "criteria": {
            "narrative": (
                "Complete every required lesson and practice task of the course and pass its "
                "assessments, as recorded by " + site + "."
            )
        },
        "inLanguage": "en-AU",
    }
    if certificate.has_cpd_hours:
        # creditsAvailable: credit hours awarded for the achievement (here CPD hours).
        achievement["creditsAvailable"] = float(certificate.cpd_hours)
    identity_type, identity_hash = certificate.identity_hash()
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": certificate.get_credential_url(),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{heading}: {certificate.course_title}",
        "description": (
            f"{site} certifies that the holder completed “{certificate.course_title}”. "
            f"Signed copy: {certificate.get_signed_credential_url()}; "
            f"confirm it at {certificate.get_verify_url()}"
        ),
        "issuer": {
            "id": issuer_did(certificate.base_url),
            "type": ["Profile"],
            "name": site,
            "url": site_url,
        },
        "validFrom": iso(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash,
                    "identityType": identity_type,
                    "hashed": True,
                    "salt": certificate.identity_salt,
                }
            ],
            "achievement": achievement,
        },
    }
    if certificate.expires_at:
        credential["validUntil"] = iso(certificate.expires_at)
    if certificate.status_list_index is not None:
        credential["credentialStatus"] = credential_status(certificate)
    return credential


def status_list_credential(number):
    """Revocation status list `number` as a BitstringStatusListCredential (to be signed), as of now."""
    url = status_list_url(number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": iso(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode_bitstring(revoked_indexes(number)),
        },
    }
