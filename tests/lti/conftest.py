import pytest

from lti.models import LtiPlatform

# Port 9 (discard): nothing answers there, so any call to this platform fails at once.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture
def unreachable_platform(db):
    """A registered platform whose addresses answer nothing (for admin screens and failures)."""
    return LtiPlatform.objects.create(
        name="Agency Moodle",
        issuer=NOWHERE,
        client_id="c",
        deployment_ids="d",
        auth_login_url=f"{NOWHERE}/auth",
        auth_token_url=f"{NOWHERE}/token",
        jwks_url=f"{NOWHERE}/jwks",
    )
