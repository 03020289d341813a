"""Runs a real learning record store for the xAPI tests: Ralph's LRS server (ralph-malph, installed
into var/ralph by scripts/install-ralph.sh) with its filesystem backend, in a second process on a
free local port, with its own users file. The tests talk to it only as an LMS or a report would:
over HTTP, writing statements and reading them back through GET /xAPI/statements."""

import json
import os
import socket
import subprocess
from pathlib import Path

import requests

from tests.local_server import stop_process, wait_until_up

REPO = Path(__file__).resolve().parent.parent.parent
RALPH = REPO / "var" / "ralph" / "bin"
USERNAME = "govsocial"
PASSWORD = "lrs-test-password"  # noqa: S105 - a throwaway user of a throwaway LRS


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RalphLRS:
    def __init__(self, folder):
        if not (RALPH / "ralph").exists():
            raise RuntimeError("Ralph is not installed: run scripts/install-ralph.sh (make test does).")
        self.folder = Path(folder)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI"
        self.log = self.folder / "ralph.log"
        self.process = None
        auth_file = self.folder / "auth.json"
        # Ralph checks passwords against bcrypt hashes; its own interpreter has bcrypt.
        digest = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [
                str(RALPH / "python"),
                "-c",
                "import bcrypt,sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
                PASSWORD,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
        auth_file.write_text(
            json.dumps(
                [
                    {
                        "username": USERNAME,
                        "hash": digest,
                        "scopes": ["all"],
                        "agent": {"objectType": "Agent", "mbox": "mailto:lms@example.gov.au"},
                    }
                ]
            )
        )
        self.env = {
            key: value for key, value in os.environ.items() if not key.startswith(("RALPH_", "DJANGO_"))
        }
        self.env.update(
            RALPH_APP_DIR=str(self.folder),
            RALPH_AUTH_FILE=str(auth_file),
            RALPH_RUNSERVER_BACKEND="fs",
            RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(self.folder / "statements"),
        )

    def start(self):
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    str(RALPH / "python"),
                    str(Path(__file__).with_name("ralph_server.py")),
                    "127.0.0.1",
                    str(self.port),
                ],
                cwd=self.folder,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(self.process, f"http://127.0.0.1:{self.port}/__heartbeat__", self.log, "Ralph", 120)
        return self

    def stop(self):
        stop_process(self.process)

    def statements(self, **params):
        """Every statement the LRS holds that matches `params`, in the order it stored them (by its
        `stored` time: Ralph's file backend does not sort by it, so this does)."""
        found = []
        url, query = f"{self.url}/statements", {"limit": 1000, **params}
        while url:
            answer = requests.get(
                url,
                params=query,
                auth=(USERNAME, PASSWORD),
                headers={"X-Experience-API-Version": "1.0.3"},
                timeout=10,
            )
            answer.raise_for_status()
            body = answer.json()
            found += body["statements"]
            more = body.get("more")
            url, query = (f"http://127.0.0.1:{self.port}{more}" if more else None), None
        return sorted(found, key=lambda statement: statement["stored"])

    def statement(self, statement_id):
        """One statement by its id (GET /xAPI/statements?statementId=...)."""
        answer = requests.get(
            f"{self.url}/statements",
            params={"statementId": statement_id},
            auth=(USERNAME, PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )
        answer.raise_for_status()
        body = answer.json()
        # The xAPI spec answers with the statement itself; Ralph's file backend wraps it in a list.
        if "statements" in body:
            assert len(body["statements"]) == 1, body
            return body["statements"][0]
        return body
