"""Machine-readable answers about a certificate: the verification record and an Open Badges 3.0
credential (a W3C Verifiable Credential, data model 2.0, in JSON-LD).

The credential is unsigned: it carries no `proof` and no `credentialStatus`. It says what the
verification page says, and a relying party confirms it by fetching it from this site (its `id`)
or the verification page. Signing it (a Data Integrity proof, eddsa-rdfc-2022, or a VC-JWT) and a
status list for revocation are future work.
"""

from datetime import UTC

from django.conf import settings

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
    }


def _achievement_id(certificate):
    course = certificate.course
    if course is not None:
        url = course.get_url()
        if url:
            return url if url.startswith(("http://", "https://")) else settings.SITE_BASE_URL + url
    return f"{certificate.get_credential_url()}#achievement"


def open_badge_credential(certificate):
    """The certificate as an Open Badges 3.0 OpenBadgeCredential (unsigned)."""
    site = settings.WAGTAIL_SITE_NAME
    site_url = settings.SITE_BASE_URL + "/"
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
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": certificate.get_credential_url(),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{heading}: {certificate.course_title}",
        "description": (
            f"{site} certifies that {certificate.learner_name} completed “{certificate.course_title}”. "
            f"Unsigned: confirm it at {certificate.get_verify_url()}"
        ),
        "issuer": {
            "id": site_url,
            "type": ["Profile"],
            "name": site,
            "url": site_url,
        },
        "validFrom": iso(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.learner_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.learner_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": achievement,
        },
    }
    if certificate.expires_at:
        credential["validUntil"] = iso(certificate.expires_at)
    return credential
