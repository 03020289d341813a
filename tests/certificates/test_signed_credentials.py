"""Signed Open Badges 3.0 credentials (VC-JWT, Ed25519) and the Bitstring Status List.

Every signature is checked by an independent verifier: PyJWT (not joserfc, which signs), with the
key it finds in the JWKS fetched from the site, as a relying party would. The status lists are
decoded here by hand (multibase "u", base64url, GZIP), not with the code that encodes them."""

import base64
import gzip
import importlib
import json

import jwt
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from certificates import models as certificate_models
from certificates.models import STATUS_LIST_SIZE, Certificate, CredentialSigningKey
from certificates.services import reinstate_certificate, revoke_certificate
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

from .conftest import certificate_without_pdf

# A credential is made from the certificate's record, never from its PDF.
pytestmark = [pytest.mark.django_db, pytest.mark.pdf_unread]

ISSUER = "did:web:127.0.0.1%3A8000"  # SITE_BASE_URL in the test settings: http://127.0.0.1:8000


def b64url_json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def path_of(url):
    assert url.startswith("http://127.0.0.1:8000/"), url
    return url.removeprefix("http://127.0.0.1:8000")


def signed_credential(client, certificate):
    response = client.get(certificate.get_signed_credential_path())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    return response.content.decode()


def verify(client, token):
    """What a relying party does: read the kid, fetch the issuer's JWKS, check with PyJWT."""
    header = b64url_json(token.split(".")[0])
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    [jwk] = [key for key in response.json()["keys"] if key["kid"] == header["kid"]]
    return jwt.decode(
        token,
        jwt.PyJWK(jwk).key,
        algorithms=["EdDSA"],
        options={"require": ["iss", "jti", "nbf"], "verify_aud": False},
    )


def b64url_bytes(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_through_the_did(client, token):
    """A DID-based verifier, by hand with `cryptography`: resolve the kid's did:web to its
    /.well-known/did.json, take that verification method (an assertionMethod), check Ed25519."""
    header_part, payload_part, signature_part = token.split(".")
    kid = b64url_json(header_part)["kid"]
    did, _, fragment = kid.partition("#")
    assert did.startswith("did:web:") and fragment
    host = did.removeprefix("did:web:").replace("%3A", ":")
    assert host == "127.0.0.1:8000"  # did:web resolves to https://<host>/.well-known/did.json
    document = client.get("/.well-known/did.json").json()
    assert document["id"] == did and kid in document["assertionMethod"]
    [method] = [m for m in document["verificationMethod"] if m["id"] == kid]
    public_key = Ed25519PublicKey.from_public_bytes(b64url_bytes(method["publicKeyJwk"]["x"]))
    public_key.verify(b64url_bytes(signature_part), f"{header_part}.{payload_part}".encode())
    return b64url_json(payload_part)


def decoded_bits(encoded_list):
    assert encoded_list.startswith("u")  # multibase: base64url without padding
    body = encoded_list[1:]
    assert "=" not in body
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit(bits, index):
    return (bits[index // 8] >> (7 - index % 8)) & 1  # index 0 is the left-most bit


def fetch_status_list(client, url):
    """A status list credential fetched, verified, and its bits decoded: (credential, bits)."""
    response = client.get(path_of(url))
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    status_list = verify(client, response.content.decode())
    return status_list, decoded_bits(status_list["credentialSubject"]["encodedList"])


def test_signed_credential_is_the_json_credential_and_verifies(client, certificate):
    token = signed_credential(client, certificate)
    claims = verify(client, token)
    credential = client.get(certificate.get_credential_path()).json()
    assert {key: claims[key] for key in credential} == credential  # the same credential, signed
    assert claims["iss"] == credential["issuer"]["id"] == ISSUER
    assert claims["jti"] == credential["id"] == certificate.get_credential_url()
    assert claims["nbf"] == int(certificate.issued_at.timestamp())
    assert b64url_json(token.split(".")[0])["kid"].startswith(ISSUER + "#")
    assert verify_through_the_did(client, token) == claims  # a second, DID-based verifier agrees
    link = client.get(certificate.get_credential_path())["Link"]
    assert certificate.get_signed_credential_url() in link and "application/vc+jwt" in link


def test_a_changed_credential_or_signature_fails(client, certificate):
    header, payload, signature = signed_credential(client, certificate).split(".")
    claims = b64url_json(payload)
    claims["credentialSubject"]["achievement"]["name"] = "Advanced social media (forged)"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify(client, f"{header}.{forged}.{signature}")
    with pytest.raises(InvalidSignature):
        verify_through_the_did(client, f"{header}.{forged}.{signature}")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(jwt.InvalidSignatureError):
        verify(client, f"{header}.{payload}.{flipped}")


def test_an_expiring_certificate_signs_its_expiry(client, learner):
    course = make_course(title="Renewed yearly")
    course.renewal_months = 12
    course.save_revision().publish()
    certificate = certificate_without_pdf(learner, course)
    claims = verify(client, signed_credential(client, certificate))
    assert claims["exp"] == int(certificate.expires_at.timestamp()) > claims["nbf"]
    assert claims["validUntil"] == client.get(certificate.get_credential_path()).json()["validUntil"]


def test_the_verification_page_links_the_signed_credential_until_revoked(client, certificate, trainer):
    page = client.get(certificate.get_verify_path()).content.decode()
    assert f'href="{certificate.get_signed_credential_path()}" type="application/vc+jwt"' in page
    revoke_certificate(certificate, trainer, "Issued in error")
    page = client.get(certificate.get_verify_path()).content.decode()
    assert f'href="{certificate.get_signed_credential_path()}" type' not in page  # it answers 410 now
    assert client.get(certificate.get_signed_credential_path()).status_code == 410


def test_keys_are_published_without_their_private_half(client, certificate):
    signed_credential(client, certificate)
    [key] = client.get("/.well-known/jwks.json").json()["keys"]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and "d" not in key
    did = client.get("/.well-known/did.json")
    assert did["Content-Type"] == "application/did+json"
    document = did.json()
    assert document["id"] == ISSUER
    [method] = document["verificationMethod"]
    assert method["id"] == key["kid"] and document["assertionMethod"] == [key["kid"]]
    assert method["publicKeyJwk"]["x"] == key["x"] and "d" not in method["publicKeyJwk"]
    # Stored encrypted: the database holds no PEM.
    stored = CredentialSigningKey.objects.get()
    assert "PRIVATE KEY" not in stored.private_key and stored.private_key


def test_rotation_keeps_old_credentials_verifying(client, certificate, other_learner, course):
    old_token = signed_credential(client, certificate)
    old_kid = b64url_json(old_token.split(".")[0])["kid"]
    call_command("rotate_credential_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    new_token = signed_credential(client, certificate_without_pdf(other_learner, course))
    new_kid = b64url_json(new_token.split(".")[0])["kid"]
    assert new_kid != old_kid
    assert verify(client, old_token)["jti"] == certificate.get_credential_url()  # still verifies
    assert verify_through_the_did(client, old_token)["jti"] == certificate.get_credential_url()
    assert verify(client, new_token)
    assert b64url_json(signed_credential(client, certificate).split(".")[0])["kid"] == new_kid
    retired = CredentialSigningKey.objects.get(retired_at__isnull=False)
    assert old_kid.endswith("#" + retired.kid) and retired.private_key == ""  # can never sign again
    assert set(client.get("/.well-known/did.json").json()["assertionMethod"]) == {old_kid, new_kid}
    # Withdrawing the retired key (say it leaked) is what makes its credentials stop verifying.
    call_command("rotate_credential_key", withdraw=retired.kid, stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(ValueError):  # no key in the JWKS has that kid any more
        verify(client, old_token)


def test_a_new_secret_key_with_the_old_as_fallback_keeps_signing(client, certificate, settings):
    kid = b64url_json(signed_credential(client, certificate).split(".")[0])["kid"]
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key"  # noqa: S105
    assert b64url_json(signed_credential(client, certificate).split(".")[0])["kid"] == kid
    settings.SECRET_KEY_FALLBACKS = []  # the old secret gone: the key cannot be read, so a new one signs
    token = signed_credential(client, certificate)
    assert b64url_json(token.split(".")[0])["kid"] != kid
    assert verify(client, token)


def test_revocation_sets_and_reinstatement_clears_the_bit_the_page_agrees(
    client, certificate, other_learner, course, trainer
):
    other = certificate_without_pdf(other_learner, course)
    entry = client.get(certificate.get_credential_path()).json()["credentialStatus"]
    list_url = entry["statusListCredential"]
    status_list, bits = fetch_status_list(client, list_url)
    index = int(entry["statusListIndex"])
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    assert entry["id"] == f"{list_url}#{index}"
    assert index == certificate.status_list_index and 0 <= index < STATUS_LIST_SIZE
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["issuer"] == ISSUER
    assert status_list["credentialSubject"]["statusPurpose"] == "revocation"
    assert len(bits) == 16 * 1024 and not any(bits)  # 131,072 entries, none revoked

    revoke_certificate(certificate, trainer, "Issued in error")
    _, bits = fetch_status_list(client, list_url)
    assert bit(bits, index) == 1 and bit(bits, other.status_list_index) == 0
    assert sum(bits) == 0x80 >> (index % 8)  # that one bit only
    assert "Status: revoked" in client.get(certificate.get_verify_path()).content.decode()

    reinstate_certificate(certificate, trainer)
    _, bits = fetch_status_list(client, list_url)
    assert bit(bits, index) == 0 and not any(bits)
    assert "Status: valid" in client.get(certificate.get_verify_path()).content.decode()


def test_status_list_entries_are_unique_even_when_the_random_pick_collides(
    monkeypatch, certificate, other_learner, course
):
    taken = certificate.status_list_index
    free = (taken + 1) % STATUS_LIST_SIZE
    picks = iter([taken, free])
    monkeypatch.setattr(certificate_models, "random_status_list_index", lambda: next(picks))
    second = certificate_without_pdf(other_learner, course)
    assert (second.status_list, second.status_list_index) == (certificate.status_list, free)


def test_unknown_status_list_is_404(client, certificate):
    assert client.get(reverse("certificates:status_list", kwargs={"number": 99})).status_code == 404


def test_the_migration_gives_older_certificates_distinct_entries(certificate, other_learner, course):
    second = certificate_without_pdf(other_learner, course)
    Certificate.objects.update(status_list=None, status_list_index=None)
    migration = importlib.import_module("certificates.migrations.0014_fill_status_list_entries")
    migration.fill_entries(django_apps, None)
    entries = set(Certificate.objects.values_list("status_list", "status_list_index"))
    assert len(entries) == 2 and {number for number, _ in entries} == {1}
    assert all(0 <= index < STATUS_LIST_SIZE for _, index in entries)
    assert second.pk


def test_signing_keys_page_is_for_administrators_and_rotates(client, trainer):
    url = reverse("certificates_admin:signing_keys")
    sign_in_to_admin(client, trainer)
    assert client.get(url).status_code == 302  # Wagtail turns the refusal into a redirect
    assert client.post(url).status_code == 302 and not CredentialSigningKey.objects.exists()

    admin = type(trainer).objects.create_superuser(
        email="admin@example.gov.au", password="a-Long-pass-phrase-42", full_name="Ada Admin"
    )
    client.logout()
    sign_in_to_admin(client, admin)
    assert "No key yet" in client.get(url).content.decode()
    client.post(url)
    client.post(url)
    page = client.get(url).content.decode()
    keys = list(CredentialSigningKey.objects.all())
    assert len(keys) == 2 and keys[0].retired_at is None and keys[1].retired_at is not None
    assert keys[0].kid in page and keys[1].kid in page and "Signs now" in page
    assert keys[0].private_key not in page


def test_trainer_reinstates_a_revoked_certificate(client, trainer, certificate):
    revoke_certificate(certificate, trainer, "Wrong person")
    sign_in_to_admin(client, trainer)
    listing = client.get(reverse("certificates_admin:issued")).content.decode()
    url = reverse("certificates_admin:reinstate", args=[certificate.pk])
    assert url in listing
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.revoked_reason == ""
    assert client.get(certificate.get_signed_credential_path()).status_code == 200
