"""Runs the test OpenID Connect provider (this folder's Django project, django-oauth-toolkit) in a
second process on a free local port, for the single sign-on tests (fixture `oidc_provider` in
tests/conftest.py). The provider keeps its own database, and the tests talk to it over HTTP only:
as an LMS would, and to set up the people and clients (tests/sso_provider/setup.py, with a token
of this run's own)."""

import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.local_server import stop_process, wait_until_up

REPO = Path(__file__).resolve().parent.parent.parent
CLIENT_ID = "govsocial-academy"
CLIENT_SECRET = "provider-test-secret"  # noqa: S105 - a throwaway client of a throwaway provider
PASSWORD = "Provider-Password-1"  # noqa: S105


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _signing_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class OIDCProvider:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/o"
        self.process = None
        self.log = self.folder / "provider.log"
        # Only what the provider needs: none of the LMS's Django or database settings.
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "LMS_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.sso_provider.settings",
            SSO_PROVIDER_DB=str(self.folder / "provider.sqlite3"),
            SSO_PROVIDER_KEY=_signing_key(),
            SSO_PROVIDER_SETUP_TOKEN=secrets.token_urlsafe(24),
            PYTHONPATH=str(REPO),
        )

    def _set_up(self, action, **arguments):
        response = requests.post(
            f"{self.url}/setup/{action}/",
            json=arguments,
            headers={"Authorization": f"Bearer {self.env['SSO_PROVIDER_SETUP_TOKEN']}"},
            timeout=30,
        )
        if response.status_code != 204:
            raise RuntimeError(
                f"provider set-up of a {action} failed ({response.status_code}):\n{self.log.read_text()}"
            )

    def start(self):
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "-m", "django", "provider_serve", f"127.0.0.1:{self.port}"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(
            self.process,
            f"{self.issuer}/.well-known/openid-configuration",
            self.log,
            "the OIDC provider",
            60,
            0.2,
        )
        return self

    def stop(self):
        stop_process(self.process)

    def add_person(self, username, email, name, verified=True):
        self._set_up(
            "person", username=username, password=PASSWORD, email=email, name=name, verified=verified
        )

    def allow_client(self, *redirect_uris):
        """Register the LMS (one confidential client) with the callback URLs it will use."""
        self._set_up(
            "client", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=list(redirect_uris)
        )

    def sign_in(self, authorize_url, username):
        """What a person's browser does at the provider: open the authorisation URL, sign in on the
        provider's page, and come back with the redirect to the LMS's callback. Returns that URL."""
        session = requests.Session()
        page = session.get(authorize_url, timeout=10)
        page.raise_for_status()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        next_url = re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
        answer = session.post(
            urljoin(self.url, "/login/"),
            data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": next_url},
            headers={"Referer": page.url},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text
        authorised = session.get(
            urljoin(self.url, answer.headers["Location"]), allow_redirects=False, timeout=10
        )
        assert authorised.status_code == 302, authorised.text
        return authorised.headers["Location"]


def callback_path(url):
    """The path and query of a redirect back to the LMS (for Django's test client)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
