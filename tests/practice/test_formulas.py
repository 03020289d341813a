"""The metrics formula evaluator: arithmetic on the exercise's figures only, nothing else."""

import pytest

from practice.formulas import FormulaError, evaluate, parse_answer, randomised_figures, within_tolerance

FIGURES = {"reach": 2000, "impressions": 5000, "likes": 120, "comments": 30, "shares": 50, "clicks": 75}


def test_engagement_rate_and_click_through_rate():
    assert evaluate("(likes + comments + shares) / reach * 100", FIGURES) == pytest.approx(10.0)
    assert evaluate("clicks / impressions * 100", FIGURES) == pytest.approx(1.5)
    assert evaluate("-likes + +2 * (3 - 1)", FIGURES) == -116


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os').system('true')",
        "likes.__class__",
        "open('x')",
        "likes ** 99999",
        "likes if reach else clicks",
        "[likes]",
        "lambda: 1",
        "'text'",
        "True + 1",
        "likes // 2",
        "likes % 7",
        "reach < 5",
    ],
)
def test_anything_but_arithmetic_is_refused(formula):
    with pytest.raises(FormulaError):
        evaluate(formula, FIGURES)


def test_unknown_figures_bad_syntax_empty_and_long_formulas_are_refused_with_a_reason():
    with pytest.raises(FormulaError, match="followers"):
        evaluate("followers / reach", FIGURES)
    with pytest.raises(FormulaError, match="brackets"):
        evaluate("(likes + ", FIGURES)
    with pytest.raises(FormulaError, match="Write a formula"):
        evaluate("  ", FIGURES)
    with pytest.raises(FormulaError, match="under"):
        evaluate("+".join(["likes"] * 100), FIGURES)


def test_division_by_zero_is_a_formula_error():
    with pytest.raises(FormulaError, match="zero"):
        evaluate("likes / (reach - 2000)", FIGURES)


@pytest.mark.parametrize(
    ("typed", "number"),
    [("4.5", 4.5), ("4.5%", 4.5), (" 1,234 ", 1234.0), ("-2", -2.0), ("10", 10.0), ("", None), ("ten", None)],
)
def test_answers_are_read_as_typed(typed, number):
    assert parse_answer(typed) == number


@pytest.mark.parametrize("typed", ["nan", "inf", "1e999999"])
def test_answers_that_are_not_finite_numbers_are_not_numbers(typed):
    assert parse_answer(typed) is None


def test_tolerance_includes_both_ends():
    assert within_tolerance(9.9, 10.0, 0.1)
    assert within_tolerance(10.1, 10.0, 0.1)
    assert not within_tolerance(10.11, 10.0, 0.1)
    assert not within_tolerance(None, 10.0, 0.1)
    assert within_tolerance(10.0, 10.0, 0)


def test_randomised_figures_are_stable_per_seed_and_stay_within_the_spread():
    first = randomised_figures(FIGURES, "learner-1:activity-9", 0.2)
    assert first == randomised_figures(FIGURES, "learner-1:activity-9", 0.2)
    assert first != randomised_figures(FIGURES, "learner-2:activity-9", 0.2)
    for name, value in FIGURES.items():
        assert 0.8 * value - 1 <= first[name] <= 1.2 * value + 1
    assert randomised_figures(FIGURES, "any", 0) == FIGURES
