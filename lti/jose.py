"""The JOSE side of LTI 1.3, on joserfc: this site's RS256 keys as a tool (made on first use,
published at /lti/jwks.json), signing our JWTs, and the platforms' published keys, fetched over
HTTP and kept in the shared cache for an hour (fetched again at once for a key id not seen yet, so
a platform's key rotation needs nothing from us)."""

import json
import secrets
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from .models import LtiToolKey

ALGORITHM = "RS256"
PLATFORM_KEYS_CACHE_SECONDS = 3600


class FetchError(Exception):
    """A platform endpoint could not be reached or answered with an error."""


def _key_parameters(kid):
    return {"kid": kid, "use": "sig", "alg": ALGORITHM}


def new_tool_key():
    """Make a new 2048-bit RSA key pair; it signs from now on (older keys stay published)."""
    kid = secrets.token_urlsafe(12)
    key = RSAKey.generate_key(2048, parameters=_key_parameters(kid), private=True)
    return LtiToolKey.objects.create(kid=kid, private_key=key.as_pem(private=True).decode())


def signing_key():
    """The newest active tool key (made on first use; two racing first uses make one each,
    harmlessly: both are published and the newest signs)."""
    row = LtiToolKey.objects.filter(active=True).first()
    if row is None:
        try:
            with transaction.atomic():
                row = new_tool_key()
        except IntegrityError:  # the same random kid twice: never in practice
            row = LtiToolKey.objects.filter(active=True).first()
    return row


def _rsa(row):
    return RSAKey.import_key(row.private_key, parameters=_key_parameters(row.kid))


def tool_jwks():
    """The public keys of every tool key, as a JWKS (what platforms verify our JWTs with)."""
    if not LtiToolKey.objects.exists():
        signing_key()
    return {"keys": [_rsa(row).as_dict(private=False) for row in LtiToolKey.objects.all()]}


def sign(claims, now=None):
    """A JWT of `claims` (iat and exp added: valid for five minutes) signed with the tool key."""
    row = signing_key()
    issued = int(now if now is not None else time.time())
    body = {"iat": issued, "exp": issued + 300, **claims}
    return jwt.encode({"alg": ALGORITHM, "kid": row.kid}, body, _rsa(row), algorithms=[ALGORITHM])


def fetch_json(url, *, data=None, headers=None, method=None):
    """GET (or POST `data`, bytes) a URL and return (status, parsed JSON or None). Raises FetchError
    when it cannot be reached. The platforms' endpoints are set by administrators only."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310
    timeout = getattr(settings, "LTI_HTTP_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except (OSError, ValueError) as error:  # refused, unreachable, timed out, bad URL
        raise FetchError(f"{type(error).__name__}: {error}") from error
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, {"text": body[:300].decode(errors="replace")}


def _platform_keys(platform, *, fresh):
    cache_key = f"lti:jwks:{platform.pk}:{platform.jwks_url}"
    keys = None if fresh else cache.get(cache_key)
    if keys is None:
        status, keys = fetch_json(platform.jwks_url, headers={"Accept": "application/json"})
        if status != 200 or not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
            raise FetchError(f"the platform's keyset answered HTTP {status}")
        cache.set(cache_key, keys, PLATFORM_KEYS_CACHE_SECONDS)
    return KeySet.import_key_set(keys)


def verify_platform_jwt(platform, token):
    """Check a JWT's RS256 signature against the platform's published keys; return its claims.
    Raises JoseError (bad signature, unknown key, not a JWT) or FetchError."""
    try:
        return jwt.decode(token, _platform_keys(platform, fresh=False), algorithms=[ALGORITHM]).claims
    except JoseError as error:
        if error.error != "invalid_key_id":
            raise
    # A key id we have not seen: the platform may have rotated its keys since we fetched them.
    return jwt.decode(token, _platform_keys(platform, fresh=True), algorithms=[ALGORITHM]).claims
