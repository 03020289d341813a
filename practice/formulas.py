"""Formulas of a metrics exercise, worked out safely on the server.

A trainer writes a figure's formula with the exercise's figure names, numbers, + - * / and
brackets, e.g. `(likes + comments + shares) / reach * 100`. The formula is parsed with Python's
`ast` and only those nodes are evaluated: no names other than the figures, no calls, attributes,
powers or anything else, so a formula can never run code or take long (`eval` is never used).
"""

import ast
import math
import operator
import random
from decimal import Decimal, InvalidOperation

MAX_FORMULA_LENGTH = 300

OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}


class FormulaError(ValueError):
    """The formula is not allowed, names an unknown figure, or divides by zero."""


def parse_formula(formula, names):
    """The formula's syntax tree, after checking it uses only what is allowed and `names`."""
    formula = (formula or "").strip()
    if not formula:
        raise FormulaError("Write a formula.")
    if len(formula) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"Keep a formula under {MAX_FORMULA_LENGTH} characters.")
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"“{formula}” is not a formula: check its brackets and operators.") from error
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in names:
                known = ", ".join(sorted(names)) or "none"
                raise FormulaError(f"“{node.id}” is not a figure of this exercise (figures: {known}).")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise FormulaError("Only numbers and figure names can be used.")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in OPERATORS:
                raise FormulaError("Only + - * / and brackets can be used.")
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in UNARY:
                raise FormulaError("Only + - * / and brackets can be used.")
        elif not isinstance(node, ast.Expression | ast.Load | ast.operator | ast.unaryop):
            raise FormulaError("Only + - * / and brackets can be used.")
    return tree


def evaluate(formula, figures):
    """The value of `formula` with `figures` ({name: number}); FormulaError when not allowed."""
    tree = parse_formula(formula, figures)
    return _value(tree.body, figures)


def _value(node, figures):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return figures[node.id]
    if isinstance(node, ast.UnaryOp):
        return UNARY[type(node.op)](_value(node.operand, figures))
    left, right = _value(node.left, figures), _value(node.right, figures)
    try:
        return OPERATORS[type(node.op)](left, right)
    except ZeroDivisionError as error:
        raise FormulaError("The formula divides by zero with these figures.") from error


def parse_answer(text):
    """A learner's number as typed: "4.5", "4.5%", "1,234", " -2 "; None if it is not a number."""
    cleaned = (text or "").strip().removesuffix("%").replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        number = float(Decimal(cleaned))
    except (InvalidOperation, OverflowError):
        return None
    return number if math.isfinite(number) else None


def within_tolerance(answer, expected, tolerance):
    """True when `answer` is at most `tolerance` away from `expected` (both ends included)."""
    return answer is not None and abs(answer - expected) <= tolerance + 1e-9


def randomised_figures(figures, seed, spread):
    """The figures, each moved by up to `spread` (0.2 = 20%) up or down and rounded, the same for
    the same seed (a learner sees the same numbers each visit). Whole numbers stay at least 1."""
    rng = random.Random(seed)  # noqa: S311 - varied practice numbers, not a secret
    return {
        name: max(1, round(value * (1 + rng.uniform(-spread, spread)))) if spread else value
        for name, value in figures.items()
    }
