"""The quiz result page: a summary (score, pass mark, result, attempts left, when to try again),
each question marked with an icon and words, marks per question and feedback only as the review
policy allows; and one way of writing a percentage on every page and export that shows a score."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.services import enrol
from lms.formatting import format_percent
from quizzes import factories
from quizzes.models import Attempt, QuizPage, QuizQuestion
from quizzes.services import start_attempt, submit_attempt
from reports.services import learner_timeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    return QuizPage.objects.descendant_of(course).get()


def eleven_question_quiz(quiz):
    """The quiz with 11 one-mark questions, so 6 right is 54.545...%."""
    for n in range(1, 11):
        QuizQuestion.objects.create(
            quiz=quiz, question=factories.make_single_choice(name=f"Extra question {n}"), sort_order=n
        )
    return quiz


def answer(attempt, right):
    """Answer the first `right` questions correctly and the rest wrongly."""
    return {
        str(q.pk): factories.correct_option_id(q) if n < right else factories.wrong_option_id(q)
        for n, q in enumerate(attempt.questions)
    }


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("value", "shown"),
    [(54.545, "54.55%"), ("80.00", "80%"), (66.5, "66.5%"), (0, "0%"), (100, "100%"), (None, "")],
)
def test_format_percent(value, shown):
    assert format_percent(value) == shown


def test_a_failed_attempt_shows_the_summary_without_answers(client, course, quiz, learner):
    quiz.attempts_allowed, quiz.retry_delay_minutes = 3, 30
    quiz.review_correct_answers = QuizPage.Review.AFTER_PASS
    quiz.save()
    eleven_question_quiz(quiz)
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, answer(attempt, 6))
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    text = text_of(html)
    assert "Not passed yet: 54.55% on attempt 1" in text
    assert "Your score 54.55%" in text and "Pass mark 80%" in text and "Result Not passed" in text
    assert "Attempts left 2 of 3" in text
    attempt.refresh_from_db()
    ready = timezone.localtime(attempt.submitted_at + timedelta(minutes=30))
    assert f"Try again From {ready:%-I:%M}" in text and f"on {ready:%-d %B %Y}" in text
    # The review policy hides every answer key, mark per question and choice's feedback.
    assert "Correct answer" not in html and "of 1 mark" not in html and "Yes: check first." not in html
    assert "question-result--" not in html and "✓" not in text.split("Your answers")[1]
    assert "appear once you pass" in text


def test_a_reviewed_attempt_marks_each_question_with_icon_and_words(client, course, quiz, learner):
    quiz.review_correct_answers = QuizPage.Review.AFTER_EACH
    quiz.save()
    eleven_question_quiz(quiz)
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, answer(attempt, 6))
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    text = text_of(html)
    assert "54.55% (6 of 11 marks)" in text
    assert "6 correct, 5 incorrect." in text
    correct = re.findall(r'question-result--correct">.*?<h3[^>]*>(.*?)</h3>', html, re.S)
    incorrect = re.findall(r'question-result--incorrect">.*?<h3[^>]*>(.*?)</h3>', html, re.S)
    assert len(correct) == 6 and len(incorrect) == 5
    # Icon (hidden from screen readers) and words, never colour alone.
    assert '<span class="result-icon" aria-hidden="true">✓</span> Correct' in correct[0]
    assert '<span class="result-icon" aria-hidden="true">✗</span> Incorrect' in incorrect[0]
    assert text.count("1 of 1 mark") == 6 and text.count("0 of 1 mark") == 5
    assert "Correct answer</dt><dd>Pause and check the facts" in html
    assert "Yes: check first." in html and "Not yet." in html


def test_someone_elses_result_is_a_404(client, course, quiz, learner, other_learner):
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, {})
    client.force_login(other_learner)
    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 404


def test_the_same_percentage_on_every_page_and_export(client, course, quiz, learner):
    eleven_question_quiz(quiz)
    enrol(learner, course)
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, answer(attempt, 6))
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert str(attempt.score) == "54.55"
    pages = {
        "result": client.get(reverse("quizzes:result", args=[attempt.pk])),
        "quiz page": client.get(quiz.url),
        "my learning": client.get(reverse("dashboard")),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert "54.55%" in html, name
        assert not re.search(r"(?<![\d.])55%|54\.5%|54\.545", html), name
    records = client.get(reverse("my_records", args=["csv"])).content.decode()
    rows = [row for row in csv.reader(io.StringIO(records)) if row and row[0] == "quiz attempt"]
    assert "score 54.55%" in rows[0][3]
    assert client.get(reverse("my_records", args=["json"])).json()["quiz_attempts"][0]["score"] == "54.55"
    timeline = [e for e in learner_timeline(learner) if e.kind == "Quiz attempt"]
    assert timeline[0].detail.startswith("54.55%, not passed")
