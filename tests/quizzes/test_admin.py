"""The question bank and quiz pages in the Wagtail admin, as a trainer uses them."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import ReferenceIndex
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.factories import make_user
from courses.models import ModulePage
from lms.models import User
from quizzes.factories import make_single_choice
from quizzes.models import Question, QuestionCategory, QuizPage, SingleChoiceQuestion

pytestmark = pytest.mark.django_db

EMPTY_COMMENTS = inline_formset([])  # the page editor's comments formset, left empty


@pytest.fixture
def trainer(client):
    user = make_user(
        email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER
    )
    user.groups.add(Group.objects.get(name="Trainers"))
    client.force_login(user)
    return user


@pytest.fixture
def category():
    return QuestionCategory.objects.create(name="Privacy")


def option(text, correct=False, feedback=""):
    value = {"text": text, "feedback": feedback}
    if correct:
        value["is_correct"] = "on"  # an unticked checkbox sends nothing
    return ("option", value)


def question_form_data(category, options, name="Sharing a screenshot"):
    return nested_form_data({
        "category": category.pk,
        "name": name,
        "text": rich_text("<p>A resident posts a screenshot showing a neighbour's address.</p>"),
        "options": streamfield(options),
        "general_feedback": rich_text("<p>Personal information stays out of public replies.</p>"),
        "default_mark": "1.00",
    })


# --- categories ----------------------------------------------------------------------------------


def test_trainer_creates_a_question_category(client, trainer):
    response = client.post(
        reverse("questioncategory:add"),
        {"name": "Crisis communication", "description": "Floods, fires."},
    )

    assert response.status_code == 302
    assert QuestionCategory.objects.get(name="Crisis communication").description == "Floods, fires."
    listing = client.get(reverse("questioncategory:index"))
    assert b"Crisis communication" in listing.content


# --- single choice questions ---------------------------------------------------------------------


def test_trainer_creates_a_single_choice_question_with_its_options(client, trainer, category):
    add_url = reverse("singlechoicequestion:add")
    form_page = client.get(add_url)
    assert form_page.status_code == 200
    assert b'data-contentpath="options"' in form_page.content  # the StreamField's block widget
    assert b"is_correct" in form_page.content

    response = client.post(add_url, question_form_data(category, [
        option("Reply publicly with the details"),
        option("Hide the comment and contact them privately", correct=True, feedback="Yes."),
        option("Ignore it"),
    ]))

    assert response.status_code == 302, response.context and response.context["form"].errors
    question = Question.objects.get()
    assert isinstance(question, SingleChoiceQuestion)
    assert question.category == category
    assert [(o["text"], o["is_correct"]) for _, o in question.option_list()] == [
        ("Reply publicly with the details", False),
        ("Hide the comment and contact them privately", True),
        ("Ignore it", False),
    ]
    assert question.correct_answer_display() == "Hide the comment and contact them privately"
    assert "screenshot" in question.text


def test_a_question_without_a_correct_option_shows_the_error_and_saves_nothing(
    client, trainer, category
):
    response = client.post(reverse("singlechoicequestion:add"), question_form_data(category, [
        option("Reply publicly"), option("Ignore it"), option("Delete it"),
    ]))

    assert response.status_code == 200
    assert b"Mark exactly one option as correct." in response.content
    assert not Question.objects.exists()


def test_a_question_with_one_option_shows_the_error_and_saves_nothing(client, trainer, category):
    data = question_form_data(category, [option("Only", correct=True)])

    response = client.post(reverse("singlechoicequestion:add"), data)

    assert response.status_code == 200
    assert b"The minimum number of items is 2" in response.content
    assert not Question.objects.exists()


def test_trainer_edits_a_question_and_its_options(client, trainer, category):
    question = make_single_choice(category=category)
    edit_url = reverse("singlechoicequestion:edit", args=(question.pk,))

    form_page = client.get(edit_url)
    assert form_page.status_code == 200
    assert b"Pause and check the facts" in form_page.content

    response = client.post(edit_url, question_form_data(category, [
        option("Pause and check the facts", correct=True), option("Share it"),
    ], name="Best first step, revised"))

    assert response.status_code == 302, response.context and response.context["form"].errors
    question.refresh_from_db()
    assert question.name == "Best first step, revised"
    assert [o["text"] for _, o in question.option_list()] == [
        "Pause and check the facts", "Share it",
    ]


def test_question_listing_shows_name_category_and_updated(client, trainer, category):
    make_single_choice(category=category, name="Best first step")

    response = client.get(reverse("singlechoicequestion:index"))

    assert response.status_code == 200
    columns = [column.label for column in response.context["table"].columns.values()]
    assert columns[:3] == ["Name", "Category", "Updated"]
    assert b"Best first step" in response.content
    assert b"Privacy" in response.content


def test_a_question_used_in_a_quiz_cannot_be_deleted(client, trainer, course):
    question = QuizPage.objects.get().questions()[0]
    delete_url = reverse("singlechoicequestion:delete", args=(question.pk,))

    confirm = client.get(delete_url)
    response = client.post(delete_url)

    assert confirm.context["is_protected"]
    assert response.status_code == 302
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_category_with_questions_is_not_deleted_even_when_the_reference_index_missed_them(
    client, trainer, category
):
    make_single_choice(category=category, name="Loaded by a command")
    # Rows saved before the admin registered its viewsets (a content loader, a shell) are not
    # in Wagtail's reference index, so only the database's PROTECT stands in the way.
    ReferenceIndex.objects.all().delete()

    response = client.post(reverse("questioncategory:delete", args=(category.pk,)))

    assert response.status_code == 302
    assert response.url == reverse("questioncategory:index")
    assert QuestionCategory.objects.filter(pk=category.pk).exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Question category 'Privacy' is still used (Loaded by a command) and was not deleted."
    ]


def test_an_unused_category_is_deleted(client, trainer, category):
    response = client.post(reverse("questioncategory:delete", args=(category.pk,)))

    assert response.status_code == 302
    assert not QuestionCategory.objects.filter(pk=category.pk).exists()


# --- quiz pages ----------------------------------------------------------------------------------


def test_trainer_creates_a_quiz_page_in_a_module(client, trainer, course, category):
    module = ModulePage.objects.child_of(course).get()
    first = make_single_choice(category=category, name="First")
    second = make_single_choice(category=category, name="Second")
    add_url = reverse("wagtailadmin_pages:add", args=("quizzes", "quizpage", module.pk))

    form_page = client.get(add_url)
    assert form_page.status_code == 200
    assert b"quiz_questions-TOTAL_FORMS" in form_page.content

    response = client.post(add_url, {
        **nested_form_data({
            "title": "Privacy check",
            "slug": "privacy-check",
            "intro": rich_text("<p>Five minutes.</p>"),
            "pass_mark": "70",
            "quiz_questions": inline_formset(
                [{"question": second.pk}, {"question": first.pk}], min=1
            ),
            "comments": EMPTY_COMMENTS,
        }),
        "action-publish": "action-publish",
    })

    assert response.status_code == 302, response.context and response.context["form"].errors
    quiz = QuizPage.objects.get(slug="privacy-check")
    assert quiz.live
    assert quiz.get_parent().pk == module.pk
    assert quiz.pass_mark == 70
    assert quiz.questions() == [second, first]


def test_a_quiz_page_needs_a_question_to_be_published(client, trainer, course):
    module = ModulePage.objects.child_of(course).get()

    response = client.post(
        reverse("wagtailadmin_pages:add", args=("quizzes", "quizpage", module.pk)),
        {
            **nested_form_data({
                "title": "Empty quiz",
                "slug": "empty-quiz",
                "pass_mark": "80",
                "quiz_questions": inline_formset([], min=1),
                "comments": EMPTY_COMMENTS,
            }),
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 200
    assert not QuizPage.objects.filter(slug="empty-quiz").exists()
