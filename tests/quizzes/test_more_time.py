"""A learner asks for more time on a timed attempt (WCAG 2.2.1) where the trainer allows it: once,
within the quiz's bound, before the deadline, enforced on the server; and a countdown that reaches
zero submits what was answered, saying so on the result page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courses.services import enrol
from quizzes import factories
from quizzes.models import MAX_MORE_TIME_MINUTES, Attempt, QuizPage, QuizQuestion
from quizzes.services import QuizUnavailable, add_more_time, grant_extension, start_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed_quiz(course):
    quiz = QuizPage.objects.descendant_of(course).get()
    quiz.time_limit_minutes = 20
    quiz.more_time_minutes = 10
    # A second question, so one answer leaves the attempt incomplete.
    QuizQuestion.objects.create(quiz=quiz, question=factories.make_true_false(), sort_order=5)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


@pytest.fixture
def attempt(timed_quiz, course, learner):
    enrol(learner, course)
    return start_attempt(learner, timed_quiz)


def test_more_time_is_added_once(attempt):
    deadline = attempt.deadline
    assert add_more_time(attempt) == 10
    attempt.refresh_from_db()
    assert attempt.deadline == deadline + timedelta(minutes=10) and attempt.more_time_taken == 10
    with pytest.raises(QuizUnavailable):
        add_more_time(attempt)
    attempt.refresh_from_db()
    assert attempt.deadline == deadline + timedelta(minutes=10)


def test_no_more_time_where_the_quiz_does_not_allow_it_or_after_the_deadline(attempt, timed_quiz):
    QuizPage.objects.filter(pk=timed_quiz.pk).update(more_time_minutes=0)
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt.pk)
    with pytest.raises(QuizUnavailable):
        add_more_time(attempt)
    QuizPage.objects.filter(pk=timed_quiz.pk).update(more_time_minutes=10)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt.pk)
    with pytest.raises(QuizUnavailable):
        add_more_time(attempt)
    assert Attempt.objects.get(pk=attempt.pk).more_time_taken == 0


def test_the_bound_on_more_time_is_enforced(timed_quiz):
    timed_quiz.more_time_minutes = MAX_MORE_TIME_MINUTES + 1
    with pytest.raises(ValidationError) as error:
        timed_quiz.full_clean()
    assert "more_time_minutes" in error.value.message_dict


def test_a_trainers_extension_keeps_the_time_the_learner_asked_for(attempt, timed_quiz, learner):
    add_more_time(attempt)
    grant_extension(timed_quiz, learner, 15)
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=20 + 15 + 10)


def test_asking_through_the_page_saves_answers_and_is_refused_for_someone_else(
    client, attempt, learner, other_learner
):
    question = next(q for q in attempt.questions if type(q).__name__ == "SingleChoiceQuestion")
    answer = factories.correct_option_id(question)
    data = factories.attempt_form_data(attempt, {question.pk: answer})
    url = reverse("quizzes:more_time", args=[attempt.pk])
    client.force_login(other_learner)
    assert client.post(url, data).status_code == 404
    client.force_login(learner)
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "Ask for 10 more minutes" in page
    response = client.post(url, data, follow=True)
    assert "You have 10 more minutes." in response.content.decode()
    assert "Ask for 10 more minutes" not in response.content.decode()  # once only
    attempt.refresh_from_db()
    assert attempt.more_time_taken == 10 and attempt.answers == {str(question.pk): answer}
    assert attempt.submitted_at is None


def test_time_up_submits_what_was_answered_only_at_the_deadline(client, attempt, learner):
    client.force_login(learner)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    question = next(q for q in attempt.questions if type(q).__name__ == "SingleChoiceQuestion")
    data = factories.attempt_form_data(attempt, {question.pk: factories.correct_option_id(question)})
    # Long before the deadline a "time is up" is an ordinary submit: an incomplete one is refused.
    response = client.post(url, {**data, "time_up": "1"})
    assert response.status_code == 200 and Attempt.objects.get(pk=attempt.pk).submitted_at is None
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=3))
    response = client.post(url, {**data, "time_up": "1"}, follow=True)
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and str(question.pk) in attempt.answers
    assert "Time ran out, so your answers were submitted." in response.content.decode()
