"""Locust's simulated learners for `make scale-test` (started by scale/run.py, never on its own).

Each Locust user takes the next unused learner from the prepared list and goes through the whole
journey as a browser would, over HTTPS through the load balancer: sign in, open the catalogue and
the course, enrol from the catalogue, read and complete each lesson (the catalogue again before
and after them), start the quiz, answer it question by question (an autosave after
each answer), submit it, read the result, then find the certificate on My learning and download it
once its PDF is ready. Every third learner also signs in from a second browser and submits the same
attempt from both at the same moment. Then the user takes the next learner, until the run's time is
up.

Each step is one name in Locust's statistics (p50/p95 per step). What the server acknowledged is
written to a ledger (SCALE_LEDGER, JSON) for the database checks afterwards (scale/checks.py):
every answer sent and every autosave the server said it saved, every submit, every certificate
downloaded, and every signed-in page that lacked its learner's own name or showed anyone else's.

A browser retries what failed on the way (a 502 from the balancer, a dropped connection), as a
person presses again: every endpoint in the journey can be repeated safely. Each failed try counts
as an error of its step. Each learner connects from their own loopback address (127.0.x.y), as
learners in different offices would, so the per-address sign-in rate limit sees what it would.
"""

import itertools
import json
import os
import random
import re
import time
from html import unescape
from pathlib import Path

import gevent
from locust import HttpUser, events, task
from locust.clients import HttpSession
from requests.adapters import HTTPAdapter

DATA = json.loads(Path(os.environ["SCALE_DATA"]).read_text())
LEDGER_PATH = Path(os.environ["SCALE_LEDGER"])
CA_FILE = os.environ["SCALE_CA"]
DUAL_SUBMIT_EVERY = 3  # every third learner submits from two browsers at once
TRIES = 4  # a browser's tries at one request before the journey gives up
CERTIFICATE_WAIT = 90  # seconds a learner keeps checking for the PDF
# Every learner's name matches this; a page showing one that is not its learner's is a leak.
ANY_LEARNER_NAME = re.compile(r"Scale Learner \d{4}")

next_learner = itertools.count()
ledger = {
    "autosaves": [],  # {"attempt", "learner", "data", "acknowledged"}
    "submits": [],  # {"attempt", "learner", "data", "browsers", "statuses"}
    "certificates": [],  # {"learner", "code", "bytes"}
    "journeys": {"started": 0, "finished": 0, "abandoned": []},
    "pages_checked": 0,
    "leaks": [],  # {"learner", "url", "names"}
    "missing_name": [],  # {"learner", "url"}
    "errors": [],  # {"at", "step", "error"}
}


class JourneyAbandoned(Exception):
    """A request failed every try: the learner gives up (the run goes on with the next)."""


class FromAddress(HTTPAdapter):
    """Connect from one loopback address (each learner has their own)."""

    def __init__(self, address, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def think():
    gevent.sleep(random.uniform(0.3, 1.0))  # noqa: S311 - pacing, not security


class Browser:
    """One learner's browser: its own cookies (session, CSRF), address and current page."""

    def __init__(self, user, learner, address):
        self.learner = learner
        self.base = user.host.rstrip("/")
        self.session = HttpSession(
            base_url=self.base, request_event=user.environment.events.request, user=user
        )
        self.session.mount("https://", FromAddress(address))
        self.csrf = ""
        self.current = "/"

    def request(self, method, path, step, data=None, signed_in=True, ok=(200,)):
        """Send a request, retrying as a browser would; check a signed-in HTML page's names."""
        headers = {"Referer": self.base + self.current}
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.csrf}
            headers["Origin"] = self.base
        last_error = ""
        for _ in range(TRIES):
            with self.session.request(
                method,
                path,
                name=step,
                data=data,
                headers=headers,
                catch_response=True,
                timeout=60,
                verify=CA_FILE,  # given each time: REQUESTS_CA_BUNDLE would override the session's
            ) as response:
                if response.status_code in ok:
                    problem = self.check_page(response) if signed_in else ""
                    if problem:
                        response.failure(problem)
                    else:
                        response.success()
                    self.after(response)
                    return response
                last_error = f"{response.status_code} {response.reason or response.error or ''}".strip()
                response.failure(last_error)
                ledger["errors"].append({"at": time.time(), "step": step, "error": last_error})
            gevent.sleep(0.5)
        raise JourneyAbandoned(f"{step}: {last_error}")

    def after(self, response):
        if "text/html" in response.headers.get("Content-Type", ""):
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
            if token:
                self.csrf = token.group(1)
            self.current = response.url[len(self.base) :] if response.url.startswith(self.base) else "/"

    def check_page(self, response):
        if "text/html" not in response.headers.get("Content-Type", ""):
            return ""
        ledger["pages_checked"] += 1
        names = set(ANY_LEARNER_NAME.findall(response.text))
        others = sorted(names - {self.learner["name"]})
        if others:
            ledger["leaks"].append({"learner": self.learner["email"], "url": response.url, "names": others})
            return f"shown another learner's page ({', '.join(others)})"
        if self.learner["name"] not in names:
            ledger["missing_name"].append({"learner": self.learner["email"], "url": response.url})
            return "the page does not name its learner"
        return ""

    def sign_in(self):
        self.request("GET", "/accounts/login/", "sign in (form)", signed_in=False)
        response = self.request(
            "POST",
            "/accounts/login/",
            "sign in",
            {"login": self.learner["email"], "password": DATA["password"]},
        )
        if "/accounts/login/" in response.url:
            raise JourneyAbandoned("sign in: the login page came back")


def answers_on(page_html):
    """The attempt form's fields, answered right: the radio button whose label is a right answer,
    and the short answer typed. Returns [(field name, value)] in page order."""
    answers = []
    for match in re.finditer(
        r'<input type="radio" name="([^"]+)" value="([^"]+)"[^>]*>\s*([^<]+)</label>', page_html
    ):
        name, value, label = match.group(1), match.group(2), unescape(match.group(3)).strip()
        if label in DATA["quiz"]["right_choices"]:
            answers.append((name, value))
    for match in re.finditer(r'<input type="text" name="([^"]+)"', page_html):
        answers.append((match.group(1), DATA["quiz"]["short_answer"]))
    return answers


class Learner(HttpUser):
    """A learner (one after another) going through the whole course."""

    def wait_time(self):
        return 0

    @task
    def journey(self):
        number = next(next_learner)
        if number >= len(DATA["learners"]):
            gevent.sleep(5)  # everyone has had a turn: idle until the run's time is up
            return
        learner = DATA["learners"][number]
        address = f"127.0.{1 + number // 250}.{1 + number % 250}"
        ledger["journeys"]["started"] += 1
        try:
            self.go_through_course(learner, address, dual=number % DUAL_SUBMIT_EVERY == DUAL_SUBMIT_EVERY - 1)
        except JourneyAbandoned as abandoned:
            ledger["journeys"]["abandoned"].append({"learner": learner["email"], "reason": str(abandoned)})
        else:
            ledger["journeys"]["finished"] += 1

    def go_through_course(self, learner, address, dual):
        browser = Browser(self, learner, address)
        browser.sign_in()
        think()
        # The catalogue is kept per learner (their whole page): it must name them each time, and
        # the CSRF token of the kept copy (the second opening) is the one enrolling posts.
        browser.request("GET", "/courses/", "catalogue")
        browser.request("GET", DATA["course"]["url"], "course page")
        browser.request("GET", "/courses/", "catalogue")
        browser.request("POST", f"/learn/courses/{DATA['course']['id']}/enrol/", "enrol")
        browser.request("GET", "/courses/", "catalogue")
        for lesson in DATA["lessons"]:
            think()
            browser.request("GET", lesson["url"], "lesson")
            think()
            browser.request("POST", f"/learn/lessons/{lesson['id']}/complete/", "complete lesson")
        browser.request("GET", "/courses/", "catalogue")
        browser.request("GET", DATA["quiz"]["url"], "quiz intro")
        response = browser.request("POST", f"/quizzes/{DATA['quiz']['id']}/start/", "start quiz")
        found = re.search(r"/quizzes/attempts/(\d+)/$", response.url)
        if not found:
            raise JourneyAbandoned(f"start quiz: landed on {response.url}")
        attempt_id = int(found.group(1))
        attempt_path = f"/quizzes/attempts/{attempt_id}/"
        answers = answers_on(response.text)
        if len(answers) != DATA["quiz"]["questions"]:
            raise JourneyAbandoned(f"attempt page: {len(answers)} answerable questions")
        given = {}
        for name, value in answers:
            think()
            given[name] = value
            entry = {
                "attempt": attempt_id,
                "learner": learner["email"],
                "data": dict(given),
                "acknowledged": False,
            }
            ledger["autosaves"].append(entry)
            saved = browser.request("POST", attempt_path + "autosave/", "autosave", given, signed_in=False)
            entry["acknowledged"] = bool(saved.json().get("saved"))
        think()
        browsers = [browser]
        if dual:
            second = Browser(self, learner, address)
            second.sign_in()
            second.request("GET", attempt_path, "attempt page (second browser)")
            browsers.append(second)
        submit = {
            "attempt": attempt_id,
            "learner": learner["email"],
            "data": given,
            "browsers": len(browsers),
        }
        ledger["submits"].append(submit)
        # Both browsers press Submit at the same moment.
        jobs = [gevent.spawn(each.request, "POST", attempt_path, "submit", given) for each in browsers]
        gevent.joinall(jobs)
        results = [job.get() for job in jobs]  # re-raises a JourneyAbandoned
        submit["statuses"] = [result.status_code for result in results]
        if not all(f"/quizzes/attempts/{attempt_id}/result/" in result.url for result in results):
            raise JourneyAbandoned("submit: not on the result page")
        if not all("You passed" in result.text for result in results):
            raise JourneyAbandoned("submit: the result page does not say passed")
        think()
        self.download_certificate(browser, learner)

    def download_certificate(self, browser, learner):
        deadline = time.monotonic() + CERTIFICATE_WAIT
        code = None
        while code is None:
            page = browser.request("GET", "/my-learning/", "My learning")
            found = re.search(r"/certificates/([A-Za-z0-9_-]+)/download/", page.text)
            if found:
                code = found.group(1)
            elif time.monotonic() > deadline:
                raise JourneyAbandoned("My learning: no certificate link")
            else:
                gevent.sleep(2)
        while True:
            response = browser.request(
                "GET", f"/certificates/{code}/download/", "certificate download", ok=(200, 202)
            )
            if response.status_code == 200:
                if not response.content.startswith(b"%PDF-"):
                    raise JourneyAbandoned("certificate download: not a PDF")
                ledger["certificates"].append(
                    {"learner": learner["email"], "code": code, "bytes": len(response.content)}
                )
                return
            if time.monotonic() > deadline:
                raise JourneyAbandoned("certificate download: still being prepared")
            gevent.sleep(2)


@events.quitting.add_listener
def write_ledger(environment, **kwargs):
    steps = {}
    for entry in environment.stats.entries.values():
        steps[entry.name] = {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": round(entry.max_response_time or 0),
        }
    total = environment.stats.total
    ledger["steps"] = steps
    ledger["total"] = {
        "requests": total.num_requests,
        "errors": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "req_per_s": round(total.total_rps, 1),
    }
    LEDGER_PATH.write_text(json.dumps(ledger, indent=1))
