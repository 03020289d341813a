"""More learner pages in Chromium, each checked with axe-core: catalogue search, a locked module,
a practice task with a validation error, My learning with an assigned course, and Your details."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.factories import make_user
from courses.models import Assignment, LessonPage
from courses.services import enrol
from quizzes.factories import make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_more_learner_pages_are_accessible(live_server, page, assert_accessible):
    course = make_course(
        title="Practice makes progress", kinds=("knowledge", "practice"), lessons_per_module=1, quiz=False
    )
    course.sequential_modules = True
    course.save_revision().publish()
    first, task = LessonPage.objects.descendant_of(course).order_by("path")
    task.requires_approval = True
    task.task_prompt = "<p>Describe your plan for next month.</p>"
    task.save_revision().publish()
    learner = make_user(password="Accessible-Pages-1")
    enrolment = enrol(learner, course)
    Assignment.objects.create(enrolment=enrolment, due_date=timezone.localdate() - timedelta(days=2))

    base = live_server.url
    page.goto(base + "/courses/?q=practice&audience=public_servants")
    page.get_by_role("heading", name=re.compile("Courses matching")).wait_for()
    assert_accessible(page)

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill("Accessible-Pages-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))
    expect(page.get_by_text("1 assigned course is overdue.")).to_be_visible()
    assert_accessible(page)

    page.goto(base + task.url)  # locked until the Knowledge module is done
    expect(page.get_by_text("This part of the course is locked.")).to_be_visible()
    assert_accessible(page)

    page.goto(base + first.url)
    page.get_by_role("button", name="Mark as complete and continue").click()
    page.get_by_role("heading", level=1, name=task.title).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)  # with the validation error
    page.get_by_role("textbox", name="Your work").fill(
        "I will post twice a week and answer questions within two hours."
    )
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Status: Waiting for review").wait_for()
    assert_accessible(page)

    page.goto(base + "/accounts/profile/")
    assert_accessible(page)
    assert len(assert_accessible.checked) == 7
