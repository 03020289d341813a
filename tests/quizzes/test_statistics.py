"""Quiz statistics (facility, discrimination, response frequencies) and the trainer's report."""

import csv
import io
import math

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

import lms.urls
from courses.factories import make_user
from courses.models import ModulePage
from courses.services import enrol
from lms.models import User
from quizzes import admin_views
from quizzes.factories import correct_option_id, make_course, make_quiz, make_single_choice
from quizzes.models import (
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    QuestionCategory,
    QuizQuestion,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from quizzes.services import start_attempt, submit_attempt
from quizzes.statistics import quiz_statistics
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

# The admin URLs are registered by a hook elsewhere; these tests bring their own.
report_patterns = [
    path("<int:quiz_id>/statistics/", admin_views.quiz_statistics_view, name="statistics"),
    path("<int:quiz_id>/statistics.csv", admin_views.quiz_statistics_csv, name="statistics_csv"),
]
urlpatterns = [
    path("stats-test/quizzes/", include((report_patterns, "quizzes_admin"))),
    *lms.urls.urlpatterns,
]
use_local_urls = pytest.mark.urls(__name__)


# --- builders ------------------------------------------------------------------------------------


def fresh(question):
    """The question as stored (so StreamField block ids are the saved ones)."""
    return Question.objects.get(pk=question.pk)


def category():
    return QuestionCategory.objects.get_or_create(name="Test bank")[0]


def quiz_with(questions):
    course = make_course(title="Statistics course", quiz=False)
    module = ModulePage.objects.descendant_of(course).get()
    return course, make_quiz(module, title="Statistics quiz", questions=questions)


def learners(count):
    return [make_user(email=f"learner{n}@example.gov.au", full_name=f"Learner {n}") for n in range(count)]


def take(course, quiz, user, answers):
    """Enrol, start and submit one attempt with these answers ({question: answer})."""
    enrol(user, course)
    attempt = start_attempt(user, quiz)
    return submit_attempt(attempt, {str(q.pk): a for q, a in answers.items() if a is not None}).attempt


def option_id(question, text):
    return next(oid for oid, option in question.option_list() if option["text"] == text)


def by_name(stats):
    return {q.name: q for q in stats.questions}


def option_counts(question_stats):
    return {o.text: (o.count, round(o.percent, 2), o.is_correct) for o in question_stats.options}


# --- a small designed data set -----------------------------------------------------------------
#
#              Good   Filler  Reverse   score
#   learner 0    1      1       0       66.67
#   learner 1    1      1       0       66.67
#   learner 2    0      0       1       33.33
#   learner 3    0      0       0        0.00   (leaves Reverse unanswered)
#
# Good: x = [1, 1, 0, 0]; rest = (Filler + Reverse) / 2 = [.5, .5, .5, 0]
#   deviations: x - .5 = [.5, .5, -.5, -.5]; rest - .375 = [.125, .125, .125, -.375]
#   sum of products = .0625 + .0625 - .0625 + .1875 = .25
#   sums of squares: x 1, rest 3 * .015625 + .140625 = .1875
#   r = .25 / sqrt(1 * .1875) = 1 / sqrt(3)  ->  +57.735 %
# Reverse: x = [0, 0, 1, 0]; rest = (Good + Filler) / 2 = [1, 1, 0, 0]
#   deviations: [-.25, -.25, .75, -.25] and [.5, .5, -.5, -.5]; sum of products = -.5
#   sums of squares: .75 and 1;  r = -.5 / sqrt(.75) = -1 / sqrt(3)  ->  -57.735 %


@pytest.fixture
def designed():
    good = fresh(make_single_choice(name="Good item"))
    filler = fresh(make_single_choice(name="Filler item", correct="Yes", wrong=("No",)))
    reverse = TrueFalseQuestion.objects.create(
        category=category(), name="Reverse item", text="<p>Always reply at once?</p>", correct_answer=False
    )
    course, quiz = quiz_with([good, filler, reverse])
    people = learners(4)
    reply, delete = option_id(good, "Reply at once"), option_id(good, "Delete the comment")
    yes, no = option_id(filler, "Yes"), option_id(filler, "No")
    right = correct_option_id(good)
    rows = [
        {good: right, filler: yes, reverse: "true"},
        {good: right, filler: yes, reverse: "true"},
        {good: reply, filler: no, reverse: "false"},
        {good: delete, filler: no, reverse: None},
    ]
    attempts = [take(course, quiz, user, answers) for user, answers in zip(people, rows, strict=True)]
    return {
        "quiz": quiz,
        "course": course,
        "good": good,
        "filler": filler,
        "reverse": reverse,
        "people": people,
        "attempts": attempts,
    }


def test_quiz_summary_over_all_submitted_attempts(designed):
    stats = quiz_statistics(designed["quiz"])

    assert stats.attempts == "all"
    assert stats.attempt_count == 4
    # Scores 66.67, 66.67, 33.33, 0.00.
    assert stats.mean_score == pytest.approx((66.67 + 66.67 + 33.33 + 0) / 4)
    assert stats.median_score == pytest.approx(50.0)
    mean = 41.6675
    sample_variance = ((66.67 - mean) ** 2 * 2 + (33.33 - mean) ** 2 + mean**2) / 3
    assert stats.sd_score == pytest.approx(math.sqrt(sample_variance))


def test_facility_and_standard_deviation_per_question(designed):
    questions = by_name(quiz_statistics(designed["quiz"]))

    assert [q.name for q in quiz_statistics(designed["quiz"]).questions] == [
        "Good item",
        "Filler item",
        "Reverse item",
    ]
    assert questions["Good item"].response_count == 4
    assert questions["Good item"].type_label == "Single choice"
    assert questions["Reverse item"].type_label == "True/false"
    assert questions["Good item"].facility == pytest.approx(50.0)
    assert questions["Reverse item"].facility == pytest.approx(25.0)
    # Sample SD of [1, 1, 0, 0] is sqrt(1/3); of [0, 0, 1, 0] is sqrt(.75/3) = .5.
    assert questions["Good item"].sd == pytest.approx(100 / math.sqrt(3))
    assert questions["Reverse item"].sd == pytest.approx(50.0)
    assert questions["Reverse item"].unanswered == 1


def test_discrimination_index_matches_the_hand_calculation(designed):
    questions = by_name(quiz_statistics(designed["quiz"]))

    assert questions["Good item"].discrimination == pytest.approx(100 / math.sqrt(3))
    assert questions["Reverse item"].discrimination == pytest.approx(-100 / math.sqrt(3))


def test_choice_frequencies_use_the_texts_learners_saw(designed):
    good = designed["good"]
    # A trainer rewords the right answer after the attempts: the report keeps the old wording.
    raw = list(good.options.raw_data)
    raw[0]["value"]["text"] = "Reworded later"
    good.options = raw
    good.save()

    questions = by_name(quiz_statistics(designed["quiz"]))

    assert option_counts(questions["Good item"]) == {
        "Pause and check the facts": (2, 50.0, True),
        "Reply at once": (1, 25.0, False),
        "Delete the comment": (1, 25.0, False),
    }
    assert option_counts(questions["Reverse item"]) == {
        "True": (2, 50.0, False),
        "False": (1, 25.0, True),
    }


def test_discrimination_needs_two_attempts_and_spread(db):
    question = fresh(make_single_choice(name="Only item"))
    other = fresh(make_single_choice(name="Second item"))
    course, quiz = quiz_with([question, other])
    first, second = learners(2)

    take(course, quiz, first, {question: correct_option_id(question), other: correct_option_id(other)})
    one = by_name(quiz_statistics(quiz))
    assert one["Only item"].facility == 100.0
    assert one["Only item"].discrimination is None and one["Only item"].sd is None
    assert quiz_statistics(quiz).sd_score is None

    # Both learners right on "Only item": no variance in the item, so no discrimination.
    take(course, quiz, second, {question: correct_option_id(question)})
    two = by_name(quiz_statistics(quiz))
    assert two["Only item"].sd == 0.0
    assert two["Only item"].discrimination is None
    assert two["Second item"].facility == 50.0


def test_other_question_types_report_what_learners_answered(db):
    cat = category()
    multiple = fresh(
        MultipleResponseQuestion.objects.create(
            category=cat,
            name="Pick all",
            text="<p>Pick all that apply</p>",
            options=[
                ("option", {"text": "A", "is_correct": True, "feedback": ""}),
                ("option", {"text": "B", "is_correct": True, "feedback": ""}),
                ("option", {"text": "C", "is_correct": False, "feedback": ""}),
            ],
        )
    )
    short = ShortAnswerQuestion.objects.create(
        category=cat,
        name="Typed",
        text="<p>Which principle?</p>",
        answers=[("answer", {"text": "privacy", "fraction": 100, "feedback": ""})],
    )
    numeric = NumericQuestion.objects.create(
        category=cat,
        name="Number",
        text="<p>How many?</p>",
        answers=[("answer", {"value": "42", "tolerance": "0", "fraction": 100, "feedback": ""})],
    )
    matching = fresh(
        MatchingQuestion.objects.create(
            category=cat,
            name="Match",
            text="<p>Match the owners</p>",
            pairs=[
                ("pair", {"prompt": "Facebook", "match": "Meta"}),
                ("pair", {"prompt": "YouTube", "match": "Google"}),
                ("pair", {"prompt": "", "match": "Myspace"}),
            ],
        )
    )
    ordering = fresh(
        OrderingQuestion.objects.create(
            category=cat,
            name="Order",
            text="<p>Put in order</p>",
            items=[("item", {"text": "Pause"}), ("item", {"text": "Check"}), ("item", {"text": "Reply"})],
        )
    )
    course, quiz = quiz_with([multiple, short, numeric, matching, ordering])
    facebook, youtube = (pid for pid, _, _ in matching.prompts())
    a, b, c = (oid for oid, _ in multiple.option_list())
    pause, check, reply = (iid for iid, _ in ordering.item_list())
    rows = [
        {
            multiple: [a, b],
            short: "Privacy",
            numeric: "42",
            matching: {facebook: "Meta", youtube: "Google"},
            ordering: [pause, check, reply],
        },
        {
            multiple: [a, c],
            short: "privacy",
            numeric: "42.0",
            matching: {facebook: "Google", youtube: "Google"},
            ordering: [check, pause, reply],
        },
        {
            multiple: [a],
            short: "security",
            numeric: "41",
            matching: {facebook: "Meta"},
            ordering: [pause, check, reply],
        },
    ]
    for user, answers in zip(learners(3), rows, strict=True):
        take(course, quiz, user, answers)

    questions = by_name(quiz_statistics(quiz))

    # Multiple response: 1, max(0, 1/2 - 1) = 0, and 1/2.
    assert questions["Pick all"].facility == pytest.approx(50.0)
    assert option_counts(questions["Pick all"]) == {
        "A": (3, 100.0, True),
        "B": (1, 33.33, True),
        "C": (1, 33.33, False),
    }
    typed = [(r.text, r.count, r.fraction) for r in questions["Typed"].top_responses]
    assert typed == [("Privacy", 2, 1.0), ("security", 1, 0.0)]
    numbers = [(r.text, r.count) for r in questions["Number"].top_responses]
    assert numbers == [("42", 2), ("41", 1)]
    prompts = {
        p.prompt: (p.correct_match, [(ch.text, ch.count, ch.is_correct) for ch in p.choices])
        for p in questions["Match"].prompts
    }
    assert prompts == {
        "Facebook": ("Meta", [("Meta", 2, True), ("Google", 1, False)]),
        "YouTube": ("Google", [("Google", 2, True)]),
    }
    # Facebook right twice, YouTube right twice, out of 6 prompts.
    assert questions["Match"].facility == pytest.approx(100 * 4 / 6)
    orders = [(r.text, r.count, r.fraction) for r in questions["Order"].top_responses]
    assert orders == [("Pause → Check → Reply", 2, 1.0), ("Check → Pause → Reply", 1, pytest.approx(1 / 3))]


def test_questions_not_in_every_attempt_are_counted_where_shown(db):
    early = fresh(make_single_choice(name="Early item"))
    course, quiz = quiz_with([early])
    first, second = learners(2)
    take(course, quiz, first, {early: correct_option_id(early)})
    later = fresh(make_single_choice(name="Later item"))
    QuizQuestion.objects.create(quiz=quiz, question=later)
    take(course, quiz, second, {early: correct_option_id(early), later: option_id(later, "Reply at once")})

    questions = by_name(quiz_statistics(quiz))

    assert questions["Early item"].response_count == 2
    assert questions["Later item"].response_count == 1
    assert questions["Later item"].facility == 0.0
    assert option_counts(questions["Later item"])["Reply at once"] == (1, 100.0, False)


def test_first_and_graded_attempts_pick_one_per_learner(db):
    question = fresh(make_single_choice(name="Retried"))
    course, quiz = quiz_with([question])
    learner, other = learners(2)
    take(course, quiz, learner, {question: option_id(question, "Reply at once")})
    take(course, quiz, learner, {question: correct_option_id(question)})
    take(course, quiz, other, {question: option_id(question, "Delete the comment")})

    assert quiz_statistics(quiz).attempt_count == 3
    first = quiz_statistics(quiz, attempts="first")
    assert (first.attempt_count, first.mean_score) == (2, 0.0)
    graded = quiz_statistics(quiz, attempts="graded")
    assert (graded.attempt_count, graded.mean_score) == (2, 50.0)
    with pytest.raises(ValueError):
        quiz_statistics(quiz, attempts="best")


def test_a_quiz_without_attempts_has_empty_statistics(db):
    course, quiz = quiz_with([make_single_choice(name="Unseen")])
    learner = make_user()
    enrol(learner, course)
    start_attempt(learner, quiz)  # in progress, not submitted: not counted

    stats = quiz_statistics(quiz)

    assert stats.attempt_count == 0
    assert stats.questions == []
    assert stats.mean_score is None and stats.median_score is None and stats.sd_score is None


def test_queries_do_not_grow_with_attempts(db, django_assert_max_num_queries):
    short = ShortAnswerQuestion.objects.create(
        category=category(),
        name="Typed",
        text="<p>Which principle?</p>",
        answers=[("answer", {"text": "privacy", "fraction": 100, "feedback": ""})],
    )
    choice = fresh(make_single_choice(name="Chosen"))
    course, quiz = quiz_with([short, choice])
    people = learners(12)
    take(course, quiz, people[0], {short: "answer 0", choice: correct_option_id(choice)})
    with django_assert_max_num_queries(3):  # attempts, responses, the questions' outcomes
        quiz_statistics(quiz)

    for number, user in enumerate(people[1:], start=1):
        take(course, quiz, user, {short: f"answer {number}", choice: correct_option_id(choice)})
    with django_assert_max_num_queries(3):
        stats = quiz_statistics(quiz)

    assert stats.attempt_count == 12
    # Twelve different typed answers: only the ten most frequent are listed.
    assert len(by_name(stats)["Typed"].top_responses) == 10


# --- the admin report ----------------------------------------------------------------------------


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser(email="admin@example.gov.au", password="a-Long-pass-phrase-42")
    sign_in_to_admin(client, user)
    return user


@use_local_urls
def test_learner_cannot_see_the_report(client, designed):
    client.force_login(designed["people"][0])
    quiz = designed["quiz"]

    assert client.get(f"/stats-test/quizzes/{quiz.pk}/statistics/").status_code == 403
    assert client.get(f"/stats-test/quizzes/{quiz.pk}/statistics.csv").status_code == 403


@use_local_urls
def test_report_renders_for_an_editor(client, superuser, designed):
    quiz = designed["quiz"]

    response = client.get(f"/stats-test/quizzes/{quiz.pk}/statistics/")

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["stats"].attempt_count == 4
    assert "<caption>" in html and '<th scope="col">Facility index</th>' in html
    assert '<th scope="row"><a href="#question-' in html and "Good item" in html
    assert "negative: review this question" in html  # the reverse item
    assert "Pause and check the facts" in html
    assert f"/stats-test/quizzes/{quiz.pk}/statistics.csv?attempts=all" in html


@use_local_urls
def test_report_renders_without_attempts(client, superuser):
    _, quiz = quiz_with([make_single_choice(name="Unseen")])

    response = client.get(f"/stats-test/quizzes/{quiz.pk}/statistics/?attempts=first")

    assert response.status_code == 200
    assert response.context["stats"].attempts == "first"
    assert "No submitted attempts yet" in response.content.decode()


@use_local_urls
def test_csv_has_the_question_table(client, superuser, designed):
    quiz, good = designed["quiz"], designed["good"]

    response = client.get(f"/stats-test/quizzes/{quiz.pk}/statistics.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Position",
        "Question ID",
        "Question",
        "Learning outcome",
        "Type",
        "Responses",
        "Unanswered",
        "Facility index (%)",
        "Standard deviation (%)",
        "Discrimination index (%)",
    ]
    assert rows[1] == [
        "1",
        str(good.pk),
        "Good item",
        "",
        "Single choice",
        "4",
        "0",
        "50.00",
        "57.74",
        "57.74",
    ]
    assert rows[3][2:] == ["Reverse item", "", "True/false", "4", "1", "25.00", "50.00", "-57.74"]
    assert len(rows) == 4


def test_csv_view_denies_without_edit_permission(rf, designed):
    request = rf.get("/")
    request.user = designed["people"][1]

    with pytest.raises(PermissionDenied):
        admin_views.quiz_statistics_csv(request, designed["quiz"].pk)


def test_csv_cells_cannot_run_as_spreadsheet_formulas():
    assert admin_views.csv_cell("=SUM(A1)") == "'=SUM(A1)"
    assert admin_views.csv_cell(-57.7351) == "-57.74"
    assert admin_views.csv_cell(None) == ""


@use_local_urls
def test_csv_queries_do_not_grow_with_attempts(client, superuser, designed, django_assert_max_num_queries):
    quiz = designed["quiz"]
    with CaptureQueriesContext(connection) as few:
        client.get(f"/stats-test/quizzes/{quiz.pk}/statistics.csv")
    for number in (4, 5):  # learners 0-3 took the quiz already
        user = make_user(email=f"learner{number}@example.gov.au", full_name=f"Learner {number}")
        take(designed["course"], quiz, user, {designed["good"]: correct_option_id(designed["good"])})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/stats-test/quizzes/{quiz.pk}/statistics.csv")
    assert response.content.decode().splitlines()[1].split(",")[5] == "6"  # Responses, after the outcome


# --- learning outcomes ---------------------------------------------------------------------------


def with_outcomes(designed):
    """K1 on the good and filler items, K2 on the reverse item (the module's two outcomes)."""
    from courses.models import LearningOutcome

    module = ModulePage.objects.ancestor_of(designed["quiz"]).get()
    k1 = LearningOutcome.objects.create(module=module, code="K1", text="Reply with care.", sort_order=1)
    k2 = LearningOutcome.objects.create(module=module, code="K2", text="Know when to wait.", sort_order=2)
    Question.objects.filter(pk__in=[designed["good"].pk, designed["filler"].pk]).update(outcome=k1)
    Question.objects.filter(pk=designed["reverse"].pk).update(outcome=k2)
    return k1, k2


def test_each_question_shows_its_outcome_and_each_outcome_its_mean_facility(designed):
    with_outcomes(designed)

    stats = quiz_statistics(designed["quiz"])

    questions = by_name(stats)
    good = questions["Good item"]
    assert (good.outcome_code, good.outcome_text) == ("K1", "Reply with care.")
    assert questions["Reverse item"].outcome_code == "K2"
    summary = [(o.code, o.question_count, round(o.facility, 2)) for o in stats.outcomes]
    assert summary == [("K1", 2, 50.0), ("K2", 1, 25.0)]  # Good 50 and Filler 50; Reverse 25


def test_questions_without_an_outcome_are_left_out_of_the_summary(designed):
    stats = quiz_statistics(designed["quiz"])

    assert stats.outcomes == []
    assert all(q.outcome_code == "" for q in stats.questions)


@use_local_urls
def test_report_and_csv_show_each_question_outcome(client, superuser, designed):
    with_outcomes(designed)
    quiz = designed["quiz"]

    html = client.get(f"/stats-test/quizzes/{quiz.pk}/statistics/").content.decode()
    csv_text = client.get(f"/stats-test/quizzes/{quiz.pk}/statistics.csv").content.decode()
    rows = list(csv.reader(io.StringIO(csv_text)))

    assert '<th scope="col">Learning outcome</th>' in html
    assert '<abbr title="Reply with care.">K1</abbr>' in html
    assert 'id="outcome-statistics"' in html and '<th scope="row">K2: Know when to wait.</th>' in html
    assert "Tests learning outcome K2: Know when to wait." in html
    assert rows[1][3] == "K1: Reply with care." and rows[3][3] == "K2: Know when to wait."
