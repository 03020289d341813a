"""Signing the Open Badges credentials and the status lists: VC-JWTs (W3C VC-JOSE-COSE, as Open
Badges 3.0 section 8.2 describes) signed with Ed25519 keys (alg EdDSA) that joserfc handles.

The issuer is the site as a did:web identifier (https://academy.example.gov.au is
did:web:academy.example.gov.au), so a verifier finds the keys where the DID says:
/.well-known/did.json (the DID document) and, for plain JOSE tools, /.well-known/jwks.json. Each
JWT's `kid` header is the key's DID URL (did:web:...#<JWK thumbprint>), the same `kid` as in the
JWKS. Rotation (rotate_signing_key) makes a new key and retires the old ones: a retired key stops
signing and forgets its private half, but stays published, so everything it signed still verifies.

Private keys are stored encrypted (Fernet) with a key derived from SECRET_KEY; while SECRET_KEY is
being changed, the old value in SECRET_KEY_FALLBACKS still opens them. A key nothing can open any
more (SECRET_KEY changed without a fallback) is retired and replaced on first use.
"""

import json
import logging
import warnings
from datetime import datetime
from urllib.parse import quote, urlsplit

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.utils import timezone
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

from lms.encryption import secret_box
from lms.site_url import absolute_url

from .models import CredentialSigningKey

logger = logging.getLogger(__name__)

# "EdDSA", not RFC 9864's newer "Ed25519": the name Open Badges verifiers and JOSE libraries know
# today (PyJWT, for one, knows only "EdDSA"). Both mean the same signature with an Ed25519 key.
ALGORITHM = "EdDSA"
warnings.filterwarnings("ignore", message="EdDSA is deprecated", category=SecurityWarning)

VC_JWT_MEDIA_TYPE = "application/vc+jwt"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://www.w3.org/ns/security/jwk/v1"]  # JsonWebKey


# --- Keys ---------------------------------------------------------------------------------------------


def _encryption():
    """Encrypts with SECRET_KEY; decrypts with it or any of SECRET_KEY_FALLBACKS."""
    return secret_box(b"govsocial-academy credential signing key")


def create_signing_key():
    key = OKPKey.generate_key("Ed25519")
    return CredentialSigningKey.objects.create(
        kid=key.thumbprint(),
        public_jwk=key.as_dict(private=False),
        private_key=_encryption().encrypt(key.as_pem(private=True)).decode(),
    )


def rotate_signing_key():
    """A new key signs from now on; the others are retired (kept public, private half forgotten)."""
    with transaction.atomic():
        new = create_signing_key()
        CredentialSigningKey.objects.filter(retired_at__isnull=True).exclude(pk=new.pk).update(
            retired_at=timezone.now(), private_key=""
        )
    logger.info("Credential signing key rotated: %s signs from now on", new.kid)
    return new


def signing_key():
    """(CredentialSigningKey, OKPKey) of the key that signs now. The first is made on first use (two
    made at once by a race are both published, and the newer signs: harmless)."""
    row = CredentialSigningKey.objects.filter(retired_at__isnull=True).first()
    if row is None:
        row = create_signing_key()
    try:
        pem = _encryption().decrypt(row.private_key.encode())
    except InvalidToken:
        logger.warning(
            "Credential signing key %s cannot be decrypted (SECRET_KEY changed?): rotating", row.kid
        )
        row = rotate_signing_key()
        pem = _encryption().decrypt(row.private_key.encode())
    return row, OKPKey.import_key(pem)


def published_keys():
    """Every key a credential may have been signed with: the signing one and the retired ones."""
    return list(CredentialSigningKey.objects.all())


# --- Where the keys are published ---------------------------------------------------------------------


def issuer_did(base=None):
    """The site as a did:web identifier: its host, a port written %3A (did:web:127.0.0.1%3A8000).
    `base` as in lms.site_url.absolute_url. The site is served from the root of its host."""
    return "did:web:" + quote(urlsplit(absolute_url("/", base=base)).netloc, safe="")


def key_id(key, issuer):
    """The DID URL of a key: the `kid` of the JWTs it signs and of its JWKS entry."""
    return f"{issuer}#{key.kid}"


def jwks(base=None):
    issuer = issuer_did(base)
    return {
        "keys": [
            {**key.public_jwk, "kid": key_id(key, issuer), "alg": ALGORITHM, "use": "sig"}
            for key in published_keys()
        ]
    }


def did_document(base=None):
    issuer = issuer_did(base)
    methods = [
        {
            "id": key_id(key, issuer),
            "type": "JsonWebKey",
            "controller": issuer,
            "publicKeyJwk": key.public_jwk,
        }
        for key in published_keys()
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": issuer,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


# --- Signing ------------------------------------------------------------------------------------------


def _epoch(xsd_datetime):
    return int(datetime.fromisoformat(xsd_datetime).timestamp())


def sign_credential(credential):
    """The credential as a compact VC-JWT. The payload is the credential itself plus the registered
    JWT claims that restate it (iss, jti, nbf, exp), which Open Badges 3.0 asks for."""
    issuer = credential["issuer"]
    issuer_id = issuer["id"] if isinstance(issuer, dict) else issuer
    claims = {**credential, "iss": issuer_id, "jti": credential["id"], "nbf": _epoch(credential["validFrom"])}
    if credential.get("validUntil"):
        claims["exp"] = _epoch(credential["validUntil"])
    row, key = signing_key()
    header = {"alg": ALGORITHM, "typ": "vc+jwt", "cty": "vc", "kid": key_id(row, issuer_id)}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, payload, key, algorithms=[ALGORITHM])
