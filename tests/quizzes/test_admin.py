"""The question bank and quiz pages in the Wagtail admin, as a trainer uses them."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ReferenceIndex
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.factories import make_user
from courses.models import ModulePage
from courses.services import enrol
from lms.models import User
from quizzes.factories import make_single_choice
from quizzes.models import (
    QUESTION_TYPES,
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    QuestionCategory,
    QuizExtension,
    QuizPage,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from quizzes.services import start_attempt
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

EMPTY_COMMENTS = inline_formset([])  # the page editor's comments formset, left empty
QUIZ_SETTINGS = {  # the quiz settings tab, as the editor sends it by default
    "required": "on",
    "attempts_allowed": "0",
    "grading_method": "highest",
    "time_limit_minutes": "0",
    "random_count": "0",
    "review_correct_answers": "after_pass_or_last",
    "retry_delay_minutes": "0",
    "more_time_minutes": "0",
    "shuffle_options": "on",
}


@pytest.fixture
def trainer(client):
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    sign_in_to_admin(client, user)
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
    return nested_form_data(
        {
            "category": category.pk,
            "name": name,
            "text": rich_text("<p>A resident posts a screenshot showing a neighbour's address.</p>"),
            "options": streamfield(options),
            "general_feedback": rich_text("<p>Personal information stays out of public replies.</p>"),
            "default_mark": "1.00",
        }
    )


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

    response = client.post(
        add_url,
        question_form_data(
            category,
            [
                option("Reply publicly with the details"),
                option("Hide the comment and contact them privately", correct=True, feedback="Yes."),
                option("Ignore it"),
            ],
        ),
    )

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


def test_a_question_without_a_correct_option_shows_the_error_and_saves_nothing(client, trainer, category):
    response = client.post(
        reverse("singlechoicequestion:add"),
        question_form_data(
            category,
            [
                option("Reply publicly"),
                option("Ignore it"),
                option("Delete it"),
            ],
        ),
    )

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

    response = client.post(
        edit_url,
        question_form_data(
            category,
            [
                option("Pause and check the facts", correct=True),
                option("Share it"),
            ],
            name="Best first step, revised",
        ),
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    question.refresh_from_db()
    assert question.name == "Best first step, revised"
    assert [o["text"] for _, o in question.option_list()] == [
        "Pause and check the facts",
        "Share it",
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

    response = client.post(
        add_url,
        {
            **nested_form_data(
                {
                    "title": "Privacy check",
                    "slug": "privacy-check",
                    "intro": rich_text("<p>Five minutes.</p>"),
                    "pass_mark": "70",
                    **QUIZ_SETTINGS,
                    "quiz_questions": inline_formset(
                        [{"question": second.pk}, {"question": first.pk}], min=1
                    ),
                    "comments": EMPTY_COMMENTS,
                }
            ),
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    quiz = QuizPage.objects.get(slug="privacy-check")
    assert quiz.live
    assert quiz.get_parent().pk == module.pk
    assert quiz.pass_mark == 70
    assert quiz.questions() == [second, first]
    assert quiz.grading_method == QuizPage.GradingMethod.HIGHEST
    assert quiz.required


def test_the_add_quiz_form_starts_with_shuffling_on(client, trainer, course):
    module = ModulePage.objects.child_of(course).get()
    form_page = client.get(reverse("wagtailadmin_pages:add", args=("quizzes", "quizpage", module.pk)))
    (checkbox,) = re.findall(r'<input[^>]*name="shuffle_options"[^>]*>', form_page.content.decode())
    assert re.search(r"\schecked\b", checkbox), checkbox


def test_a_quiz_drawing_random_questions_needs_a_category_to_draw_from(client, trainer, course):
    # Chosen questions are optional now that a quiz can draw its questions at random, but a draw
    # needs a category.
    module = ModulePage.objects.child_of(course).get()

    response = client.post(
        reverse("wagtailadmin_pages:add", args=("quizzes", "quizpage", module.pk)),
        {
            **nested_form_data(
                {
                    "title": "Random quiz",
                    "slug": "random-quiz",
                    "pass_mark": "80",
                    **QUIZ_SETTINGS,
                    "random_count": "5",
                    "quiz_questions": inline_formset([]),
                    "comments": EMPTY_COMMENTS,
                }
            ),
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 200
    assert "random_category" in response.context["form"].errors
    assert not QuizPage.objects.filter(slug="random-quiz").exists()


# --- every question type -------------------------------------------------------------------------


def typed_form_data(category, name, **type_fields):
    return nested_form_data(
        {
            "category": category.pk,
            "name": name,
            "text": rich_text(f"<p>{name}?</p>"),
            **type_fields,
            "general_feedback": rich_text("<p>Because the policy says so.</p>"),
            "default_mark": "2.00",
        }
    )


def answer(text, fraction=100, feedback=""):
    return ("answer", {"text": text, "fraction": str(fraction), "feedback": feedback})


def number(value, tolerance="0", fraction=100):
    return ("answer", {"value": value, "tolerance": tolerance, "fraction": str(fraction), "feedback": ""})


def pair(prompt, match):
    return ("pair", {"prompt": prompt, "match": match})


def item(text):
    return ("item", {"text": text})


# model, the fields of its own, and how the saved question must read back
QUESTION_TYPE_CASES = {
    "multiple response": (
        MultipleResponseQuestion,
        {
            "options": streamfield(
                [
                    option("Name", correct=True),
                    option("Address", correct=True),
                    option("Favourite colour"),
                ]
            )
        },
        lambda q: q.correct_answer_display() == "Name; Address",
    ),
    "true/false": (
        TrueFalseQuestion,
        {"correct_answer": "on", "feedback_true": "Right.", "feedback_false": "Check the policy."},
        lambda q: q.correct_answer is True and q.feedback_for("false") == ["Check the policy."],
    ),
    "short answer": (
        ShortAnswerQuestion,
        {"answers": streamfield([answer("privacy act*"), answer("privacy", fraction=50)])},
        lambda q: q.grade("Privacy Act 1988") == 1.0 and q.grade("privacy") == 0.5,
    ),
    "numeric": (
        NumericQuestion,
        {"answers": streamfield([number("30", tolerance="1")])},
        lambda q: q.grade("31") == 1.0 and q.grade("32") == 0.0,
    ),
    "matching": (
        MatchingQuestion,
        {
            "pairs": streamfield(
                [
                    pair("Facebook", "Meta"),
                    pair("YouTube", "Google"),
                    pair("", "Microsoft"),
                ]
            )
        },
        lambda q: (
            [prompt for _, prompt, _ in q.prompts()] == ["Facebook", "YouTube"]
            and q.choices() == ["Google", "Meta", "Microsoft"]
        ),
    ),
    "ordering": (
        OrderingQuestion,
        {"items": streamfield([item("Pause"), item("Check"), item("Reply")])},
        lambda q: q.correct_answer_display() == "Pause → Check → Reply",
    ),
}


@pytest.mark.parametrize("case", QUESTION_TYPE_CASES)
def test_trainer_creates_each_question_type_in_its_own_admin(client, trainer, category, case):
    model, fields, reads_back = QUESTION_TYPE_CASES[case]
    model_name = model._meta.model_name
    add_url = reverse(f"{model_name}:add")

    form_page = client.get(add_url)
    assert form_page.status_code == 200
    for field_name in fields:
        assert f'name="{field_name}'.encode() in form_page.content or (
            f'data-contentpath="{field_name}"'.encode() in form_page.content
        )

    response = client.post(add_url, typed_form_data(category, f"A {case} question", **fields))

    assert response.status_code == 302, response.context and response.context["form"].errors
    question = Question.objects.get()
    assert type(question) is model
    assert question.name == f"A {case} question"
    assert question.category == category
    assert question.default_mark == Decimal("2.00")
    assert reads_back(question)
    listing = client.get(reverse(f"{model_name}:index"))
    assert f"A {case} question".encode() in listing.content


@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        pytest.param(
            MultipleResponseQuestion,
            {"options": streamfield([option("Name"), option("Address")])},
            "Mark at least one option as correct.",
            id="multiple response without a correct option",
        ),
        pytest.param(
            ShortAnswerQuestion,
            {"answers": streamfield([answer("privacy", fraction=50)])},
            "At least one accepted answer must earn 100%.",
            id="short answer without a full-marks answer",
        ),
        pytest.param(
            NumericQuestion,
            {"answers": streamfield([number("30", fraction=80)])},
            "At least one answer must earn 100%.",
            id="numeric without a full-marks answer",
        ),
        pytest.param(
            MatchingQuestion,
            {"pairs": streamfield([pair("Facebook", "Meta"), pair("", "Google")])},
            "Add at least two pairs with a prompt.",
            id="matching with one prompt",
        ),
        pytest.param(
            OrderingQuestion,
            {"items": streamfield([item("Only one")])},
            "The minimum number of items is 2",
            id="ordering with one item",
        ),
    ],
)
def test_an_invalid_question_shows_its_error_and_saves_nothing(
    client, trainer, category, model, fields, message
):
    response = client.post(
        reverse(f"{model._meta.model_name}:add"), typed_form_data(category, "Invalid", **fields)
    )

    assert response.status_code == 200
    assert message.encode() in response.content
    assert not Question.objects.exists()


def make_one_of_each_type(category):
    text = "<p>Question?</p>"
    return [
        make_single_choice(category=category, name="Pick one"),
        MultipleResponseQuestion.objects.create(
            category=category,
            name="Pick several",
            text=text,
            options=[("option", {"text": "A", "is_correct": True}), ("option", {"text": "B"})],
        ),
        TrueFalseQuestion.objects.create(
            category=category, name="True or not", text=text, correct_answer=True
        ),
        ShortAnswerQuestion.objects.create(
            category=category,
            name="Type a word",
            text=text,
            answers=[("answer", {"text": "word", "fraction": 100})],
        ),
        NumericQuestion.objects.create(
            category=category,
            name="Type a number",
            text=text,
            answers=[("answer", {"value": Decimal("4"), "tolerance": Decimal("0"), "fraction": 100})],
        ),
        MatchingQuestion.objects.create(
            category=category,
            name="Match them",
            text=text,
            pairs=[("pair", {"prompt": "a", "match": "1"}), ("pair", {"prompt": "b", "match": "2"})],
        ),
        OrderingQuestion.objects.create(
            category=category,
            name="Order them",
            text=text,
            items=[("item", {"text": "first"}), ("item", {"text": "second"})],
        ),
    ]


def test_all_questions_lists_every_type_and_links_to_its_editor(client, trainer, category):
    questions = make_one_of_each_type(category)

    response = client.get(reverse("question:index"))

    assert response.status_code == 200
    columns = [column.label for column in response.context["table"].columns.values()]
    assert columns == ["Name", "Type", "Category", "Updated"]
    rows = {q.pk: q for q in response.context["object_list"]}
    assert {pk: type(q) for pk, q in rows.items()} == {q.pk: type(q) for q in questions}
    content = response.content.decode()
    for question in questions:
        assert question.name in content
        assert re.search(rf">\s*{re.escape(question.type_label)}\s*</td>", content)
        edit_url = reverse(f"{question._meta.model_name}:edit", args=(question.pk,))
        assert f'href="{edit_url}"' in content
        # every type's editor opens for the question the listing links to
        assert client.get(edit_url).status_code == 200
    for model in QUESTION_TYPES:
        assert reverse(f"{model._meta.model_name}:add") in content  # the "Add a question" menu


def test_all_questions_filters_by_category_and_type_and_searches_by_name(client, trainer, category):
    make_one_of_each_type(category)
    crisis = QuestionCategory.objects.create(name="Crisis communication")
    make_single_choice(category=crisis, name="Flood warning")
    index_url = reverse("question:index")

    by_category = client.get(index_url, {"category": crisis.pk})
    by_type = client.get(index_url, {"question_type": "matchingquestion"})
    by_name = client.get(index_url, {"q": "type a"})

    assert [q.name for q in by_category.context["object_list"]] == ["Flood warning"]
    assert [q.name for q in by_type.context["object_list"]] == ["Match them"]
    assert sorted(q.name for q in by_name.context["object_list"]) == ["Type a number", "Type a word"]


def question_bank_menu(response):
    """(label, url) of each item in the sidebar's Question bank submenu."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.DOTALL,
    )

    def find(node):
        if isinstance(node, dict):
            args = node.get("_args") or []
            if node.get("_type") == "wagtail.sidebar.SubMenuItem" and args[0]["label"] == "Question bank":
                return [(item["_args"][0]["label"], item["_args"][0]["url"]) for item in args[1]]
            node = list(node.values())
        if isinstance(node, list):
            return next((found for child in node if (found := find(child)) is not None), None)
        return None

    return find(json.loads(props.group(1)))


def test_the_question_bank_menu_holds_every_type_import_and_extra_time(client, trainer):
    menu = question_bank_menu(client.get(reverse("wagtailadmin_home")))

    assert menu == [
        ("All questions", reverse("question:index")),
        *((m.type_label, reverse(f"{m._meta.model_name}:index")) for m in QUESTION_TYPES),
        ("Categories", reverse("questioncategory:index")),
        ("Import GIFT", reverse("gift:import")),
        ("Extra time", reverse("quizextension:index")),
    ]


def test_a_learner_cannot_open_the_question_bank(client, learner, category):
    make_one_of_each_type(category)
    client.force_login(learner)

    for url in [
        reverse("question:index"),
        reverse("multipleresponsequestion:add"),
        reverse("gift:import"),
        reverse("quizextension:add"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_an_admin_user_without_question_permissions_is_refused_the_listing(client, category):
    editor = make_user(email="editor@example.gov.au", full_name="Ed Itor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    sign_in_to_admin(client, editor)

    response = client.get(reverse("question:index"))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert question_bank_menu(client.get(reverse("wagtailadmin_home"))) is None


# --- extra time ----------------------------------------------------------------------------------


@pytest.fixture
def timed_quiz(course):
    quiz = QuizPage.objects.descendant_of(course).get()
    quiz.time_limit_minutes = 10
    quiz.save()
    return quiz


def extension_data(quiz, user, minutes, reason="Uses a screen reader"):
    return {"quiz": quiz.pk, "user": user.pk, "extra_minutes": str(minutes), "reason": reason}


def test_trainer_grants_extra_time_and_an_open_attempt_gets_it(client, trainer, course, timed_quiz, learner):
    enrol(learner, course)
    attempt = start_attempt(learner, timed_quiz)
    assert abs(attempt.deadline - attempt.started_at - timedelta(minutes=10)) < timedelta(seconds=1)
    add_url = reverse("quizextension:add")

    form_page = client.get(add_url)
    assert form_page.status_code == 200
    assert b"Alex Citizen (learner@example.gov.au)" in form_page.content

    response = client.post(add_url, extension_data(timed_quiz, learner, 15))

    assert response.status_code == 302, response.context and response.context["form"].errors
    extension = QuizExtension.objects.get()
    assert (extension.quiz, extension.user, extension.extra_minutes) == (timed_quiz, learner, 15)
    assert extension.granted_by == trainer
    assert extension.reason == "Uses a screen reader"
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=25)
    listing = client.get(reverse("quizextension:index"))
    assert b"Alex Citizen" in listing.content
    assert b"Uses a screen reader" in listing.content


def test_a_learner_gets_one_extension_per_quiz(client, trainer, timed_quiz, learner):
    client.post(reverse("quizextension:add"), extension_data(timed_quiz, learner, 15))

    response = client.post(reverse("quizextension:add"), extension_data(timed_quiz, learner, 30))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert QuizExtension.objects.get().extra_minutes == 15


def test_extra_time_must_be_at_least_a_minute(client, trainer, timed_quiz, learner):
    response = client.post(reverse("quizextension:add"), extension_data(timed_quiz, learner, 0))

    assert response.status_code == 200
    assert "extra_minutes" in response.context["form"].errors
    assert not QuizExtension.objects.exists()


def test_editing_an_extension_moves_the_deadline_but_not_the_learner(
    client, trainer, course, timed_quiz, learner, other_learner
):
    enrol(learner, course)
    attempt = start_attempt(learner, timed_quiz)
    client.post(reverse("quizextension:add"), extension_data(timed_quiz, learner, 15))
    extension = QuizExtension.objects.get()

    response = client.post(
        reverse("quizextension:edit", args=(extension.pk,)),
        extension_data(timed_quiz, other_learner, 45, reason="Dyslexia"),
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    extension.refresh_from_db()
    assert (extension.user, extension.extra_minutes, extension.reason) == (learner, 45, "Dyslexia")
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=55)


# --- quiz statistics links -----------------------------------------------------------------------


def test_a_quiz_page_has_a_statistics_link_and_other_pages_do_not(client, trainer, course):
    quiz = QuizPage.objects.descendant_of(course).get()
    module = quiz.get_parent()
    statistics_url = reverse("quizzes_admin:statistics", args=(quiz.pk,))

    quiz_editor = client.get(reverse("wagtailadmin_pages:edit", args=(quiz.pk,)))
    module_editor = client.get(reverse("wagtailadmin_pages:edit", args=(module.pk,)))
    module_listing = client.get(reverse("wagtailadmin_explore", args=(module.pk,)))

    assert statistics_url == f"/admin/quizzes/{quiz.pk}/statistics/"
    assert reverse("quizzes_admin:statistics_csv", args=(quiz.pk,)).endswith("/statistics.csv")
    assert statistics_url.encode() in quiz_editor.content
    assert b"/statistics/" not in module_editor.content
    assert statistics_url.encode() in module_listing.content


# --- GIFT ----------------------------------------------------------------------------------------


def test_the_category_listing_links_each_category_to_its_gift_export(client, trainer, category):
    response = client.get(reverse("questioncategory:index"))

    assert response.status_code == 200
    assert reverse("gift:export", args=(category.pk,)).encode() in response.content
    assert reverse("gift:import").encode() in response.content


def test_the_gift_import_form_refuses_a_file_that_is_not_gift_text(client, trainer, category):
    form_page = client.get(reverse("gift:import"))
    assert form_page.status_code == 200
    assert b'<option value="Privacy">' in form_page.content  # existing categories to pick from

    upload = SimpleUploadedFile("questions.docx", b"PK\x03\x04", content_type="application/msword")
    response = client.post(reverse("gift:import"), {"file": upload, "category": "Privacy"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Choose a .gift or .txt file."]}
    assert not Question.objects.exists()


def gift_upload(text, name="privacy.gift"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_a_gift_file_with_errors_lists_them_by_line_and_imports_nothing(client, trainer):
    text = (
        "// privacy\n::Good::What is 2+2? {#4}\n\n::Broken::Which is personal information? {=Name ~Weather\n"
    )

    response = client.post(reverse("gift:import"), {"file": gift_upload(text), "category": "Privacy"})

    assert response.status_code == 200
    assert response.context["gift_errors"] == [(4, "unclosed '{': the answer block has no closing '}'")]
    assert "<li>Line 4: unclosed &#x27;{&#x27;: the answer block has no closing &#x27;}&#x27;</li>" in (
        response.content.decode()
    )
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


def test_trainer_imports_a_gift_file(client, trainer, category):
    text = (
        "::Act::Which act covers privacy? {=Privacy Act =privacy act 1988}\n"
        "\n"
        "$CATEGORY: $course$/top/Social media\n"
        "\n"
        "::Screenshot::A screenshot may show personal information. {T}\n"
    )

    response = client.post(
        reverse("gift:import"), {"file": gift_upload(text, "bank.txt"), "category": " Privacy "}
    )

    assert response.status_code == 302
    assert response.url == reverse("question:index")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Imported 2 questions into Privacy, Social media."
    ]
    act = ShortAnswerQuestion.objects.get(name="Act")
    assert act.category == category  # the existing category, by name
    assert act.grade("PRIVACY ACT") == 1.0
    screenshot = TrueFalseQuestion.objects.get(name="Screenshot")
    assert screenshot.category.name == "Social media"
    assert screenshot.correct_answer is True


def test_a_category_name_too_long_for_the_bank_is_refused_on_the_form(client, trainer):
    response = client.post(
        reverse("gift:import"), {"file": gift_upload("Is it true?{T}\n"), "category": "x" * 201}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "category": ["The default category name must be 1 to 200 characters."]
    }
    assert not Question.objects.exists()


def test_trainer_exports_a_category_as_gift(client, trainer, category):
    make_single_choice(category=category, name="Best first step")
    SingleChoiceQuestion.objects.create(  # invalid (two correct options), so left out
        category=category,
        name="Two right answers",
        text="<p>Which?</p>",
        options=[
            ("option", {"text": "A", "is_correct": True}),
            ("option", {"text": "B", "is_correct": True}),
        ],
    )

    response = client.get(reverse("gift:export", args=(category.pk,)))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Privacy.gift"'
    text = response.content.decode()
    assert "::Best first step::" in text
    assert "=Pause and check the facts" in text
    assert "Two right answers" not in text
    [warning] = [str(m) for m in get_messages(response.wsgi_request)]
    assert warning.startswith("1 question(s) in Privacy cannot be written as GIFT")
    assert "Two right answers (" in warning


def test_an_exported_gift_file_imports_again(client, trainer, category):
    originals = make_one_of_each_type(category)
    exported = client.get(reverse("gift:export", args=(category.pk,))).content.decode()

    response = client.post(reverse("gift:import"), {"file": gift_upload(exported), "category": "Copy"})

    assert response.status_code == 302
    # the file names its category, so the copies land beside the originals
    copies = Question.objects.exclude(pk__in=[q.pk for q in originals])
    assert sorted((q.type_label, q.name, q.category_id) for q in copies) == sorted(
        (q.type_label, q.name, category.pk) for q in originals
    )


def test_the_preview_of_a_quiz_with_unsaved_question_rows_renders(client, trainer, course, category):
    """The editor's live preview builds the quiz from the unsaved form: its question rows are not
    in the database yet (this was a 500: 'OrderBy' object is not subscriptable)."""
    module = ModulePage.objects.child_of(course).get()
    first = make_single_choice(category=category, name="Unsaved first")
    second = make_single_choice(category=category, name="Unsaved second")
    preview_url = reverse("wagtailadmin_pages:preview_on_add", args=("quizzes", "quizpage", module.pk))
    data = nested_form_data(
        {
            "title": "Preview check",
            "slug": "preview-check",
            "intro": rich_text("<p>Two questions.</p>"),
            "pass_mark": "70",
            **QUIZ_SETTINGS,
            "quiz_questions": inline_formset([{"question": second.pk}, {"question": first.pk}], min=1),
            "comments": EMPTY_COMMENTS,
        }
    )
    assert client.post(preview_url, data).json()["is_valid"] is True
    response = client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: this is how learners see the quiz" in html
    assert html.index("Unsaved second?") < html.index("Unsaved first?")  # in the editor's order
    assert not QuizPage.objects.filter(slug="preview-check").exists()


def test_the_preview_of_a_saved_quiz_with_a_new_unsaved_row_renders(client, trainer, course, category):
    """Editing a saved quiz: one saved question row and one added in the form, not yet saved."""
    quiz = QuizPage.objects.descendant_of(course).get()
    saved = quiz.questions()[0]
    added = make_single_choice(category=category, name="Added in the editor")
    rows = [{"id": quiz.quiz_questions.get().pk, "question": saved.pk}, {"question": added.pk}]
    data = nested_form_data(
        {
            "title": quiz.title,
            "slug": quiz.slug,
            "intro": rich_text("<p>Edited.</p>"),
            "pass_mark": "80",
            **QUIZ_SETTINGS,
            "quiz_questions": inline_formset(rows, initial=1, min=0),
            "comments": EMPTY_COMMENTS,
        }
    )
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(quiz.pk,))
    assert client.post(preview_url, data).json()["is_valid"] is True
    response = client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f"{saved.name}?") < html.index("Added in the editor?")
    assert quiz.quiz_questions.count() == 1  # nothing saved
