"""Australian Privacy Principles 12 and 13: learners download their own records and correct their name."""

import csv
import io
import json

import pytest
from django.urls import reverse

from courses.models import LessonPage
from courses.services import complete_lesson, enrol
from quizzes.factories import correct_option_id
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(course, learner, other_learner):
    for user in (learner, other_learner):
        enrolment = enrol(user, course)
        complete_lesson(enrolment, LessonPage.objects.descendant_of(course).get())
        attempt = start_attempt(user, QuizPage.objects.descendant_of(course).get())
        submit_attempt(attempt, {str(q.pk): correct_option_id(q) for q in attempt.questions})
    return course


def test_json_export_holds_my_records_and_nobody_elses(client, history, learner, other_learner):
    client.force_login(learner)
    response = client.get(reverse("my_records", args=["json"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == learner.email
    assert [e["course"] for e in data["enrolments"]] == [history.title]
    assert data["lessons_completed"] and data["quiz_attempts"][0]["passed"] is True
    assert data["quiz_attempts"][0]["answers"][0]["mark"] == "1.00"
    assert data["certificates"][0]["name_on_certificate"] == learner.full_name
    text = response.content.decode()
    assert other_learner.email not in text and other_learner.full_name not in text
    assert "is_correct" not in text


def test_csv_export(client, history, learner):
    client.force_login(learner)
    response = client.get(reverse("my_records", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["record", "date", "course or item", "details"]
    kinds = {row[0] for row in rows[1:]}
    assert {"profile", "enrolment", "lesson completed", "quiz attempt", "certificate"} <= kinds


def test_records_need_login(client):
    response = client.get(reverse("my_records", args=["json"]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_correct_my_name(client, learner):
    client.force_login(learner)
    response = client.post(reverse("profile"), {"full_name": "  Alexandra   Citizen ", "organisation": ""})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.full_name == "Alexandra Citizen"
    response = client.post(reverse("profile"), {"full_name": "   ", "organisation": ""})
    assert (
        "Enter your full name" in response.content.decode()
        or "This field is required" in response.content.decode()
    )
    learner.refresh_from_db()
    assert learner.full_name == "Alexandra Citizen"
