"""The quiz timer for screen-reader and keyboard users (WCAG 2.2.1, 2.4.11): the time left is
announced when it crosses 10, 5 and 1 minutes and on request, the countdown can be hidden, the
learner can ask for the quiz's more time once, the sticky timer never covers the focused control,
and "Time is up" is an alert heard before the answers go. The page clock is Playwright's."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.factories import make_user
from courses.services import enrol
from quizzes import factories
from quizzes.factories import make_course
from quizzes.models import Attempt, QuizPage, QuizQuestion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOCUS_UNDER_TIMER = """() => {
  const box = document.getElementById("timer"), focused = document.activeElement;
  const timer = box.getBoundingClientRect(), rect = focused.getBoundingClientRect();
  const covered = rect.top < timer.bottom && rect.bottom > timer.top && !box.contains(focused);
  return {covered: covered, sticky: getComputedStyle(box).position === "sticky", id: focused.id};
}"""


def test_timer_announces_hides_gives_more_time_and_never_covers_focus(live_server, page):
    course = make_course(title="Timed quiz")
    quiz = QuizPage.objects.descendant_of(course).get()
    for n, make in enumerate(factories.ALL_TYPE_MAKERS[1:], start=1):
        QuizQuestion.objects.create(quiz=quiz, question=make(), sort_order=n)
    quiz.time_limit_minutes = 11
    quiz.more_time_minutes = 5
    quiz.save_revision().publish()
    learner = make_user(password="Timed-Quiz-2026")
    enrol(learner, course)

    page.clock.install()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill("Timed-Quiz-2026")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))
    page.goto(live_server.url + quiz.url)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^Question 1 "))).to_be_visible()
    announce = page.locator("#timer-announce")
    # The timer's script has started (it shows its buttons, then ticks once, in one go): a jump in
    # time before that would be the script's starting point, not a crossing of ten minutes.
    expect(page.get_by_role("button", name="Hide the countdown")).to_be_visible()
    expect(announce).to_be_empty()  # eleven minutes left: nothing to say yet

    page.clock.fast_forward("01:01")  # crosses ten minutes
    expect(announce).to_have_text("10 minutes left.")
    page.get_by_role("button", name="Tell me the time left").click()
    expect(announce).to_have_text(re.compile(r"^9 minutes \d+ seconds left\.$"))

    page.get_by_role("button", name="Hide the countdown").click()
    expect(page.locator("#timer-time")).to_be_hidden()
    page.reload()
    expect(page.get_by_role("button", name="Show the countdown")).to_be_visible()  # the choice is kept
    expect(page.locator("#timer-time")).to_be_hidden()
    page.get_by_role("button", name="Show the countdown").click()
    expect(page.locator("#timer-time")).to_be_visible()

    # Tabbing backwards from the submit button, the sticky timer never covers the focused control.
    for width, height in ((1280, 720), (390, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.get_by_role("button", name="Submit answers").focus()
        for _ in range(40):
            page.keyboard.press("Shift+Tab")
            state = page.evaluate(FOCUS_UNDER_TIMER)
            assert not state["covered"], (width, state)
            if state["id"] == "timer-toggle":
                break
        else:
            pytest.fail("Shift+Tab never reached the timer")
        assert state["sticky"] is (width == 1280)

    page.get_by_role("button", name="Ask for 5 more minutes").click()
    expect(page.get_by_text("You have 5 more minutes.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("more minutes"))).to_have_count(0)
    attempt = Attempt.objects.get(user=learner)
    assert attempt.more_time_taken == 5

    # Time is up: an alert first, then the answers go and the result page says why.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=2))
    page.clock.resume()
    page.reload()
    expect(page.locator("#timer-alert")).to_have_text("Time is up. Your answers are being submitted.")
    expect(page.get_by_text("Time ran out, so your answers were submitted.")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
