"""The attempt lifecycle: start, autosave, resume, submit once, limits, time limits, review."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.factories import make_user
from courses.services import enrol
from quizzes import factories
from quizzes.models import Attempt, QuizPage, QuizQuestion
from quizzes.services import (
    QuizUnavailable,
    grant_extension,
    quiz_status,
    start_attempt,
    submit_attempt,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    return QuizPage.objects.descendant_of(course).get()


@pytest.fixture
def full_quiz(course):
    """A quiz with one question of every type."""
    quiz = QuizPage.objects.descendant_of(course).get()
    for n, make in enumerate(factories.ALL_TYPE_MAKERS[1:], start=1):
        QuizQuestion.objects.create(quiz=quiz, question=make(), sort_order=n)
    return quiz


def right_answer(question):
    kind = type(question).__name__
    if kind == "SingleChoiceQuestion":
        return factories.correct_option_id(question)
    if kind == "MultipleResponseQuestion":
        return [oid for oid, o in question.option_list() if o["is_correct"]]
    if kind == "TrueFalseQuestion":
        return "true" if question.correct_answer else "false"
    if kind == "ShortAnswerQuestion":
        return "APSC"
    if kind == "NumericQuestion":
        return "70"
    if kind == "MatchingQuestion":
        return {pid: match for pid, _, match in question.prompts()}
    return [iid for iid, _ in question.item_list()]


def test_full_marks_on_every_type_through_the_form(client, course, full_quiz, learner):
    enrol(learner, course)
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[full_quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    assert len(attempt.questions) == 7
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert page.status_code == 200
    data = factories.attempt_form_data(attempt, {q.pk: right_answer(q) for q in attempt.questions})
    response = client.post(reverse("quizzes:attempt", args=[attempt.pk]), data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100 and attempt.passed
    assert attempt.responses.count() == 7


def test_autosave_stores_answers_and_resume_shows_them(client, course, full_quiz, learner):
    enrol(learner, course)
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[full_quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    tf = next(q for q in attempt.questions if type(q).__name__ == "TrueFalseQuestion")
    matching = next(q for q in attempt.questions if type(q).__name__ == "MatchingQuestion")
    first_prompt, _, first_match = matching.prompts()[0]
    response = client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        factories.attempt_form_data(attempt, {tf.pk: "true", matching.pk: {first_prompt: first_match}}),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["answered"] == 2
    assert set(body) == {"saved", "saved_at", "answered", "seconds_left"}  # nothing about marks
    attempt.refresh_from_db()
    assert attempt.answers[str(tf.pk)] == "true"
    assert attempt.answers[str(matching.pk)] == {first_prompt: first_match}  # partial match kept
    assert attempt.submitted_at is None

    # "Another device": a fresh client for the same learner sees the saved answers.
    from django.test import Client

    other = Client()
    other.force_login(learner)
    html = other.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert re.search(rf'name="{tf.slot}" value="true"[^>]*checked', html)
    assert re.search(rf'<option value="{re.escape(first_match)}" selected>', html)


def test_autosave_after_submit_is_refused_kindly(client, course, quiz, learner):
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, {})
    response = client.post(reverse("quizzes:autosave", args=[attempt.pk]), {})
    assert response.status_code == 409
    assert response.json()["closed"] is True
    assert response.json()["result_url"] == reverse("quizzes:result", args=[attempt.pk])


def test_stale_submit_from_another_tab_is_marked_once(client, course, quiz, learner):
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    question = attempt.questions[0]
    url = reverse("quizzes:attempt", args=[attempt.pk])
    client.post(url, factories.attempt_form_data(attempt, {question.pk: factories.wrong_option_id(question)}))
    response = client.post(
        url,
        factories.attempt_form_data(attempt, {question.pk: factories.correct_option_id(question)}),
        follow=True,
    )
    assert b"already been submitted" in response.content
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.responses.count() == 1


def test_another_learner_cannot_autosave_into_my_attempt(client, course, quiz, learner, other_learner):
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    client.force_login(other_learner)
    question = attempt.questions[0]
    response = client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        factories.attempt_form_data(attempt, {question.pk: factories.correct_option_id(question)}),
    )
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.answers == {}


def test_attempt_limit(course, quiz, learner):
    quiz.attempts_allowed = 2
    quiz.save()
    enrol(learner, course)
    for _ in range(2):
        submit_attempt(start_attempt(learner, quiz), {})
    with pytest.raises(QuizUnavailable, match="all 2 attempts"):
        start_attempt(learner, quiz)
    assert quiz_status(learner, quiz).can_start is False


def test_grading_method_latest_vs_highest(course, quiz, learner):
    enrolment = enrol(learner, course)

    def passed_quiz_ids(learner, quiz_ids):
        return QuizPage.done_item_ids([enrolment], quiz_ids)[enrolment.pk]

    question = quiz.questions()[0]
    submit_attempt(start_attempt(learner, quiz), {str(question.pk): factories.correct_option_id(question)})
    submit_attempt(start_attempt(learner, quiz), {str(question.pk): factories.wrong_option_id(question)})
    assert passed_quiz_ids(learner, [quiz.pk]) == {quiz.pk}  # highest: the first attempt counts
    quiz.grading_method = QuizPage.GradingMethod.LATEST
    quiz.save()
    assert passed_quiz_ids(learner, [quiz.pk]) == set()
    assert quiz_status(learner, quiz).graded_attempt.number == 2


def test_time_limit_is_enforced_on_the_server(client, course, quiz, learner):
    quiz.time_limit_minutes = 10
    quiz.save()
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    assert timedelta(minutes=9) < attempt.deadline - timezone.now() <= timedelta(minutes=10)
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'data-seconds-left="' in html
    question = attempt.questions[0]
    client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        factories.attempt_form_data(attempt, {question.pk: factories.wrong_option_id(question)}),
    )

    # Time passes: a late submit with a better answer is not accepted; the saved one is marked.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        factories.attempt_form_data(attempt, {question.pk: factories.correct_option_id(question)}),
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.closed_by_time_limit and attempt.score == 0


def test_late_autosave_is_refused(client, course, quiz, learner):
    quiz.time_limit_minutes = 5
    quiz.save()
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    question = attempt.questions[0]
    response = client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        factories.attempt_form_data(attempt, {question.pk: factories.correct_option_id(question)}),
    )
    assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.score == 0


def test_extension_moves_the_deadline(course, quiz, learner):
    quiz.time_limit_minutes = 10
    quiz.save()
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    grant_extension(quiz, learner, 15, reason="Screen reader user")
    attempt.refresh_from_db()
    assert attempt.deadline - attempt.started_at == timedelta(minutes=25)
    other = make_user(email="third@example.gov.au")
    enrol(other, course)
    assert start_attempt(other, quiz).deadline - timezone.now() <= timedelta(minutes=10)


def test_random_draw_and_shuffle(course, learner):
    category = factories.bank("Random pool")
    pool = [factories.make_single_choice(category=category, name=f"Pool {n}") for n in range(6)]
    module = QuizPage.objects.descendant_of(course).get().get_parent().specific
    quiz = factories.make_quiz(
        module,
        title="Random quiz",
        questions=[pool[0]],
        random_category=category,
        random_count=3,
        shuffle_questions=True,
        shuffle_options=True,
    )
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    ids = [q.pk for q in attempt.questions]
    assert len(ids) == 4 and len(set(ids)) == 4 and pool[0].pk in ids
    assert set(ids) <= {q.pk for q in pool}


@pytest.mark.parametrize(
    ("review", "passes", "shown"),
    [
        ("never", True, False),
        ("after_each", False, True),
        ("after_pass", False, False),
        ("after_pass", True, True),
    ],
)
def test_review_options_control_what_the_result_shows(client, course, quiz, learner, review, passes, shown):
    quiz.review_correct_answers = review
    quiz.save()
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    question = attempt.questions[0]
    answer = factories.correct_option_id(question) if passes else factories.wrong_option_id(question)
    submit_attempt(attempt, {str(question.pk): answer})
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert ("Correct answer</dt><dd>Pause and check the facts" in html) is shown
    assert ("Checking facts avoids" in html) is shown


def test_last_attempt_review(client, course, quiz, learner):
    quiz.review_correct_answers = "after_last"
    quiz.attempts_allowed = 2
    quiz.save()
    enrol(learner, course)
    client.force_login(learner)
    first = start_attempt(learner, quiz)
    submit_attempt(first, {})
    assert b"Correct answer</dt>" not in client.get(reverse("quizzes:result", args=[first.pk])).content
    submit_attempt(start_attempt(learner, quiz), {})
    assert b"Correct answer</dt>" in client.get(reverse("quizzes:result", args=[first.pk])).content


def test_trainer_preview_shows_the_quiz_and_saves_nothing(admin_client, full_quiz):
    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[full_quiz.pk]))
    assert response.status_code == 200
    assert b"Preview: this is how learners see the quiz" in response.content
    assert not Attempt.objects.exists()


def test_quiz_page_never_lists_answer_keys_in_json_or_html(client, course, full_quiz, learner):
    enrol(learner, course)
    client.force_login(learner)
    html = client.get(full_quiz.url).content.decode()
    attempt = start_attempt(learner, full_quiz)
    html += client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    html += json.dumps(client.post(reverse("quizzes:autosave", args=[attempt.pk]), {}).json())
    assert "is_correct" not in html and "fraction" not in html and "tolerance" not in html
