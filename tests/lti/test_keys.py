"""The tool's signing keys: encrypted in the database, rotated with both published, and replaced
when SECRET_KEY no longer opens them."""

import pytest
from django.core.management import call_command
from joserfc import jwt
from joserfc.jwk import KeySet

from lti.jose import sign, tool_jwks
from lti.models import LtiToolKey

pytestmark = pytest.mark.django_db


def verify(token):
    return jwt.decode(token, KeySet.import_key_set(tool_jwks()), algorithms=["RS256"])


def test_the_private_key_is_stored_encrypted_and_rotation_keeps_old_keys_published():
    first = verify(sign({"iss": "tool"}))
    row = LtiToolKey.objects.get()
    assert "PRIVATE KEY" not in row.private_key
    call_command("lti_new_key")
    second = verify(sign({"iss": "tool"}))
    assert second.header["kid"] != first.header["kid"]
    assert {key["kid"] for key in tool_jwks()["keys"]} == {first.header["kid"], second.header["kid"]}
    assert LtiToolKey.objects.filter(active=True).get().kid == second.header["kid"]


def test_a_key_the_secret_key_no_longer_opens_is_replaced(settings):
    old = verify(sign({"iss": "tool"})).header["kid"]
    settings.SECRET_KEY = "another-secret-key"  # noqa: S105 - changed without a fallback
    settings.SECRET_KEY_FALLBACKS = []
    new = verify(sign({"iss": "tool"})).header["kid"]
    assert new != old
    assert [key["kid"] for key in tool_jwks()["keys"]] == [new]
    assert not LtiToolKey.objects.get(kid=old).active
