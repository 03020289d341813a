"""No correctness data in any page or response a learner gets before submitting."""

import json
import re

import pytest
from django.urls import reverse

from courses.services import enrol
from quizzes.factories import attempt_form_data, bank
from quizzes.models import (
    Attempt,
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    QuizPage,
    QuizQuestion,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

pytestmark = pytest.mark.django_db

# Strings that exist only in answer keys and feedback: none may reach the learner before submitting.
SECRETS = [
    "SECRET-option-feedback-1",
    "SECRET-option-feedback-2",
    "SECRET-general-feedback",
    "SECRET-mr-feedback",
    "SECRET-true-feedback",
    "SECRET-false-feedback",
    "zebracorn accepted answer",
    "SECRET-short-feedback",
    "4242.5",
    "SECRET-numeric-feedback",
]


@pytest.fixture
def secret_quiz(course):
    category = bank("Leak check")
    common = {"category": category, "general_feedback": "<p>SECRET-general-feedback</p>"}
    questions = [
        SingleChoiceQuestion.objects.create(
            name="sc",
            text="<p>Pick one</p>",
            **common,
            options=[
                ("option", {"text": "Alpha", "is_correct": True, "feedback": "SECRET-option-feedback-1"}),
                ("option", {"text": "Beta", "is_correct": False, "feedback": "SECRET-option-feedback-2"}),
            ],
        ),
        MultipleResponseQuestion.objects.create(
            name="mr",
            text="<p>Pick some</p>",
            **common,
            options=[
                ("option", {"text": "Gamma", "is_correct": True, "feedback": "SECRET-mr-feedback"}),
                ("option", {"text": "Delta", "is_correct": False, "feedback": ""}),
            ],
        ),
        TrueFalseQuestion.objects.create(
            name="tf",
            text="<p>True?</p>",
            correct_answer=True,
            **common,
            feedback_true="SECRET-true-feedback",
            feedback_false="SECRET-false-feedback",
        ),
        ShortAnswerQuestion.objects.create(
            name="sa",
            text="<p>Type it</p>",
            **common,
            answers=[
                (
                    "answer",
                    {
                        "text": "zebracorn accepted answer",
                        "fraction": 100,
                        "feedback": "SECRET-short-feedback",
                    },
                )
            ],
        ),
        NumericQuestion.objects.create(
            name="num",
            text="<p>Number?</p>",
            **common,
            answers=[
                (
                    "answer",
                    {
                        "value": "4242.5",
                        "tolerance": "0",
                        "fraction": 100,
                        "feedback": "SECRET-numeric-feedback",
                    },
                )
            ],
        ),
        MatchingQuestion.objects.create(
            name="match",
            text="<p>Match</p>",
            **common,
            pairs=[
                ("pair", {"prompt": "One", "match": "Uno"}),
                ("pair", {"prompt": "Two", "match": "Dos"}),
                ("pair", {"prompt": "Three", "match": "Tres"}),
            ],
        ),
        OrderingQuestion.objects.create(
            name="order",
            text="<p>Order</p>",
            **common,
            items=[("item", {"text": "First"}), ("item", {"text": "Second"}), ("item", {"text": "Third"})],
        ),
    ]
    quiz = QuizPage.objects.descendant_of(course).get()
    QuizQuestion.objects.filter(quiz=quiz).delete()
    for n, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=n)
    return quiz


def assert_no_secrets(text, where):
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked in {where}"
    for word in ("is_correct", "correct_answer", "fraction", "tolerance", "display_order", "choice_order"):
        assert word not in text, f"{word!r} leaked in {where}"


def test_nothing_leaks_before_submission(client, course, secret_quiz, learner):
    enrol(learner, course)
    client.force_login(learner)
    assert_no_secrets(client.get(secret_quiz.url).content.decode(), "quiz page")
    client.post(reverse("quizzes:start", args=[secret_quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    html = client.get(url).content.decode()
    assert_no_secrets(html, "attempt page")
    assert "Uno" in html and "First" in html  # the choices themselves are shown

    # Matching rows start unanswered; ordering starts in an order that is not the answer.
    assert not re.search(r'<option value="(Uno|Dos|Tres)" selected>', html)
    ordering = next(q for q in attempt.questions if isinstance(q, OrderingQuestion))
    shown = [iid for iid, _ in ordering.displayed_items()]
    assert shown != [iid for iid, _ in ordering.item_list()]

    # A failed (incomplete) submit and every autosave reply are clean too.
    assert_no_secrets(client.post(url, {}).content.decode(), "validation error page")
    sc = attempt.questions[0]
    reply = client.post(
        reverse("quizzes:autosave", args=[attempt.pk]),
        attempt_form_data(attempt, {sc.pk: sc.option_list()[1][0]}),
    )
    assert_no_secrets(json.dumps(reply.json()), "autosave JSON")
    assert attempt.responses.count() == 0


def test_no_endpoint_checks_an_answer_early(client, course, secret_quiz, learner):
    from django.urls import get_resolver

    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    quiz_names = {n for n in get_resolver().namespace_dict["quizzes"][1].reverse_dict if isinstance(n, str)}
    # "more_time" only adds minutes a trainer allowed to an attempt in progress; it reads no answer.
    assert quiz_names == {"start", "attempt", "autosave", "more_time", "result"}
    assert not any("check" in name for name in names | quiz_names)


def test_result_before_submission_redirects_to_the_attempt(client, course, secret_quiz, learner):
    enrol(learner, course)
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[secret_quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    response = client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert response.status_code == 302 and response.url == reverse("quizzes:attempt", args=[attempt.pk])
