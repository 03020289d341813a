"""The course feedback survey in Chromium: a learner who completed a course answers it from the
course page (keyboard-operable radio groups, axe-clean), and a trainer reads the results page
(axe-clean, bars beside their tables)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from courses.factories import make_user
from courses.models import LessonPage
from courses.services import complete_lesson, enrol
from quizzes.factories import make_course
from surveys.models import CourseSurvey, SurveyItem, SurveyResponse
from tests.two_step import sign_in_to_admin_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Survey-Answers-2026"


def test_a_learner_answers_and_a_trainer_reads_the_results(live_server, page, assert_accessible):
    course = make_course(title="Feedback matters", quiz=False)
    survey = CourseSurvey(course=course)
    survey.items = [
        SurveyItem(statement="The course was relevant to my work.", sort_order=0),
        SurveyItem(statement="The lessons were clear.", sort_order=1),
    ]
    survey.save()
    learner = make_user(password=PASSWORD)
    enrolment = enrol(learner, course)
    for lesson in LessonPage.objects.descendant_of(course):
        complete_lesson(enrolment, lesson)

    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))

    page.goto(base + course.url)
    page.get_by_role("link", name="Tell us what you thought of this course").click()
    page.get_by_role("heading", level=1, name=re.compile("What did you think")).wait_for()
    assert_accessible(page)
    relevant = page.get_by_role("group", name="The course was relevant to my work.")
    relevant.get_by_label("Strongly agree").check()
    clear = page.get_by_role("group", name="The lessons were clear.")
    clear.get_by_label("Agree", exact=True).focus()
    page.keyboard.press("Space")  # a keyboard answer
    expect(clear.get_by_label("Agree", exact=True)).to_be_checked()
    page.get_by_label(re.compile("Anything else")).fill("More examples from councils, please.")
    page.get_by_role("button", name="Send my feedback").click()
    page.get_by_text("Thank you for your feedback.").wait_for()
    expect(page.get_by_role("link", name="Tell us what you thought of this course")).to_have_count(0)
    assert sorted(SurveyResponse.objects.get().answers.values_list("value", flat=True)) == [4, 5]

    trainer = make_user(email="terry@example.gov.au", full_name="Terry Trainer")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    page.context.clear_cookies()
    sign_in_to_admin_in_browser(page, base, trainer)
    page.goto(f"{base}/admin/surveys/{survey.pk}/results/")
    page.get_by_text("1 response to the feedback survey").wait_for()
    expect(page.get_by_text("More examples from councils, please.")).to_be_visible()
    expect(page.get_by_role("table", name="Answers to: The lessons were clear.")).to_be_visible()
    assert_accessible(page)
