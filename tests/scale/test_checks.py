"""The scale test's checks afterwards (scale/checks.py), on a small run made here: what a consistent
run looks like, and that a lost autosave, a grading gone wrong and a page naming another learner
are each reported. (`make scale-test` itself runs the servers; it is not part of `make test`.)"""

import pytest

from courses.services import enrol
from quizzes.factories import attempt_form_data, correct_option_id, wrong_option_id
from quizzes.models import QuizPage, Response
from quizzes.services import save_answers, start_attempt, submit_attempt
from scale.checks import check_run, stored_answers


def ledger_of(attempt, autosaved, submitted=None):
    """A ledger as scale/locustfile.py writes one: one acknowledged autosave, maybe a submit."""
    ledger = {
        "autosaves": [
            {"attempt": attempt.pk, "learner": attempt.user.email, "data": autosaved, "acknowledged": True}
        ],
        "submits": [],
        "certificates": [],
        "pages_checked": 3,
        "leaks": [],
        "missing_name": [],
    }
    if submitted is not None:
        ledger["submits"].append(
            {
                "attempt": attempt.pk,
                "learner": attempt.user.email,
                "data": submitted,
                "browsers": 2,
                "statuses": [200, 200],
            }
        )
    return ledger


@pytest.fixture
def attempt(course, learner):
    enrol(learner, course)
    return start_attempt(learner, QuizPage.objects.descendant_of(course).get())


@pytest.mark.django_db
def test_a_consistent_run_has_no_problems(attempt):
    question = attempt.questions[0]
    autosaved = attempt_form_data(attempt, {question.pk: correct_option_id(question)})
    save_answers(attempt, stored_answers(attempt, autosaved))
    wrong = attempt_form_data(attempt, {question.pk: wrong_option_id(question)})
    submit_attempt(attempt, stored_answers(attempt, wrong))  # not passed: no completion, no certificate

    # The learner changed their answer after the autosave: the one submitted is the one kept.
    report = check_run(ledger_of(attempt, autosaved, submitted=wrong))

    assert report["problems"] == []
    assert report["figures"]["autosaves acknowledged"] == 1
    assert report["figures"]["graded attempts"] == 1
    assert report["figures"]["submits from two browsers at once"] == 1
    assert report["figures"]["answers lost"] == 0


@pytest.mark.django_db
def test_a_lost_autosave_a_wrong_grading_and_a_leak_are_reported(attempt, other_learner):
    question = attempt.questions[0]
    autosaved = attempt_form_data(attempt, {question.pk: correct_option_id(question)})
    ledger = ledger_of(attempt, autosaved)  # acknowledged, but never stored
    ledger["leaks"].append({"learner": attempt.user.email, "url": "/my-learning/", "names": ["Sam Other"]})
    assert check_run(ledger)["problems"] == [
        f"attempt {attempt.pk}: acknowledged answers to ['{question.pk}'] are not stored",
        f"{attempt.user.email} was shown Sam Other on /my-learning/",
    ]

    save_answers(attempt, stored_answers(attempt, autosaved))
    submit_attempt(attempt, {})
    Response.objects.filter(attempt=attempt).delete()
    # Graded with its responses gone, and with no submit from the learner in the ledger.
    assert check_run(ledger_of(attempt, autosaved))["problems"] == [
        f"attempt {attempt.pk}: 0 responses to 1 questions",
        f"attempt {attempt.pk} was graded but never submitted",
    ]
