"""Starts the test LTI platform (server.py beside this file) in a second process on a free local
port, reached as http://localhost:PORT while the tool is http://127.0.0.1:PORT: two different
sites, as a real platform and tool are, so the launch's cookies are tested cross-site. The tests
talk to it over HTTP only, as the tool does."""

import re
import socket
import subprocess
import sys
import uuid
from html import unescape
from pathlib import Path

import requests

from lti.models import LtiPlatform
from tests.local_server import stop_process, wait_until_up

CLIENT_ID = "govsocial-tool"
DEPLOYMENT_ID = "deployment-1"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LtiTestPlatform:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = _free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = self.folder / "platform.log"
        self.process = None

    def start(self):
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
                [sys.executable, str(Path(__file__).with_name("server.py")), str(self.port), self.url],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(self.process, f"http://127.0.0.1:{self.port}/", self.log, "the LTI platform", 30)
        return self

    def stop(self):
        stop_process(self.process)

    def _api(self, path):
        # The platform listens on 127.0.0.1; "localhost" is what browsers and the tool see.
        return f"http://127.0.0.1:{self.port}{path}"

    def register(self, **fields):
        """The LtiPlatform fields for this platform, as its administrator would copy them."""
        values = {
            "name": "Agency Moodle",
            "issuer": self.url,
            "client_id": CLIENT_ID,
            "deployment_ids": DEPLOYMENT_ID,
            "auth_login_url": f"{self.url}/auth",
            "auth_token_url": f"{self.url}/token",
            "jwks_url": f"{self.url}/jwks.json",
            **fields,
        }
        return LtiPlatform.objects.create(**values)

    def new_launch(
        self, tool_url, *, course=None, sub=None, name="Robin Learner", email="", link_id=None, **extra
    ):
        """Set up a launch at the platform; returns (its hint, the user's sub, the link id)."""
        sub = sub or f"user-{uuid.uuid4().hex[:8]}"
        settings = {
            "tool_url": tool_url.rstrip("/"),
            "client_id": CLIENT_ID,
            "deployment_id": DEPLOYMENT_ID,
            "user": {"sub": sub, "name": name, "email": email},
            **extra,
        }
        if "deep_linking" not in extra:
            link_id = link_id or f"link-{uuid.uuid4().hex[:8]}"
            settings["resource_link"] = {
                "id": link_id,
                "title": "Social media module",
                "course_id": course and course.pk,
            }
        answer = requests.post(self._api("/test/launches"), json=settings, timeout=10)
        answer.raise_for_status()
        return answer.json()["hint"], sub, link_id

    def launch_url(self, hint):
        return f"{self.url}/launch?hint={hint}"

    def authenticate(self, authorisation_url):
        """What the browser does at the platform's authentication endpoint: returns the fields of
        the form it auto-posts to the tool (id_token, state)."""
        answer = requests.get(authorisation_url.replace(self.url, self._api("")), timeout=10)
        assert answer.status_code == 200, answer.text
        return {
            name: unescape(value) for name, value in re.findall(r"name='(\w+)' value='([^']*)'", answer.text)
        }

    def scores(self):
        return requests.get(self._api("/test/scores"), timeout=10).json()

    def lineitems(self):
        """The line items tools created at the platform."""
        return requests.get(self._api("/test/lineitems"), timeout=10).json()

    def deep_links(self):
        return requests.get(self._api("/test/deep-links"), timeout=10).json()

    def refuse_scores(self, status):
        """Answer scores with this HTTP status from now on (0: accept them again)."""
        requests.post(self._api("/test/faults"), json={"scores": status}, timeout=10).raise_for_status()

    def post_deep_link_response(self, action, jwt):
        return requests.post(action.replace(self.url, self._api("")), data={"JWT": jwt}, timeout=10)
