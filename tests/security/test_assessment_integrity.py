"""Assessment integrity: option order drawn per attempt, nothing on the page names a question or
an answer, a safe review policy by default (through one function everywhere), a wait between
attempts, and ordering questions that start unanswered."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.services import enrol
from dashboard.privacy import learner_records
from quizzes import factories
from quizzes.forms import AttemptForm
from quizzes.models import Attempt, QuizPage, QuizQuestion
from quizzes.questions import stream_items
from quizzes.services import QuizUnavailable, quiz_status, start_attempt, submit_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    return QuizPage.objects.descendant_of(course).get()


def six_option_question():
    return factories.make_single_choice(
        name="Six options", wrong=("Reply at once", "Delete it", "Ignore it", "Block them", "Argue")
    )


def shown_order(attempt):
    (question,) = attempt.questions
    return [option_id for option_id, _ in question.option_list()]


def test_shuffling_is_on_by_default():
    assert QuizPage._meta.get_field("shuffle_options").default is True


def test_each_attempt_draws_its_own_option_order(course, quiz, learner):
    QuizQuestion.objects.filter(quiz=quiz).delete()
    QuizQuestion.objects.create(quiz=quiz, question=six_option_question(), sort_order=0)
    quiz.refresh_from_db()
    orders = {tuple(shown_order(Attempt(snapshot=quiz.build_snapshot()))) for _ in range(12)}
    # 720 orders of six options: twelve draws all alike would be a fixed order.
    assert len(orders) > 6


def test_a_quiz_may_keep_the_authored_order(course, quiz):
    QuizQuestion.objects.filter(quiz=quiz).delete()
    question = six_option_question()
    QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=0)
    quiz.shuffle_options = False
    quiz.save()
    authored = [option_id for option_id, _ in question.option_list()]
    assert all(shown_order(Attempt(snapshot=quiz.build_snapshot())) == authored for _ in range(5))


def test_the_page_names_no_question_and_no_option(client, course, quiz, learner):
    for n, make in enumerate(factories.ALL_TYPE_MAKERS[1:], start=1):
        QuizQuestion.objects.create(quiz=quiz, question=make(), sort_order=n)
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html)) - {
        "csrfmiddlewaretoken"
    }
    values = set(re.findall(r'value="([^"]*)"', html))
    # Every field is named by a slot drawn for this attempt (and its rows by drawn tokens).
    slots = {question.slot for question in attempt.questions}
    assert {name.split("-")[0] for name in names} == slots
    assert not any(
        str(question.pk) in slot for question in attempt.questions for slot in slots if len(slot) < 6
    )
    tokenised = 0
    for question in attempt.questions:
        if question.tokenised_field:
            tokenised += 1
            real_ids = {child_id for child_id, _ in stream_items(getattr(question, question.tokenised_field))}
            assert real_ids and not any(rid in text for rid in real_ids for text in names | values), question
    assert tokenised == 4  # single choice, multiple response, matching, ordering


def test_slots_and_tokens_differ_between_attempts(course, quiz, learner):
    enrol(learner, course)
    first = start_attempt(learner, quiz)
    submit_attempt(first, {})
    second = start_attempt(learner, quiz)
    (q1,), (q2,) = first.questions, second.questions
    assert q1.pk == q2.pk and q1.slot != q2.slot
    assert set(q1.snapshot_extra["tokens"]).isdisjoint(q2.snapshot_extra["tokens"])


def test_matching_and_ordering_orders_are_not_derived_from_the_question(db):
    matching, ordering = factories.make_matching(), factories.make_ordering()
    choice_orders = {tuple(matching.to_snapshot()["extra"]["choice_order"]) for _ in range(12)}
    item_orders = {tuple(ordering.to_snapshot()["extra"]["display_order"]) for _ in range(12)}
    assert len(choice_orders) > 1 and len(item_orders) > 1


def test_an_untouched_ordering_question_is_unanswered(course, quiz, learner):
    ordering = factories.make_ordering()
    QuizQuestion.objects.create(quiz=quiz, question=ordering, sort_order=1)
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    html = AttemptForm(attempt).as_div()
    assert "selected>1<" not in html and "selected" in html  # only "Choose…" is selected
    form = AttemptForm(attempt, {})
    assert not form.is_valid() and str(ordering.pk) not in form.partial_answers()


def fail(learner, quiz):
    attempt = start_attempt(learner, quiz)
    (question,) = attempt.questions
    submit_attempt(attempt, {str(question.pk): factories.wrong_option_id(question)})
    return attempt


def test_by_default_a_failed_attempt_shows_no_answers_and_no_marks(client, course, quiz, learner):
    assert quiz.review_correct_answers == QuizPage.Review.AFTER_PASS_OR_LAST
    enrol(learner, course)
    attempt = fail(learner, quiz)
    client.force_login(learner)
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Correct answer" not in html and "Pause and check the facts" not in html
    assert "Checking facts avoids" not in html  # general feedback is off by default too
    assert "incorrect" not in html  # no mark per question
    exported = learner_records(learner)["quiz_attempts"][0]["answers"][0]
    assert "mark" not in exported and exported["answer"] in ("Reply at once", "Delete the comment")


def test_answers_and_marks_show_once_no_attempts_remain(client, course, quiz, learner):
    quiz.attempts_allowed = 1
    quiz.save()
    enrol(learner, course)
    attempt = fail(learner, quiz)
    client.force_login(learner)
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "<dt>Correct answer</dt><dd>Pause and check the facts</dd>" in html and "Incorrect" in html
    assert learner_records(learner)["quiz_attempts"][0]["answers"][0]["mark"] == "0.00"


def test_general_feedback_may_show_after_each_attempt(client, course, quiz, learner):
    quiz.show_general_feedback = True
    quiz.save()
    enrol(learner, course)
    attempt = fail(learner, quiz)
    client.force_login(learner)
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Checking facts avoids" in html and "Correct answer" not in html


def test_a_learner_waits_before_trying_again(client, course, quiz, learner):
    quiz.retry_delay_minutes = 30
    quiz.save()
    enrol(learner, course)
    fail(learner, quiz)
    with pytest.raises(QuizUnavailable, match="try this quiz again from"):
        start_attempt(learner, quiz)
    client.force_login(learner)
    page = client.get(quiz.url).content.decode()
    assert "You can try again from" in page
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert quiz_status(learner, quiz).can_start
        assert start_attempt(learner, quiz).number == 2
