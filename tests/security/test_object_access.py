"""Object-level access: another learner's attempt, result, autosave or certificate answers exactly
as something that does not exist (404), so an id or code reveals nothing."""

import re

import pytest
from django.urls import reverse

from certificates.services import issue_certificate
from courses.models import LessonPage
from courses.services import enrol
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt

from ..conftest import run_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners_things(course, learner):
    """A submitted attempt, an open one and a certificate, all belonging to `learner`."""
    enrol(learner, course)
    quiz = QuizPage.objects.descendant_of(course).get()
    submitted = start_attempt(learner, quiz)
    submit_attempt(submitted, {})
    open_attempt = start_attempt(learner, quiz)
    with run_on_commit():
        certificate, _ = issue_certificate(learner.enrolments.get())
    return {"submitted": submitted, "open": open_attempt, "certificate": certificate}


def requests_for(things, missing=False):
    """(method, url) for every learner URL that takes an attempt id or a certificate code."""
    attempt_id = 987654321 if missing else things["open"].pk
    result_id = 987654322 if missing else things["submitted"].pk
    code = "NoSuchCertificateCode0000000000000" if missing else things["certificate"].code
    return [
        ("get", reverse("quizzes:attempt", args=[attempt_id])),
        ("post", reverse("quizzes:attempt", args=[attempt_id])),
        ("post", reverse("quizzes:autosave", args=[attempt_id])),
        ("get", reverse("quizzes:result", args=[result_id])),
        ("get", reverse("certificates:download", args=[code])),
        ("post", reverse("certificates:prepare", args=[code])),
    ]


def without_csrf_token(html):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_another_learners_objects_look_exactly_like_missing_ones(
    client, owners_things, other_learner, course
):
    enrol(other_learner, course)
    client.force_login(other_learner)
    theirs = [getattr(client, m)(url) for m, url in requests_for(owners_things)]
    missing = [getattr(client, m)(url) for m, url in requests_for(owners_things, missing=True)]
    for (method, url), mine, gone in zip(requests_for(owners_things), theirs, missing, strict=True):
        assert mine.status_code == gone.status_code == 404, (method, url)
        assert without_csrf_token(mine.content) == without_csrf_token(gone.content), (method, url)
    owners_things["open"].refresh_from_db()
    assert owners_things["open"].answers == {} and owners_things["open"].submitted_at is None


def test_the_owner_reaches_them(client, owners_things, learner):
    client.force_login(learner)
    for method, url in requests_for(owners_things):
        if method == "get":
            assert getattr(client, method)(url).status_code == 200, url


def test_records_export_holds_only_the_signed_in_learners_records(client, owners_things, other_learner):
    client.force_login(other_learner)
    data = client.get(reverse("my_records", args=["json"])).json()
    assert data["profile"]["email"] == other_learner.email
    assert data["quiz_attempts"] == [] and data["certificates"] == []


def test_a_learner_cannot_open_the_admin_review_of_practice_work(client, course, learner):
    lesson = LessonPage.objects.descendant_of(course).get()
    client.force_login(learner)
    response = client.get(reverse("practice_tasks:index"))
    assert response.status_code == 302 and response.url.startswith((reverse("login"), "/admin/login/"))
    assert lesson.pk  # the lesson exists; the admin turns the learner away all the same
