import pytest

from .harness import PASSWORD, USERNAME, RalphLRS


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """A real Ralph LRS for this test session (started once; a test may stop and start it)."""
    lrs = RalphLRS(tmp_path_factory.mktemp("ralph")).start()
    yield lrs
    lrs.stop()


@pytest.fixture
def xapi_on(settings):
    """xAPI switched on, pointing at an LRS that is never there (nothing listens on port 9)."""
    settings.XAPI_LRS_URL = "http://127.0.0.1:9/xAPI"
    settings.XAPI_LRS_TIMEOUT = 2
    return settings


@pytest.fixture
def lrs(settings, ralph):
    """xAPI switched on and sending to the session's Ralph."""
    settings.XAPI_LRS_URL = ralph.url
    settings.XAPI_LRS_USERNAME = USERNAME
    settings.XAPI_LRS_PASSWORD = PASSWORD
    settings.XAPI_LRS_TIMEOUT = 5
    return ralph
