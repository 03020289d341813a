import pytest

from courses.services import enrol
from quizzes.factories import attempt_form_data, correct_option_id, make_single_choice, wrong_option_id
from quizzes.models import Attempt, Question, QuizPage, Response
from quizzes.services import QuizUnavailable, start_attempt, submit_attempt


@pytest.fixture
def quiz(course):
    return QuizPage.objects.descendant_of(course).get()


def test_single_choice_marks_only_the_correct_option(db):
    question = make_single_choice()
    assert question.grade(correct_option_id(question)) == 1.0
    assert question.grade(wrong_option_id(question)) == 0.0
    assert question.grade("not-an-option") == 0.0


def test_form_field_carries_no_answer_key(db):
    question = make_single_choice()
    field = question.form_field()
    rendered = str(field.widget.render("q", None))
    assert "is_correct" not in rendered and "Yes: check first." not in rendered
    assert {value for value, _ in field.choices} == {oid for oid, _ in question.option_list()}


def test_snapshot_round_trip_keeps_subtype_and_marking(db):
    question = make_single_choice()
    copy = Question.from_snapshot(question.to_snapshot())
    assert type(copy) is type(question)
    assert copy.grade(correct_option_id(question)) == 1.0


@pytest.mark.django_db
def test_editing_a_question_mid_attempt_does_not_change_the_attempt(course, quiz, learner):
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    question = quiz.questions()[0]
    right = correct_option_id(question)
    # A trainer now makes a different option the correct one.
    raw = list(question.options.raw_data)
    for block in raw:
        block["value"]["is_correct"] = not block["value"]["is_correct"] if block["id"] == right else False
    raw[1]["value"]["is_correct"] = True
    question.options = raw
    question.save()
    result = submit_attempt(attempt, {str(question.pk): right})
    assert result.attempt.score == 100 and result.attempt.passed


@pytest.mark.django_db
def test_second_submit_is_not_marked_again(course, quiz, learner):
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    question = attempt.questions[0]
    first = submit_attempt(attempt, {str(question.pk): wrong_option_id(question)})
    again = submit_attempt(attempt, {str(question.pk): correct_option_id(question)})
    assert not first.already_submitted and again.already_submitted
    assert again.attempt.score == 0
    assert Response.objects.filter(attempt=attempt).count() == 1


@pytest.mark.django_db
def test_start_reuses_the_open_attempt_and_numbers_new_ones(course, quiz, learner):
    enrol(learner, course)
    first = start_attempt(learner, quiz)
    assert start_attempt(learner, quiz).pk == first.pk
    submit_attempt(first, {})
    second = start_attempt(learner, quiz)
    assert second.pk != first.pk and second.number == 2
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 2


@pytest.mark.django_db
def test_client_sent_scores_are_ignored(client, course, quiz, learner):
    from django.urls import reverse

    enrol(learner, course)
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    question = attempt.questions[0]
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {
            **attempt_form_data(attempt, {question.pk: wrong_option_id(question)}),
            "score": "100",
            "passed": "true",
        },
    )
    attempt.refresh_from_db()
    assert attempt.score == 0 and not attempt.passed


@pytest.mark.django_db
def test_attempt_page_has_no_answer_keys(client, course, quiz, learner):
    from django.urls import reverse

    enrol(learner, course)
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "Pause and check the facts" in html  # the options are shown...
    for secret in ("is_correct", "Yes: check first.", "Not yet.", "Checking facts avoids"):
        assert secret not in html  # ...but no key, option feedback or general feedback


@pytest.mark.django_db
def test_quiz_without_questions_cannot_start(course, learner):
    from quizzes.models import QuizQuestion

    quiz = QuizPage.objects.descendant_of(course).get()
    QuizQuestion.objects.filter(quiz=quiz).delete()
    with pytest.raises(QuizUnavailable):
        start_attempt(learner, quiz)
