"""A quiz with every question type in Chromium: keyboard only, autosave, axe-clean throughout."""

import re

import pytest
from playwright.sync_api import expect

from courses.factories import make_user
from courses.services import enrol
from quizzes import factories
from quizzes.factories import make_course
from quizzes.models import Attempt, QuizPage, QuizQuestion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))


def test_every_question_type_by_keyboard_with_autosave(live_server, page, assert_accessible):
    course = make_course(title="Quiz types")
    quiz = QuizPage.objects.descendant_of(course).get()
    for n, make in enumerate(factories.ALL_TYPE_MAKERS[1:], start=1):
        QuizQuestion.objects.create(quiz=quiz, question=make(), sort_order=n)
    quiz.time_limit_minutes = 30
    quiz.save_revision().publish()
    learner = make_user(password="Quiz-Taker-2026")
    enrol(learner, course)

    log_in(page, live_server.url, learner.email, "Quiz-Taker-2026")
    page.goto(live_server.url + quiz.url)
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit answers").wait_for()
    expect(page.get_by_text("Time left:")).to_be_visible()
    assert_accessible(page)  # unanswered

    # Submitting with nothing answered: errors, nothing marked.
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)  # with validation errors
    attempt = Attempt.objects.get(user=learner)
    # GOV.UK error summary: the title says so, focus starts on the summary, and each of its links
    # moves focus to a control of its question (never to a wrapper that cannot take focus).
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(attempt.questions))
    for n in range(len(attempt.questions)):
        target = links.nth(n).get_attribute("href")
        links.nth(n).click()
        expect(page.locator(target)).to_be_focused()
        assert page.evaluate("document.activeElement.tagName") in ("INPUT", "SELECT")
    assert attempt.submitted_at is None

    # Answer everything with the keyboard only.
    questions = {type(q).__name__: q for q in attempt.questions}
    page.get_by_label("Pause and check the facts").focus()
    page.keyboard.press("Space")
    for label in ("Use a strong unique password", "Turn on two-factor authentication"):
        page.get_by_label(label).focus()
        page.keyboard.press("Space")
    page.locator(f"input[name={questions['TrueFalseQuestion'].slot}][value=true]").focus()
    page.keyboard.press("Space")
    page.get_by_label("Your answer to question 4").focus()
    page.keyboard.type("apsc")
    page.get_by_label("Your answer to question 5").focus()
    page.keyboard.type("70")
    for prompt, match in [
        ("Knowledge", "Theory, news and trends"),
        ("Skill", "Strategic, technical and relational"),
        ("Practice", "Implementation and evaluation"),
    ]:
        # Each select's name carries its question (a screen reader's list of controls says which).
        select = page.get_by_label(re.compile(rf"^{prompt} \(question \d+: its match\)$"))
        select.focus()
        select.select_option(label=match)  # a native select: arrow keys pick the same option
    ordering = questions["OrderingQuestion"]
    # Ordering positions start empty: the question counts as answered once every item has one.
    for position, (_, text) in enumerate(ordering.item_list(), start=1):
        select = page.get_by_label(re.compile(rf"^Position of “{re.escape(text)}” \(question \d+\)$"))
        expect(select).to_have_accessible_description(re.compile("1 comes first"))
        select.select_option(str(position))

    # Autosave stores the answers on the server before any submit.
    for _ in range(50):
        attempt.refresh_from_db()
        if len(attempt.answers) == 7:
            break
        page.wait_for_timeout(200)
    assert len(attempt.answers) == 7 and attempt.submitted_at is None

    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("you passed").wait_for()
    assert_accessible(page)  # results
    attempt.refresh_from_db()
    assert attempt.score == 100
