"""Course navigation and quiz results in Chromium at 1280 and 390 px, each state checked with axe:
the outline is a sidebar on a wide screen and a section that opens on a phone; the result page
marks each question with an icon and words; the catalogue marks a learner's courses in words."""

import re

import pytest
from playwright.sync_api import expect

from courses.factories import make_user
from courses.models import LessonPage
from courses.services import complete_lesson, enrol
from quizzes import factories
from quizzes.models import QuizPage, QuizQuestion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def log_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def setting(db):
    course = factories.make_course(title="Find your way", kinds=("knowledge", "skill"), lessons_per_module=2)
    quiz = QuizPage.objects.descendant_of(course).get()
    quiz.review_correct_answers = QuizPage.Review.AFTER_EACH
    quiz.save_revision().publish()
    QuizQuestion.objects.create(quiz=quiz, question=factories.make_true_false(), sort_order=1)
    learner = make_user(password="Find-My-Way-2026")
    enrolment = enrol(learner, course)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    complete_lesson(enrolment, lessons[0])
    return course, quiz, lessons, learner


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280px", "390px"])
def test_outline_beside_lessons_and_quiz_results(live_server, page, assert_accessible, setting, viewport):
    course, quiz, lessons, learner = setting
    page.set_viewport_size(viewport)
    log_in(page, live_server.url, learner.email, "Find-My-Way-2026")

    page.goto(live_server.url + lessons[1].url)
    nav = page.get_by_role("navigation", name="Course outline")
    summary = nav.locator("summary")
    current = nav.get_by_role("link", name=lessons[1].title)
    if viewport is WIDE:
        expect(summary).to_be_hidden()  # a sidebar, open, beside the lesson
        expect(current).to_be_visible()
        box, article = nav.bounding_box(), page.locator("article").bounding_box()
        assert box["x"] + box["width"] <= article["x"]
    else:
        expect(summary).to_be_visible()  # a closed section above the lesson
        expect(summary).to_contain_text("1 of 5 done")
        expect(current).to_be_hidden()
        assert_accessible(page)
        summary.click()
        expect(current).to_be_visible()
    expect(current).to_have_attribute("aria-current", "page")
    # The breadcrumb has room below the header (it sat against it).
    header, crumbs = page.locator(".site-header").bounding_box(), page.locator(".breadcrumbs").bounding_box()
    assert crumbs["y"] - (header["y"] + header["height"]) >= 16
    expect(nav.get_by_text("you are here")).to_be_visible()
    expect(nav.get_by_role("link", name=lessons[0].title)).to_be_visible()
    expect(nav.locator(".outline-item.done")).to_have_count(1)
    assert no_sideways_scroll(page)
    assert_accessible(page)

    # A quiz, then its result: a summary and each question marked with an icon and words.
    page.goto(live_server.url + quiz.url)
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit answers").wait_for()
    page.get_by_label("Pause and check the facts").check()
    page.locator("input[type=radio][value=false]").check()  # the true/false key is "true": wrong
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("heading", level=2, name=re.compile("Not passed yet: 50%")).wait_for()
    figures = page.locator(".result-figures")
    expect(figures).to_contain_text("Pass mark")
    expect(figures).to_contain_text("Attempts left")
    expect(figures).to_contain_text("No limit")
    expect(page.get_by_role("heading", level=3, name=re.compile(r"^Question 1\W+Correct$"))).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=re.compile(r"^Question 2\W+Incorrect$"))).to_be_visible()
    expect(page.locator(".question-result--correct .result-icon")).to_have_text("✓")
    expect(page.locator(".question-result--incorrect .result-icon")).to_have_text("✗")
    expect(page.get_by_text("0 of 1 mark", exact=True)).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280px", "390px"])
def test_catalogue_marks_and_suggestions(live_server, page, assert_accessible, setting, viewport):
    course, quiz, lessons, learner = setting
    factories.make_course(title="Defamation basics", quiz=False)
    page.set_viewport_size(viewport)
    log_in(page, live_server.url, learner.email, "Find-My-Way-2026")
    page.goto(live_server.url + "/courses/")
    card = page.locator(".card", has=page.get_by_role("heading", name=course.title))
    expect(card.get_by_text("Enrolled · 20% done")).to_be_visible()
    expect(card.get_by_role("link", name=re.compile(f"Continue {course.title}"))).to_have_attribute(
        "href", lessons[1].url
    )
    other = page.locator(".card", has=page.get_by_role("heading", name="Defamation basics"))
    expect(other.get_by_text("Enrolled")).to_have_count(0)
    assert no_sideways_scroll(page)
    assert_accessible(page)

    page.goto(live_server.url + "/courses/?q=defamaton")
    expect(page.get_by_text("No courses match.")).to_be_visible()
    page.get_by_role("link", name="defamation", exact=True).click()
    expect(page.get_by_role("heading", name="Courses matching “defamation”")).to_be_visible()
    expect(page.get_by_role("link", name="Defamation basics")).to_be_visible()
    assert_accessible(page)
