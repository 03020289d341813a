"""Builders for tests and demo data: questions, quizzes, and a course with a quiz."""

from courses.factories import add_child, make_course_pages
from courses.models import ModulePage

from .models import (
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    QuestionCategory,
    QuizPage,
    QuizQuestion,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)


def make_single_choice(
    category=None,
    name="Best first step",
    correct="Pause and check the facts",
    wrong=("Reply at once", "Delete the comment"),
):
    category = category or QuestionCategory.objects.get_or_create(name="Test bank")[0]
    options = [("option", {"text": correct, "is_correct": True, "feedback": "Yes: check first."})]
    options += [("option", {"text": text, "is_correct": False, "feedback": "Not yet."}) for text in wrong]
    return SingleChoiceQuestion.objects.create(
        category=category,
        name=name,
        text=f"<p>{name}?</p>",
        general_feedback="<p>Checking facts avoids spreading errors.</p>",
        options=options,
    )


def make_course(title="Social media basics", lessons_per_module=1, kinds=("knowledge",), quiz=True):
    """A published course with one module per kind, lessons, and (optionally) a one-question quiz
    in the last module. Returns the CoursePage."""
    course = make_course_pages(title, lessons_per_module, kinds)
    if quiz:
        make_quiz(ModulePage.objects.child_of(course).order_by("path").last())
    return course


def make_quiz(module, title=None, questions=None, pass_mark=80, **settings):
    """A published quiz under `module` with the given questions (or a new single-choice one).
    Other quiz settings given here are validated as the editor's form would (see add_child)."""
    quiz = QuizPage(title=title or f"{module.title} quiz", pass_mark=pass_mark, **settings)
    for position, question in enumerate(questions or [make_single_choice(name=f"{module.title} question")]):
        quiz.quiz_questions.add(QuizQuestion(question=question, sort_order=position))
    return add_child(module, quiz, validate=bool(settings))


def correct_option_id(question):
    return next(option_id for option_id, option in question.option_list() if option["is_correct"])


def wrong_option_id(question):
    return next(option_id for option_id, option in question.option_list() if not option["is_correct"])


def bank(name="Test bank"):
    return QuestionCategory.objects.get_or_create(name=name)[0]


def make_multiple_response(category=None, name="Safe habits"):

    options = [
        ("option", {"text": "Use a strong unique password", "is_correct": True, "feedback": "Yes."}),
        ("option", {"text": "Turn on two-factor authentication", "is_correct": True, "feedback": "Yes."}),
        ("option", {"text": "Share the login with the whole team", "is_correct": False, "feedback": "No."}),
        (
            "option",
            {"text": "Post from a personal phone without a lock", "is_correct": False, "feedback": "No."},
        ),
    ]
    return MultipleResponseQuestion.objects.create(
        category=category or bank(),
        name=name,
        text="<p>Which keep an account safe?</p>",
        general_feedback="<p>Strong passwords and 2FA.</p>",
        options=options,
    )


def make_true_false(category=None, name="APS Values online", correct=True):

    return TrueFalseQuestion.objects.create(
        category=category or bank(),
        name=name,
        text="<p>The APS Values apply online too.</p>",
        correct_answer=correct,
        feedback_true="Right: they apply.",
        feedback_false="They do apply.",
        general_feedback="<p>The Values apply in every setting.</p>",
    )


def make_short_answer(category=None, name="Code of conduct"):

    return ShortAnswerQuestion.objects.create(
        category=category or bank(),
        name=name,
        text="<p>Which commission publishes APS social media guidance?</p>",
        answers=[
            ("answer", {"text": "Australian Public Service Commission", "fraction": 100, "feedback": "Yes."}),
            ("answer", {"text": "APSC", "fraction": 100, "feedback": "Yes."}),
            ("answer", {"text": "public service*", "fraction": 50, "feedback": "Close."}),
        ],
        general_feedback="<p>The APSC.</p>",
    )


def make_numeric(category=None, name="Online adults"):

    return NumericQuestion.objects.create(
        category=category or bank(),
        name=name,
        text="<p>What percentage of online adults use a social channel?</p>",
        answers=[
            ("answer", {"value": "70", "tolerance": "2", "fraction": 100, "feedback": "Right."}),
            ("answer", {"value": "70", "tolerance": "10", "fraction": 50, "feedback": "Close."}),
        ],
        general_feedback="<p>About 70%.</p>",
    )


def make_matching(category=None, name="Module kinds"):

    return MatchingQuestion.objects.create(
        category=category or bank(),
        name=name,
        text="<p>Match each module to what it covers.</p>",
        pairs=[
            ("pair", {"prompt": "Knowledge", "match": "Theory, news and trends"}),
            ("pair", {"prompt": "Skill", "match": "Strategic, technical and relational"}),
            ("pair", {"prompt": "Practice", "match": "Implementation and evaluation"}),
            ("pair", {"prompt": "", "match": "Catering and venues"}),
        ],
        general_feedback="<p>K, S, P.</p>",
    )


def make_ordering(category=None, name="Handling a complaint"):

    return OrderingQuestion.objects.create(
        category=category or bank(),
        name=name,
        text="<p>Put the steps in order.</p>",
        items=[
            ("item", {"text": "Read the whole comment"}),
            ("item", {"text": "Check the facts"}),
            ("item", {"text": "Reply politely"}),
            ("item", {"text": "Record what you did"}),
        ],
        general_feedback="<p>Read, check, reply, record.</p>",
    )


ALL_TYPE_MAKERS = [
    make_single_choice,
    make_multiple_response,
    make_true_false,
    make_short_answer,
    make_numeric,
    make_matching,
    make_ordering,
]


def attempt_form_data(attempt, answers_by_question):
    """Form data as the browser sends it for an attempt, from stored-style answers keyed by
    question pk (option ids, lists, {prompt id: match}, item ids in order): slots and tokens are
    the attempt's own."""
    data = {}
    for question in attempt.questions:
        answer = answers_by_question.get(question.pk)
        if answer is None:
            continue
        value = question.answer_to_form(answer)
        if isinstance(question, MatchingQuestion):
            data.update({f"{question.slot}-{token}": match for token, match in value.items()})
        elif isinstance(question, OrderingQuestion):
            data.update({f"{question.slot}-{token}": str(pos) for pos, token in enumerate(value, start=1)})
        else:
            data[question.slot] = value
    return data
