"""Secrets kept in the database (signing keys) encrypted with Fernet under a key derived from
SECRET_KEY by HKDF-SHA256, one derived key per purpose. While SECRET_KEY is being changed, the old
value in SECRET_KEY_FALLBACKS still opens what it encrypted; a value nothing opens any more raises
cryptography's InvalidToken, and its owner makes a new secret (certificates/signing.py and
lti/jose.py make a new signing key)."""

import base64

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet(secret, purpose):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def secret_box(purpose):
    """Encrypts with SECRET_KEY; decrypts with it or any of SECRET_KEY_FALLBACKS. `purpose` (bytes)
    keeps each kind of secret under its own key."""
    return MultiFernet([_fernet(s, purpose) for s in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]])
