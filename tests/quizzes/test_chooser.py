"""The quiz editor's question chooser (issue 12, item 10): a modal with search, category and type
filters, a preview of each question and the quizzes already using it; its widget's inline script
carries the CSP nonce."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from courses.factories import make_user
from courses.models import ModulePage
from lms.models import User
from quizzes.factories import make_quiz, make_single_choice, make_true_false
from quizzes.models import QuestionCategory, QuizPage
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

CHOOSE_URL = "question_chooser:choose"
RESULTS_URL = "question_chooser:choose_results"


@pytest.fixture
def trainer(client):
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    sign_in_to_admin(client, user)
    return user


@pytest.fixture
def bank():
    privacy = QuestionCategory.objects.create(name="Privacy")
    tone = QuestionCategory.objects.create(name="Tone of voice")
    return {
        "screenshot": make_single_choice(category=privacy, name="Sharing a screenshot"),
        "address": make_true_false(category=privacy, name="Posting an address"),
        "reply": make_single_choice(category=tone, name="Replying to an angry post"),
        "privacy": privacy,
        "tone": tone,
    }


def modal_html(response):
    assert response.status_code == 200
    data = response.json()
    return data["html"]


def result_names(html):
    """The question names listed as choices, in order."""
    return re.findall(r"data-chooser-modal-choice[^>]*>\s*([^<]+?)\s*<", html)


def test_the_modal_lists_every_type_with_its_category(client, trainer, bank):
    html = modal_html(client.get(reverse(CHOOSE_URL)))
    assert sorted(result_names(html)) == [
        "Posting an address",
        "Replying to an angry post",
        "Sharing a screenshot",
    ]
    assert "True or false" in html or "True/false" in html
    assert "Tone of voice" in html


def test_search_matches_the_name_or_the_text(client, trainer, bank):
    html = client.get(reverse(RESULTS_URL), {"q": "angry"}).content.decode()
    assert result_names(html) == ["Replying to an angry post"]
    bank["address"].text = "<p>May a resident's street appear in a reply?</p>"
    bank["address"].save()
    html = client.get(reverse(RESULTS_URL), {"q": "street"}).content.decode()
    assert result_names(html) == ["Posting an address"]


def test_category_and_type_filters(client, trainer, bank):
    html = client.get(reverse(RESULTS_URL), {"category": bank["privacy"].pk}).content.decode()
    assert sorted(result_names(html)) == ["Posting an address", "Sharing a screenshot"]
    html = client.get(
        reverse(RESULTS_URL), {"category": bank["privacy"].pk, "question_type": "singlechoicequestion"}
    ).content.decode()
    assert result_names(html) == ["Sharing a screenshot"]
    filters = modal_html(client.get(reverse(CHOOSE_URL)))
    assert 'name="category"' in filters and 'name="question_type"' in filters and 'name="q"' in filters


def test_each_row_shows_where_the_question_is_used_and_a_preview(client, trainer, bank, course):
    module = ModulePage.objects.child_of(course).get()
    make_quiz(module, title="Privacy check", questions=[bank["screenshot"]])
    html = client.get(reverse(RESULTS_URL), {"q": "screenshot"}).content.decode()
    assert "Privacy check" in html
    assert "<details" in html and "Sharing a screenshot?" in html  # the question's text
    assert "Pause and check the facts <strong>(correct)</strong>" in html
    assert "Reply at once" in html
    html = client.get(reverse(RESULTS_URL), {"q": "angry"}).content.decode()
    assert "Not used yet" in html and "Privacy check" not in html


def test_question_names_and_options_are_escaped(client, trainer, bank):
    make_single_choice(category=bank["tone"], name="<script>alert(1)</script>", correct="<b>bold</b>")
    html = client.get(reverse(RESULTS_URL), {"category": bank["tone"].pk}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_choosing_several_returns_them_for_the_quiz_form(client, trainer, bank):
    response = client.get(
        reverse("question_chooser:chosen_multiple"), {"id": [bank["screenshot"].pk, bank["reply"].pk]}
    )
    result = response.json()["result"]
    assert sorted(item["title"] for item in result) == ["Replying to an angry post", "Sharing a screenshot"]
    assert {item["id"] for item in result} == {str(bank["screenshot"].pk), str(bank["reply"].pk)}


def test_only_question_bank_users_may_open_it(client, bank):
    """Previews show the right answers: someone with admin access but no question permissions is
    refused."""
    editor = make_user(email="editor@example.gov.au", full_name="Eddie Editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    sign_in_to_admin(client, editor)
    for url in (reverse(CHOOSE_URL), reverse(RESULTS_URL)):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert b"Pause and check the facts" not in response.content


def test_the_quiz_editor_uses_the_chooser_with_nonced_scripts(client, trainer, course):
    quiz = QuizPage.objects.descendant_of(course).get()
    response = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert reverse(CHOOSE_URL) in html  # the widget and the "Add questions" button open the modal
    assert "id_quiz_questions-OPEN_MODAL" in html
    # the saved row's widget is started by an inline script that carries the nonce
    assert f'<script nonce="{nonce}">new Chooser("id_quiz_questions-0-question"' in html
    assert quiz.questions()[0].name in html  # the chosen question's name shows in its widget
    for attributes in re.findall(r"<script([^>]*)>", html):
        is_data = 'type="application/json"' in attributes  # JSON data, never run
        assert "src=" in attributes or is_data or f'nonce="{nonce}"' in attributes
