"""The JOSE side of LTI 1.3, on joserfc: this site's RS256 keys as a tool (made on first use, the
private half encrypted under SECRET_KEY by lms.encryption, published at /lti/jwks.json), signing
our JWTs, and the platforms' published keys, fetched over
HTTP and kept in the shared cache for an hour (fetched again at once for a key id not seen yet, so
a platform's key rotation needs nothing from us)."""

import functools
import json
import secrets
import time
import urllib.error
import urllib.request

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from lms.encryption import secret_box

from .models import LtiToolKey

ALGORITHM = "RS256"
PLATFORM_KEYS_CACHE_SECONDS = 3600


class FetchError(Exception):
    """A platform endpoint could not be reached or answered with an error."""


def _key_parameters(kid):
    return {"kid": kid, "use": "sig", "alg": ALGORITHM}


def _box():
    return secret_box(b"govsocial-academy lti tool key")


def new_tool_key():
    """Make a new 2048-bit RSA key pair; it signs from now on (older keys stay published)."""
    kid = secrets.token_urlsafe(12)
    key = RSAKey.generate_key(2048, parameters=_key_parameters(kid), private=True)
    return LtiToolKey.objects.create(kid=kid, private_key=_box().encrypt(key.as_pem(private=True)).decode())


def _rsa(row):
    """The key pair of a row (raises InvalidToken when SECRET_KEY no longer opens it)."""
    return _imported_key(_box().decrypt(row.private_key.encode()), row.kid)


@functools.lru_cache(maxsize=16)
def _imported_key(pem, kid):
    # Loading an RSA private key checks it (~10 ms of CPU), and every launch, grade and JWKS uses
    # the same few keys; the decryption above still runs each time, so a changed SECRET_KEY shows.
    return RSAKey.import_key(pem, parameters=_key_parameters(kid))


def signing_key():
    """(row, RSAKey) of the newest active tool key. Made on first use (two racing first uses make
    one each, harmlessly: both are published and the newest signs); a key SECRET_KEY no longer
    opens stops signing and a new one is made."""
    row = LtiToolKey.objects.filter(active=True).first()
    if row is not None:
        try:
            return row, _rsa(row)
        except InvalidToken:
            LtiToolKey.objects.filter(pk=row.pk).update(active=False)
            return signing_key()
    try:
        with transaction.atomic():
            row = new_tool_key()
    except IntegrityError:  # the same random kid twice: never in practice
        return signing_key()
    return row, _rsa(row)


def tool_jwks():
    """The public keys of every tool key this site can still open, as a JWKS (what platforms
    verify our JWTs with)."""
    signing_key()  # made on first use
    keys = []
    for row in LtiToolKey.objects.all():
        try:
            keys.append(_rsa(row).as_dict(private=False))
        except InvalidToken:  # SECRET_KEY changed without a fallback: it signs nothing any more
            continue
    return {"keys": keys}


def sign(claims, now=None):
    """A JWT of `claims` (iat and exp added: valid for five minutes) signed with the tool key."""
    row, key = signing_key()
    issued = int(now if now is not None else time.time())
    body = {"iat": issued, "exp": issued + 300, **claims}
    return jwt.encode({"alg": ALGORITHM, "kid": row.kid}, body, key, algorithms=[ALGORITHM])


def fetch_json(url, *, data=None, headers=None, method=None, with_headers=False):
    """GET (or POST `data`, bytes) a URL and return (status, parsed JSON or None), plus the answer's
    headers when `with_headers` (a paged answer's Link header). Raises FetchError when it cannot be
    reached. The platforms' endpoints are set by administrators only."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310
    timeout = getattr(settings, "LTI_HTTP_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            status, body, answer_headers = answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as error:
        status, body, answer_headers = error.code, error.read(), error.headers
    except (OSError, ValueError) as error:  # refused, unreachable, timed out, bad URL
        raise FetchError(f"{type(error).__name__}: {error}") from error
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = {"text": body[:300].decode(errors="replace")}
    return (status, parsed, answer_headers) if with_headers else (status, parsed)


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
