"""A corpus of script-injection payloads typed into every learner field (name, practice work, a
short answer) never runs where it is shown: learner pages, the verification page, the admin,
exports, the certificate PDF and emails."""

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from certificates.models import Certificate
from certificates.pdf import render_certificate_pdf
from courses.assignments import assign_course
from courses.models import LessonPage
from courses.services import enrol, submit_task
from quizzes.factories import make_course, make_quiz, make_short_answer
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt

from ..certificates.test_pdf import pdf_text
from ..conftest import run_on_commit

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
]
# Every field carries the whole corpus at once (one set-up instead of one per payload; each value
# is escaped as one string, so the payloads cannot shield each other).
CORPUS = " ".join(PAYLOADS)
# Markup that only a browser running the payload would produce.
DANGEROUS = ["<script>alert", "<img src=x", "<svg onload", 'href="javascript:']


def assert_inert(html, where):
    for fragment in DANGEROUS:
        assert fragment not in html, f"{fragment!r} unescaped in {where}"


@pytest.fixture
def payload():
    return CORPUS


@pytest.fixture
def scenario(payload, learner):
    """The learner's name, practice work and short answer (and the course title, a trainer's
    field shown in the same places) all carry the payload."""
    learner.full_name = f"Kim {payload}"
    learner.save()
    course = make_course(title=f"Injection {payload}", kinds=("practice",), quiz=False)
    task = LessonPage.objects.descendant_of(course).get()
    task.requires_approval = True
    task.save_revision().publish()
    quiz = make_quiz(task.get_parent().specific, questions=[make_short_answer()])
    enrolment = enrol(learner, course)
    assign_course(course, [learner], date(2000, 1, 3), None)  # overdue, so it shows in the report
    submission = submit_task(enrolment, task, f"My plan. {payload}")
    attempt = start_attempt(learner, QuizPage.objects.get(pk=quiz.pk))
    (question,) = attempt.questions
    submit_attempt(attempt, {str(question.pk): payload})
    with run_on_commit():
        from certificates.services import issue_certificate

        certificate, _ = issue_certificate(enrolment)
    certificate.refresh_from_db()
    return {
        "course": course,
        "task": task,
        "attempt": attempt,
        "certificate": certificate,
        "submission": submission,
    }


def test_learner_pages_escape_the_payload(client, learner, scenario, payload):
    client.force_login(learner)
    pages = {
        "my learning": reverse("dashboard"),
        "profile": reverse("profile"),
        "lesson with the task": scenario["task"].url,
        "quiz result": reverse("quizzes:result", args=[scenario["attempt"].pk]),
        "verification": scenario["certificate"].get_verify_path(),
    }
    for where, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)


def test_admin_pages_escape_the_payload(admin_client, scenario):
    pages = {
        "practice tasks": reverse("practice_tasks:index") + "?status=pending",
        "task review": reverse("practice_tasks:review", args=[scenario["submission"].pk]),
        "issued certificates": reverse("certificates_admin:issued"),
        "overdue report": reverse("training:overdue"),
        "users": reverse("wagtailusers_users:index"),
    }
    for where, path in pages.items():
        response = admin_client.get(path)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)


def test_exports_keep_the_payload_as_text(client, learner, scenario, payload):
    client.force_login(learner)
    records = client.get(reverse("my_records", args=["json"]))
    assert records["Content-Type"].startswith("application/json")
    assert records.json()["profile"]["full_name"] == f"Kim {payload}"  # data, as typed
    rows = list(csv.reader(io.StringIO(client.get(reverse("my_records", args=["csv"])).content.decode())))
    assert any(payload in cell for row in rows for cell in row)


def test_the_certificate_prints_the_payload_literally(scenario, payload):
    certificate = Certificate.objects.get(pk=scenario["certificate"].pk)
    text = "".join(pdf_text(render_certificate_pdf(certificate)).split())
    assert "".join(f"Kim {payload}".split()) in text  # printed as the characters typed


def test_emails_are_plain_text_with_the_payload_as_typed(scenario, payload):
    certificate_mail = [m for m in mail.outbox if "certificate" in m.subject.lower()]
    assert certificate_mail, [m.subject for m in mail.outbox]
    for message in certificate_mail:
        assert message.content_subtype == "plain" and not getattr(message, "alternatives", [])
        assert f"Injection {payload}" in message.body and "&lt;" not in message.body
