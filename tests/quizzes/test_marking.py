"""Each question type marks itself on the server; property-based where it fits."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes import factories
from quizzes.models import Question
from quizzes.questions import normalise_text, parse_number

pytestmark = pytest.mark.django_db
HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def ids_where(question, correct):
    return [oid for oid, o in question.option_list() if bool(o["is_correct"]) == correct]


def test_multiple_response_partial_credit():
    q = factories.make_multiple_response()
    right, wrong = ids_where(q, True), ids_where(q, False)
    assert q.grade(right) == 1.0
    assert q.grade(right[:1]) == 0.5
    assert q.grade(right + wrong[:1]) == 0.5
    assert q.grade(wrong) == 0.0
    assert q.grade(right + wrong) == 0.0  # ticking everything earns nothing
    assert q.grade([]) == 0.0


@HYPOTHESIS
@given(data=st.data())
def test_multiple_response_is_bounded_and_monotonic(data):
    q = factories.make_multiple_response(name="Safe habits (property)")
    right, wrong = ids_where(q, True), ids_where(q, False)
    chosen = data.draw(st.lists(st.sampled_from(right + wrong), unique=True))
    score = q.grade(chosen)
    assert 0.0 <= score <= 1.0
    missing_right = [oid for oid in right if oid not in chosen]
    if missing_right:  # adding a right option never lowers the mark
        assert q.grade(chosen + missing_right[:1]) >= score
    extra_wrong = [oid for oid in wrong if oid not in chosen]
    if extra_wrong:  # adding a wrong option never raises it
        assert q.grade(chosen + extra_wrong[:1]) <= score


def test_true_false():
    q = factories.make_true_false(correct=False)
    assert q.grade("false") == 1.0 and q.grade("true") == 0.0 and q.grade("maybe") == 0.0
    assert q.feedback_for("true") == ["Right: they apply."]


def test_short_answer_ignores_case_and_spaces_and_supports_wildcards():
    q = factories.make_short_answer()
    assert q.grade("  australian   PUBLIC service commission ") == 1.0
    assert q.grade("apsc") == 1.0
    assert q.grade("Public Service Board") == 0.5  # matches the 50% wildcard answer
    assert q.grade("Department of Finance") == 0.0
    assert q.feedback_for("public service board") == ["Close."]


@HYPOTHESIS
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_short_answer_literal_characters_are_not_patterns(text):
    from quizzes.questions import wildcard_pattern

    literal = text.replace("*", "")
    assert wildcard_pattern(literal).match(normalise_text(literal))
    if literal.strip():
        assert not wildcard_pattern(literal + "x").match(normalise_text(literal + "y"))


def test_numeric_tolerance_and_partial_answers():
    q = factories.make_numeric()
    assert q.grade("70") == 1.0
    assert q.grade("68") == 1.0 and q.grade("72.0") == 1.0
    assert q.grade("75") == 0.5
    assert q.grade("81") == 0.0
    assert q.grade("seventy") == 0.0
    assert q.correct_answer_display() == "70 (± 2)"


@HYPOTHESIS
@given(
    value=st.decimals(min_value=-(10**6), max_value=10**6, places=3),
    tolerance=st.decimals(min_value=0, max_value=100, places=2),
)
def test_numeric_accepts_exactly_within_tolerance(value, tolerance):
    from quizzes.questions import NumericQuestion

    q = NumericQuestion(
        answers=[("answer", {"value": value, "tolerance": tolerance, "fraction": 100, "feedback": ""})]
    )
    assert q.grade(str(value + tolerance)) == 1.0
    assert q.grade(str(value - tolerance)) == 1.0
    assert q.grade(str(value + tolerance + Decimal("0.01"))) == 0.0


def test_parse_number_accepts_thousands_separators():
    assert parse_number("1,250.5") == Decimal("1250.5")
    assert parse_number(" 42 ") == Decimal("42")
    assert parse_number("NaN") is None and parse_number("Infinity") is None
    assert parse_number("abc") is None


def test_matching_gives_a_share_per_correct_match():
    q = factories.make_matching()
    prompts = q.prompts()
    perfect = {pid: match for pid, _, match in prompts}
    assert q.grade(perfect) == 1.0
    one_wrong = {**perfect, prompts[0][0]: "Catering and venues"}
    assert q.grade(one_wrong) == pytest.approx(2 / 3)
    assert q.grade({}) == 0.0
    assert "Catering and venues" in q.choices()  # the distractor is offered


@HYPOTHESIS
@given(data=st.data())
def test_ordering_scores_items_in_their_right_place(data):
    q = factories.make_ordering(name="Ordering (property)")
    ids = [iid for iid, _ in q.item_list()]
    order = data.draw(st.permutations(ids))
    expected = sum(1 for a, b in zip(order, ids, strict=True) if a == b) / len(ids)
    assert q.grade(list(order)) == expected
    assert q.grade(ids) == 1.0
    assert q.grade(ids[:-1]) == 0.0  # not a full ordering


def test_every_type_survives_a_snapshot_round_trip():
    for make in factories.ALL_TYPE_MAKERS:
        q = make()
        copy = Question.from_snapshot(q.to_snapshot())
        assert type(copy) is type(q)
        # Options may be shown in another order; the right answers are the same.
        assert sorted(copy.correct_answer_display().split("; ")) == sorted(
            q.correct_answer_display().split("; ")
        )


def test_ordering_never_starts_in_the_right_order():
    q = factories.make_ordering()
    shown = Question.from_snapshot(q.to_snapshot()).displayed_items()
    assert [iid for iid, _ in shown] != [iid for iid, _ in q.item_list()]
    assert sorted(shown) == sorted(q.item_list())
