"""Writing questions as Moodle GIFT (`export_gift`), in a form Moodle and `parse_gift` read.

Questions are written category by category (``$CATEGORY: name``), with ``::name::``, the text
as ``[html]``, ``#`` feedback per option and ``####`` general feedback. Plain-text pieces
inherit the html format, so they are written with ``&``, ``<`` and ``>`` as entities (Moodle
does the same). Multiple response options carry equal weights that add to 100% (and
-100% over the wrong options, which mirrors our marking in Moodle). Ordering questions use
the ordering syntax `parse` reads; Moodle's ordering importer does not unescape items, and reads a
``####`` general feedback line as one more item, so check those after moving to Moodle.
"""

import html
from dataclasses import dataclass
from decimal import Decimal

from ..models import QuestionCategory
from ..questions import (
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from .parse import CATEGORY_PREFIX, FORMAT_TAG_RE, WEIGHT_RE

__all__ = ["ExportResult", "escape", "export_gift"]

# The characters GIFT reads as syntax; a backslash before one makes it literal.
_SPECIAL = set("\\~=#{}:")


def escape(text):
    """`text` written so GIFT reads it back unchanged: backslash and ``~ = # { } :`` escaped,
    line breaks as ``\\n``."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join("\\" + char if char in _SPECIAL else "\\n" if char == "\n" else char for char in text)


@dataclass
class ExportResult:
    text: str
    skipped: list[tuple[Question, str]]


class _Unexportable(Exception):
    pass


def _html_piece(text):
    """A plain-text piece inside an [html] question: entities for & < >, then GIFT escapes."""
    written = escape(html.escape(str(text or "").strip(), quote=False))
    return "[html]" + written if FORMAT_TAG_RE.match(written) else written


def _literal_piece(text):
    """A piece GIFT keeps as typed (accepted answers, matches)."""
    written = escape(str(text or "").strip())
    return "[plain]" + written if FORMAT_TAG_RE.match(written) else written


def _feedback(text):
    return "#" + _html_piece(text) if (text or "").strip() else ""


def _general_feedback(question, indent="\t", end="\n"):
    feedback = (question.general_feedback or "").strip()
    return f"{indent}####{escape(feedback)}{end}" if feedback else ""


def _percent(value):
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _number_text(value):
    return f"{Decimal(str(value if value is not None else 0)).normalize():f}"


def _write_single_choice(question):
    options = [option for _, option in question.option_list()]
    if sum(1 for option in options if option.get("is_correct")) != 1:
        raise _Unexportable("a single choice question needs exactly one correct option")
    lines = []
    for option in options:
        text = _html_piece(option["text"])
        if option.get("is_correct"):
            marker = "="
        else:
            marker = "~%0%" if WEIGHT_RE.match(text) else "~"
        lines.append(f"\t{marker}{text}{_feedback(option.get('feedback'))}\n")
    return "{\n" + "".join(lines) + _general_feedback(question) + "}"


def _write_multiple_response(question):
    options = [option for _, option in question.option_list()]
    correct = sum(1 for option in options if option.get("is_correct"))
    wrong = len(options) - correct
    if not correct:
        raise _Unexportable("a multiple response question needs at least one correct option")
    lines = []
    for option in options:
        weight = _percent(100 / correct) if option.get("is_correct") else _percent(-100 / wrong)
        lines.append(f"\t~%{weight}%{_html_piece(option['text'])}{_feedback(option.get('feedback'))}\n")
    return "{\n" + "".join(lines) + _general_feedback(question) + "}"


def _write_true_false(question):
    right, wrong = (
        (question.feedback_true, question.feedback_false)
        if question.correct_answer
        else (question.feedback_false, question.feedback_true)
    )
    written = "TRUE" if question.correct_answer else "FALSE"
    if (wrong or "").strip() or (right or "").strip():
        written += "#" + _html_piece(wrong)
    if (right or "").strip():
        written += "#" + _html_piece(right)
    return "{" + written + _general_feedback(question, indent="", end="") + "}"


def _write_short_answer(question):
    lines = []
    for child in question.answers:
        answer = child.value
        if "->" in answer["text"]:
            raise _Unexportable(
                f"the accepted answer {answer['text']!r} contains '->', which GIFT reads as matching"
            )
        text, feedback = _literal_piece(answer["text"]), _feedback(answer.get("feedback"))
        lines.append(f"\t=%{answer['fraction']}%{text}{feedback}\n")
    return "{\n" + "".join(lines) + _general_feedback(question) + "}"


def _write_numeric(question):
    lines = []
    for child in question.answers:
        answer = child.value
        value, tolerance = _number_text(answer["value"]), _number_text(answer.get("tolerance") or 0)
        lines.append(f"\t=%{answer['fraction']}%{value}:{tolerance}{_feedback(answer.get('feedback'))}\n")
    return "{#\n" + "".join(lines) + _general_feedback(question) + "}"


def _write_matching(question):
    lines = []
    for child in question.pairs:
        pair = child.value
        lines.append(f"\t={_html_piece(pair.get('prompt'))} -> {escape(pair['match'].strip())}\n")
    return "{\n" + "".join(lines) + _general_feedback(question) + "}"


def _write_ordering(question):
    items = [text for _, text in question.item_list()]
    header = f"{{>{len(items)} ALL VERTICAL ABSOLUTE_POSITION SHOW\n"
    body = "".join(_html_piece(text) + "\n" for text in items)
    return header + body + _general_feedback(question, indent="") + "}"


_WRITERS = {
    SingleChoiceQuestion: _write_single_choice,
    MultipleResponseQuestion: _write_multiple_response,
    TrueFalseQuestion: _write_true_false,
    ShortAnswerQuestion: _write_short_answer,
    NumericQuestion: _write_numeric,
    MatchingQuestion: _write_matching,
    OrderingQuestion: _write_ordering,
}


def _category_line(name):
    name = " ".join(str(name).split()).replace("\\", "\\\\").replace("/", "//")
    return f"{CATEGORY_PREFIX} {name}\n"


def _category_of(question):
    try:
        return question.category
    except QuestionCategory.DoesNotExist:
        return None


def _outcome_line(question):
    """``// outcome: K1`` for a question that tests a module learning outcome (parse reads it back;
    Moodle reads a comment)."""
    code = question.outcome.code if question.outcome_id else ""
    return f"// outcome: {code}\n" if code and not any(char.isspace() for char in code) else ""


def export_gift(questions, *, categories=True):
    """Write `questions` as GIFT, category by category in the order given (without ``$CATEGORY``
    lines when `categories` is false: a course package's quiz file, imported into a category the
    importer chooses).

    Questions GIFT can't hold (or that are invalid, e.g. a single choice with two correct options)
    are left out and listed in `skipped` with the reason.
    """
    chunks = ["// Question bank exported from GovSocial Academy in Moodle GIFT format.\n"]
    skipped = []
    current_category = object()
    for question in questions:
        writer = _WRITERS.get(type(question))
        if writer is None:
            skipped.append((question, f"{question.type_label} questions have no GIFT form"))
            continue
        try:
            answers = writer(question)
        except _Unexportable as reason:
            skipped.append((question, str(reason)))
            continue
        category = _category_of(question)
        key = category.pk if category is not None and category.pk else id(category)
        if key != current_category:
            current_category = key
            if category is not None and categories:
                chunks.append(_category_line(category.name))
        name = escape(str(question.name).strip())
        chunks.append(
            f"// question: {question.pk}  type: {question.type_label}\n"
            f"{_outcome_line(question)}"
            f"::{name}::[html]{escape((question.text or '').strip())}{answers}\n"
        )
    return ExportResult(text="\n".join(chunks), skipped=skipped)
