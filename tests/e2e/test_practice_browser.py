"""A learner does a response scenario and drafts a post in Chromium, axe-clean at every step."""

import re

import pytest
from playwright.sync_api import expect

from courses.factories import make_user
from courses.models import ModulePage, TaskSubmission
from courses.services import enrol
from practice.factories import make_draft_post, make_scenario
from quizzes.factories import make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))


def test_a_learner_does_a_scenario_and_drafts_a_post(live_server, page, assert_accessible):
    course = make_course(
        title="Practice in the browser", kinds=("practice",), lessons_per_module=0, quiz=False
    )
    module = ModulePage.objects.child_of(course).get()
    scenario = make_scenario(module, model_answer="<p>Answer the problem, not the person.</p>")
    post = make_draft_post(
        module, title="Pool post", require_link=True, allow_attachment=True, requires_approval=True
    )
    learner = make_user(password="Practice-Learner-2026")
    enrol(learner, course)
    log_in(page, live_server.url, learner.email, "Practice-Learner-2026")

    # The scenario: a wrong turn first, then the path that passes.
    page.goto(live_server.url + scenario.url)
    expect(page.get_by_text("weren't collected AGAIN")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as complete")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Reply").click()  # nothing chosen
    page.get_by_role("alert").wait_for()
    assert_accessible(page)  # with the error tied to the choice
    page.get_by_label("Collections are on schedule.").check()
    page.get_by_role("button", name="Reply").click()
    page.get_by_text("Not the outcome you want").wait_for()
    expect(page.get_by_text("More residents pile on.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start the scenario again").click()
    page.get_by_label(re.compile("Which street")).check()
    page.get_by_role("button", name="Reply").click()
    page.get_by_text("Smith St. Third week running!").wait_for()
    page.get_by_label(re.compile("job 42")).check()
    page.get_by_role("button", name="Reply").click()
    page.get_by_text("A good outcome").wait_for()
    expect(page.get_by_text("Answer the problem, not the person.")).to_have_count(0)  # not before submitting
    page.get_by_label(re.compile("In your own words")).fill("Sorry, we'll sort it today.")
    page.get_by_role("button", name="Finish").click()
    page.get_by_text("is complete").first.wait_for()
    assert TaskSubmission.objects.get(lesson=scenario).status == TaskSubmission.Status.APPROVED

    # The drafted post: check it, fix what the checks find, preview, submit.
    page.goto(live_server.url + post.url)
    assert_accessible(page)
    page.get_by_label("Your post").fill("Pools open Saturday! Questions? Call 0412 345 678 #poolsopen 🏊")
    page.get_by_role("button", name="Check my post").click()
    page.get_by_text("What the checks found").wait_for()
    expect(page.get_by_text("0412 345 678").first).to_be_visible()
    expect(page.get_by_text("#poolsopen").first).to_be_visible()
    expect(page.get_by_text("Preview on X")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your post").fill(
        "Pools open Saturday from 6 am! Times at council.nsw.gov.au/pools #PoolsOpen 🏊"
    )
    page.get_by_role("button", name="Check my post").click()
    page.get_by_text("Your post passes the checks").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    # The submission's status (the course outline beside it says "waiting for review" too).
    expect(page.get_by_text("Status: Waiting for review")).to_be_visible()
    expect(page.get_by_text("Your submitted post")).to_be_visible()
    assert_accessible(page)
    submission = TaskSubmission.objects.get(lesson=post)
    assert submission.status == TaskSubmission.Status.PENDING and "#PoolsOpen 🏊" in submission.text
