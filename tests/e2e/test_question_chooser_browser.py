"""The quiz editor's question chooser in Chromium: "Add questions" opens the modal, search and the
category filter narrow it, a question's preview opens, two questions are chosen and saved with the
quiz; no script is refused by the Content-Security-Policy, and the modal passes axe-core."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from courses.factories import make_user
from courses.models import ModulePage
from lms.models import User
from quizzes.factories import make_quiz, make_single_choice, make_true_false
from quizzes.models import QuestionCategory, QuizPage
from tests.two_step import sign_in_to_admin_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Question-Chooser-2026"


def assert_modal_accessible(axe, page):
    """axe-core on the chooser modal only: the page editor behind it is Wagtail's own (its Draftail
    field has a known unlabelled-textbox report that is not ours to fix)."""
    results = axe.run(page, context=".modal-content")
    assert results.violations_count == 0, results.generate_report()


def test_a_trainer_adds_questions_with_the_chooser(live_server, page, axe, course):
    trainer = make_user(
        email="terry@example.gov.au", full_name="Terry Trainer", password=PASSWORD, role=User.Role.TRAINER
    )
    trainer.groups.add(Group.objects.get(name="Trainers"))
    privacy = QuestionCategory.objects.create(name="Privacy")
    tone = QuestionCategory.objects.create(name="Tone of voice")
    screenshot = make_single_choice(category=privacy, name="Sharing a screenshot")
    address = make_true_false(category=privacy, name="Posting an address")
    make_single_choice(category=tone, name="Replying to an angry post")
    module = ModulePage.objects.child_of(course).get()
    make_quiz(module, title="Privacy check", questions=[screenshot])
    quiz = make_quiz(module, title="Second quiz")  # with one question of its own
    existing = {question.pk for question in quiz.questions()}
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )

    sign_in_to_admin_in_browser(page, live_server.url, trainer, PASSWORD)  # password, then a code

    page.goto(f"{live_server.url}/admin/pages/{quiz.pk}/edit/")
    page.get_by_role("button", name=re.compile("Add questions")).click()
    modal = page.locator(".modal-content")
    modal.get_by_role("heading", name="Choose questions").wait_for()
    # Where "Sharing a screenshot" is used.
    expect(modal.get_by_text("Privacy check", exact=True)).to_be_visible()
    assert_modal_accessible(axe, page)

    modal.get_by_label("Category").select_option(label="Privacy")
    modal.get_by_text("Replying to an angry post", exact=True).wait_for(state="detached")
    modal.get_by_label("Search").fill("screenshot")
    modal.get_by_text("Posting an address", exact=True).wait_for(state="detached")
    modal.get_by_text(re.compile("^Preview")).first.click()
    expect(modal.get_by_text("Sharing a screenshot?")).to_be_visible()  # the question's own text
    expect(modal.get_by_text("(correct)")).to_be_visible()
    assert_modal_accessible(axe, page)  # filtered results, with a preview open

    modal.get_by_label("Search").fill("")
    modal.get_by_text("Posting an address", exact=True).wait_for()
    modal.get_by_role("checkbox", name=re.compile("Sharing a screenshot")).check()
    modal.get_by_role("checkbox", name=re.compile("Posting an address")).check()
    modal.get_by_role("button", name="Confirm selection").click()
    modal.wait_for(state="detached")

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{quiz.pk}/edit/"))
    draft = QuizPage.objects.get(pk=quiz.pk).get_latest_revision_as_object()
    assert {row.question_id for row in draft.quiz_questions.all()} == existing | {screenshot.pk, address.pk}
    # Wagtail's gravatar avatars are refused by img-src, as on every admin page; no script is refused.
    assert [text for text in refused if "script-src" in text] == [], refused
