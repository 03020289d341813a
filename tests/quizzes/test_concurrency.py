"""Races settled in the database: 20 parallel requests record exactly one graded attempt, and an
attempt limit holds. Runs on SQLite and on PostgreSQL (where rows are locked FOR UPDATE)."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from courses.factories import make_user
from courses.services import enrol
from quizzes.factories import attempt_form_data, correct_option_id, make_course
from quizzes.models import Attempt, QuizPage, Response
from quizzes.services import QuizUnavailable, start_attempt
from tests.parallel import PARALLEL, run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_parallel_submits_record_one_graded_attempt():
    course = make_course(title=f"Race course on {connection.vendor}")
    quiz = QuizPage.objects.descendant_of(course).get()
    learner = make_user()
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    question = attempt.questions[0]
    data = attempt_form_data(attempt, {question.pk: correct_option_id(question)})
    url = reverse("quizzes:attempt", args=[attempt.pk])

    def submit():
        client = Client()
        client.force_login(learner)
        return client.post(url, data).status_code

    statuses, errors = run_in_parallel(submit)
    assert not errors, errors
    assert statuses == [302] * PARALLEL  # everyone is sent to the one result, kindly
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.score == 100
    assert Response.objects.filter(attempt=attempt).count() == 1


def test_attempt_limit_holds_under_parallel_starts():
    course = make_course(title=f"Limit course on {connection.vendor}")
    quiz = QuizPage.objects.descendant_of(course).get()
    quiz.attempts_allowed = 1
    quiz.save()
    learner = make_user()
    enrol(learner, course)

    def start():
        try:
            return start_attempt(learner, quiz).pk
        except QuizUnavailable:
            return None

    results, errors = run_in_parallel(start)
    assert not errors, errors
    opened = {pk for pk in results if pk is not None}
    assert len(opened) == 1  # every caller got the same single attempt
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
