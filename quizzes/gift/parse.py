"""Reading Moodle GIFT text into unsaved questions (`parse_gift`); touches no database.

GIFT is the plain-text question format of Moodle (docs.moodle.org, "GIFT format"). Saving the
questions is `quizzes.gift.importing.import_gift`'s job; writing them back is `quizzes.gift.write`.

What is read
------------
* Questions are separated by blank lines. Lines starting with ``//`` are comments; a comment
  ``// outcome: K1`` in a question's block names the learning outcome the question tests
  (``ParsedQuestion.outcome``; Moodle reads it as a plain comment).
* ``::title::`` names the question; without one the name is the first ~60 characters of the text.
* ``[html]``, ``[markdown]``, ``[plain]`` and ``[moodle]`` before a piece of text give its format.
  html is kept as it is, markdown goes through the ``markdown`` package, plain is escaped (blank
  lines become paragraphs, line breaks ``<br>``). With no tag (Moodle's default "moodle" format)
  text that contains HTML tags or entities is read as html, anything else as plain. Answers and
  feedback default to the question text's format, as in Moodle. Fields that hold plain text
  (option texts, per-answer feedback, matching prompts) get the text with tags removed.
* Escapes ``\\~ \\= \\# \\{ \\} \\:`` give the literal character, ``\\\\`` a backslash and ``\\n`` a
  line break. Any other backslash is kept as it is.
* ``$CATEGORY: path`` on its own line switches the category for the questions that follow. Our
  categories are flat, so the *last segment* of the path is the category name: Moodle's
  ``$course$/top/Week 1/Privacy`` becomes "Privacy" (``//`` in a path is a literal slash).
  A path naming only the top of a bank (``$course$/top``) means the default category. Two
  Moodle categories with the same last segment in different places therefore merge.
* Multiple choice ``{=right ~wrong}`` becomes a single choice question; per-answer feedback
  ``#...`` and general feedback ``####...`` are kept. Partial credit on wrong answers in a
  single choice question (``~%50%``) has no place here: the answer counts as wrong and the
  import reports a warning.
* Several answers with a positive weight and no ``=`` (``{~%50%a ~%50%b ~%-50%c}``) become a
  multiple response question: an option is correct when its weight is above zero. Each correct
  option earns an equal share here, so unequal weights give a warning.
* True/false ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}`` (any letter case) with
  ``#feedback for a wrong answer#feedback for a right answer``.
* Short answer ``{=a =b =%50%c}`` (or a single ``{answer}``), matched without regard to case.
* Matching ``{=prompt -> match ...}``; ``= -> extra`` adds an extra wrong match.
* Numeric ``{#3.14:0.01}``, ranges ``{#1..5}`` (stored as middle value and tolerance) and several
  weighted answers ``{# =1822:0 =%50%1822:2}``. Weights are rounded to whole percentages.
* Missing word: an answer block in the middle of the text leaves ``_____`` in its place.
* Ordering, in the syntax of Moodle's ordering question type (core since Moodle 4.4):
  ``{>4 ALL VERTICAL ABSOLUTE_POSITION SHOW`` then one item per line in the right order, then
  ``}``. We always show every item and mark each item in its right place (absolute position);
  other Moodle settings are reported as warnings.

What is refused (the whole import stops, every problem reported with its line number)
-----------------------------------------------------------------------------------
essay ``{}`` and description (no answer block) questions, which this platform does not have;
unclosed or stray braces; multiple choice with no correct answer, or with more than one ``=``;
numeric answers that are not numbers, or the ``~#feedback`` for "any other answer"; matching
without ``->``; anything too long for the field it goes into.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import markdown
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from wagtail.fields import StreamField

from lms.sanitise import clean_html

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

__all__ = ["CATEGORY_PREFIX", "FORMAT_TAG_RE", "WEIGHT_RE", "GiftError", "ParsedQuestion", "parse_gift"]

BLANK = "_____"
NAME_LENGTH = 60
CATEGORY_PREFIX = "$CATEGORY:"

# --- escapes ---------------------------------------------------------------------------------
# While a question is taken apart, escaped characters stand in as lone surrogates: text decoded
# from a file can never contain them, so they cannot clash with anything the trainer wrote.
_ESCAPABLE = "\\~=#{}:n"
_HIDDEN = {char: chr(0xD800 + i) for i, char in enumerate(_ESCAPABLE)}
_SHOW = str.maketrans({hidden: ("\n" if char == "n" else char) for char, hidden in _HIDDEN.items()})
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")


def _hide_escapes(line):
    return _ESCAPE_RE.sub(lambda match: _HIDDEN[match.group(1)], line)


def _show(text):
    return text.translate(_SHOW)


# --- text formats ----------------------------------------------------------------------------
FORMAT_TAG_RE = re.compile(r"\[(moodle|html|plain|markdown)\]", re.IGNORECASE)
_HTML_RE = re.compile(
    r"<(?:[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?|/[a-zA-Z][\w:-]*\s*|!--.*?--)>"
    r"|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);",
    re.DOTALL,
)
_BLOCK_START_RE = re.compile(r"<(p|div|ul|ol|h[1-6]|blockquote|pre|table|figure)[\s>]", re.IGNORECASE)
# Moodle's context markers at the start of a category path ($course$/top/...).
_CONTEXT_RE = re.compile(r"\$(?:course|coursecategory|cat\d*|module|system|quiz)\$", re.IGNORECASE)
WEIGHT_RE = re.compile(r"%\s*(-?\d+(?:\.\d+)?)\s*%")


def _split_format(raw, default):
    """(format, text) for a piece of GIFT text that may start with a ``[format]`` tag."""
    raw = raw.strip()
    match = FORMAT_TAG_RE.match(raw)
    if match:
        return match.group(1).lower(), raw[match.end() :]
    return default, raw


def _looks_like_html(text):
    return bool(_HTML_RE.search(text))


def _to_html(text, fmt):
    """Question HTML from GIFT text, sanitised: a GIFT file is untrusted input."""
    return clean_html(_unsafe_html(text, fmt))


def _unsafe_html(text, fmt):
    if not text:
        return ""
    if fmt == "markdown":
        return markdown.markdown(text, extensions=["extra", "sane_lists"])
    if fmt == "html" or (fmt == "moodle" and _looks_like_html(text)):
        return text if _BLOCK_START_RE.match(text) or fmt == "html" else f"<p>{text}</p>"
    paragraphs = [part.strip("\n") for part in re.split(r"\n[ \t]*\n", text)]
    return "".join(
        "<p>" + html.escape(part, quote=False).replace("\n", "<br>") + "</p>" for part in paragraphs if part
    )


def _to_plain(text, fmt):
    if not text:
        return ""
    if fmt == "markdown":
        text = markdown.markdown(text, extensions=["extra", "sane_lists"])
    elif not (fmt == "html" or (fmt == "moodle" and _looks_like_html(text))):
        return text.strip()
    return html.unescape(strip_tags(text)).strip()


def _plain_of_html(value):
    return " ".join(html.unescape(strip_tags(value or "")).split())


def _default_name(text_html):
    text = _plain_of_html(text_html)
    if len(text) <= NAME_LENGTH:
        return text or "Imported question"
    cut = text[:NAME_LENGTH]
    if " " in cut[NAME_LENGTH // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


# --- results ---------------------------------------------------------------------------------
class GiftError(Exception):
    """The GIFT text could not be imported. `errors` lists (line number, message), 1-based."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda error: error[0])
        super().__init__(str(self))

    def __str__(self):
        count = len(self.errors)
        lines = [f"line {line}: {message}" for line, message in self.errors]
        return f"{count} problem{'s' if count != 1 else ''} in the GIFT text:\n" + "\n".join(lines)


@dataclass
class ParsedQuestion:
    """One question read from GIFT, not saved: `model(category=..., **fields).save()` creates it."""

    line: int
    category: str | None
    model: type[Question]
    fields: dict
    warnings: list[tuple[int, str]] = field(default_factory=list)
    outcome: str = ""  # the code of a ``// outcome: CODE`` comment in the question's block


# --- parsing ---------------------------------------------------------------------------------
class _Invalid(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


def _category_name(path, line):
    """Our (flat) category name for a Moodle category path; None for the top of the bank."""
    path = _show(_hide_escapes(path)).strip()
    parts = [part.replace("//", "/").strip() for part in re.split(r"(?<!/)/(?!/)", path)]
    parts = [part for part in parts if part]
    if parts and _CONTEXT_RE.fullmatch(parts[0]):
        parts = parts[1:]
        if parts and parts[0] == "top":
            parts = parts[1:]
    if not parts:
        return None
    name = parts[-1]
    if len(name) > 200:
        raise _Invalid(line, "the category name is longer than 200 characters")
    return name


def parse_gift(text):
    """Read GIFT text into unsaved questions. Touches no database.

    Raises GiftError listing every problem found (with line numbers) if any question is invalid.
    """
    # Lone surrogates stand in for escapes while parsing; real text never holds them.
    text = re.sub("[\ud800-\udfff]", "\ufffd", str(text).removeprefix("\ufeff"))
    questions, errors = [], []
    category = None
    block = []
    lines = re.split(r"\r\n|\r|\n", text)
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            category = _parse_block(block, category, questions, errors)
            block = []
    if errors:
        raise GiftError(errors)
    return questions


OUTCOME_RE = re.compile(r"//\s*outcome:\s*(\S+)\s*$", re.IGNORECASE)


def _parse_block(block, category, questions, errors):
    outcomes = [match[1] for _, line in block if (match := OUTCOME_RE.match(line.strip()))]
    lines = [(number, line) for number, line in block if not line.strip().startswith("//")]
    if not lines:
        return category
    number, first = lines[0]
    if first.strip().startswith(CATEGORY_PREFIX):
        try:
            category = _category_name(first.strip()[len(CATEGORY_PREFIX) :], number)
        except _Invalid as problem:
            errors.append((problem.line, problem.message))
        lines = lines[1:]
        if not lines:
            return category
    for number, line in lines:
        if line.strip().startswith(CATEGORY_PREFIX):
            errors.append((number, f"{CATEGORY_PREFIX} must come before a question, after a blank line"))
            return category
    if len(outcomes) > 1:
        errors.append((lines[0][0], "a question may name one outcome, not several"))
        return category
    try:
        question = _QuestionParser(lines, category).parse()
        question.outcome = outcomes[0] if outcomes else ""
        questions.append(question)
    except _Invalid as problem:
        errors.append((problem.line, problem.message))
    return category


def _segments(text, offset, markers):
    """Split `text` at each marker character: [(marker or None, text, offset of the marker)]."""
    found, start, marker, at = [], 0, None, offset
    for i, char in enumerate(text):
        if char in markers:
            found.append((marker, text[start:i], at))
            start, marker, at = i + 1, char, offset + i
    found.append((marker, text[start:], at))
    return found


def _preview(text, limit=40):
    text = " ".join(_show(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _weight(body):
    """(weight in percent or None, rest of the answer) for an answer that may start ``%n%``."""
    match = WEIGHT_RE.match(body)
    if not match:
        return None, body
    return Decimal(match.group(1)), body[match.end() :].strip()


def _number(text):
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _tidy_decimal(value):
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def _flatten_errors(data, path=""):
    """Readable messages from a StreamBlockValidationError's JSON form."""
    messages = []
    if isinstance(data, dict):
        messages += [f"{path}{message}" for message in data.get("messages", [])]
        for message in data.get("nonBlockErrors", []) or []:
            messages += _flatten_errors(message, path)
        for key, value in (data.get("blockErrors") or {}).items():
            label = f"item {key + 1}" if isinstance(key, int) else str(key)
            messages += _flatten_errors(value, f"{path}{label}: ")
    elif isinstance(data, list):
        for item in data:
            messages += _flatten_errors(item, path)
    elif data:
        messages.append(f"{path}{data}")
    return messages


class _QuestionParser:
    """Takes one question (a block of lines, comments removed) apart."""

    def __init__(self, lines, category):
        self.category = category
        self.first_line = lines[0][0]
        self.starts, self.numbers, parts = [], [], []
        offset = 0
        for number, line in lines:
            hidden = _hide_escapes(line)
            self.starts.append(offset)
            self.numbers.append(number)
            parts.append(hidden)
            offset += len(hidden) + 1
        self.text = "\n".join(parts)
        self.warnings = []
        self.format = "moodle"
        self.block_at = 0

    # --- helpers ---
    def line_at(self, offset):
        return self.numbers[max(0, bisect.bisect_right(self.starts, offset) - 1)]

    def fail(self, offset, message):
        raise _Invalid(self.line_at(offset), message)

    def warn(self, offset, message):
        self.warnings.append((self.line_at(offset), message))

    def rich(self, raw):
        fmt, body = _split_format(raw, self.format)
        return _to_html(_show(body).strip(), fmt)

    def plain(self, raw, offset, what, limit=500):
        fmt, body = _split_format(raw, self.format)
        text = _to_plain(_show(body).strip(), fmt)
        self.check_length(text, limit, offset, what)
        return text

    def literal(self, raw, offset, what, limit, strip_format=True):
        body = _split_format(raw, "plain")[1] if strip_format else raw
        text = _show(body).strip()
        self.check_length(text, limit, offset, what)
        return text

    def check_length(self, text, limit, offset, what):
        if len(text) > limit:
            self.fail(offset, f"the {what} is longer than {limit} characters: {_preview(text)!r}")

    # --- the question ---
    def parse(self):
        text = self.text
        pos = len(text) - len(text.lstrip())
        title = None
        if text.startswith("::", pos):
            end = text.find("::", pos + 2)
            if end == -1:
                self.fail(pos, "the question title has no closing '::' (write \\: for a literal colon)")
            title = _show(text[pos + 2 : end]).strip()
            pos = end + 2
        opening, closing = text.find("{", pos), text.find("}", pos)
        if opening == -1 and closing == -1:
            self.fail(
                pos,
                "unsupported question type: description (text with no answer block in braces); "
                "this platform has no description questions",
            )
        if closing != -1 and (opening == -1 or closing < opening):
            self.fail(closing, "'}' without an opening '{' (write \\} for a literal brace)")
        if closing == -1:
            self.fail(opening, "unclosed '{': the answer block has no closing '}'")
        nested = text.find("{", opening + 1, closing)
        if nested != -1:
            self.fail(
                nested,
                f"'{{' inside the answer block opened on line {self.line_at(opening)}: "
                "is a '}' missing? (write \\{ for a literal brace)",
            )
        stray = (text.find("{", closing + 1), text.find("}", closing + 1))
        extra = min((i for i in stray if i != -1), default=-1)
        if extra != -1 and text[extra] == "}":
            self.fail(extra, "'}' without an opening '{' (write \\} for a literal brace)")
        if extra != -1:
            self.fail(
                extra,
                "a second answer block: a question has one {...}; separate questions with a blank line "
                "(write \\{ and \\} for literal braces)",
            )

        after = text[closing + 1 :]
        question_raw = text[pos:opening] + (BLANK + after if after.strip() else "")
        self.format, body = _split_format(question_raw, "moodle")
        question_html = _to_html(_show(body).strip(), self.format)
        if not _plain_of_html(question_html) and "<img" not in question_html:
            self.fail(pos, "the question has no text")

        answer = text[opening + 1 : closing]
        answer_offset = opening + 1
        general_feedback = ""
        split = answer.rfind("####")
        if split != -1:
            general_feedback = self.rich(answer[split + 4 :])
            answer = answer[:split]
        stripped = answer.strip()
        offset = answer_offset + len(answer) - len(answer.lstrip())

        self.block_at = opening  # where question-level problems with the answers are reported
        model, fields = self.answers(stripped, offset, opening)
        if "@@PLUGINFILE@@" in text:  # the raw text: sanitising may have removed the <img>
            self.warn(
                pos,
                "the text uses a file stored in Moodle (@@PLUGINFILE@@), which GIFT doesn't carry: "
                "add the image or file again after importing",
            )

        if title:
            name = title
            if len(name) > 200:
                name = name[:199] + "…"
                self.warn(pos, "the title is longer than 200 characters: it was shortened")
        else:
            name = _default_name(question_html)
        fields = {"name": name, "text": question_html, "general_feedback": general_feedback, **fields}
        self.validate(model, fields, pos)
        return ParsedQuestion(
            line=self.first_line, category=self.category, model=model, fields=fields, warnings=self.warnings
        )

    def answers(self, answer, offset, opening):
        if not answer:
            self.fail(
                opening,
                "unsupported question type: essay (an empty answer block {}); "
                "this platform has no essay questions",
            )
        if answer.startswith("#"):
            return self.numeric(answer[1:], offset + 1)
        if re.match(r">\s*\d", answer):
            return self.ordering(answer, offset)
        if "~" in answer:
            return self.choice(answer, offset)
        if "=" in answer and "->" in answer:
            return self.matching(answer, offset)
        if answer.split("#", 1)[0].strip().upper() in ("T", "TRUE", "F", "FALSE"):
            return self.true_false(answer, offset)
        return self.short_answer(answer, offset)

    # --- question types ---
    def choice(self, answer, offset):
        segments = _segments(answer, offset, "~=")
        _, lead, _ = segments[0]
        if lead.strip():
            self.fail(
                offset, f"text before the first answer: {_preview(lead)!r} (start each answer with = or ~)"
            )
        options = []
        for marker, body, at in segments[1:]:
            body = body.strip()
            if marker == "=":
                weight = Decimal(100)  # As in Moodle, '=' is full marks: no weight is read after it.
            else:
                weight, body = _weight(body)
                weight = Decimal(0) if weight is None else weight
                if not -100 <= weight <= 100:
                    self.fail(at, f"answer weight {weight}% is outside -100% to 100%")
            text_raw, _, feedback_raw = body.partition("#")
            text = self.plain(text_raw, at, "answer")
            if not text:
                self.fail(at, f"empty answer after '{marker}'")
            feedback = self.plain(feedback_raw, at, "answer feedback")
            options.append({"marker": marker, "weight": weight, "text": text, "feedback": feedback, "at": at})
        if len(options) < 2:
            self.fail(self.block_at, "a multiple choice question needs at least two answers")

        full = [o for o in options if o["marker"] == "="]
        if full:
            others = [o for o in options if o["marker"] != "=" and o["weight"] >= 100]
            if len(full) > 1 or others:
                second = (full[1:] + others)[0]
                self.fail(
                    second["at"],
                    "more than one fully correct answer: a single choice question has exactly one '='; "
                    "for 'choose all that apply' give each correct answer a weight such as ~%50%",
                )
            for option in options:
                if option["marker"] != "=" and option["weight"]:
                    self.warn(
                        option["at"],
                        f"partial credit ({option['weight']:f}%) isn't supported in single choice questions: "
                        f"{option['text']!r} counts as wrong",
                    )
            model, correct = SingleChoiceQuestion, lambda o: o["marker"] == "="
        else:
            positive = [o["weight"] for o in options if o["weight"] > 0]
            if not positive:
                self.fail(
                    self.block_at,
                    "no correct answer: mark the right answer with '=' "
                    "(or give the right answers a positive weight such as ~%50%)",
                )
            if len(set(positive)) > 1:
                self.warn(
                    self.block_at,
                    "correct answers have different weights: here each correct answer earns an equal share",
                )
            model, correct = MultipleResponseQuestion, lambda o: o["weight"] > 0
        return model, {
            "options": [
                ("option", {"text": o["text"], "is_correct": correct(o), "feedback": o["feedback"]})
                for o in options
            ]
        }

    def true_false(self, answer, offset):
        parts = answer.split("#", 2)
        correct = parts[0].strip().upper() in ("T", "TRUE")
        wrong = self.plain(parts[1], offset, "feedback") if len(parts) > 1 else ""
        right = self.plain(parts[2], offset, "feedback") if len(parts) > 2 else ""
        return TrueFalseQuestion, {
            "correct_answer": correct,
            "feedback_true": right if correct else wrong,
            "feedback_false": wrong if correct else right,
        }

    def graded(self, body, at, default_weight=100):
        """(fraction 0-100, rest) for a short-answer or numeric answer."""
        weight, body = _weight(body.strip())
        weight = Decimal(default_weight) if weight is None else weight
        if not 0 <= weight <= 100:
            self.fail(at, f"answer weight {weight:f}% is outside 0% to 100%")
        fraction = int(weight.to_integral_value())
        if fraction != weight:
            self.warn(at, f"answer weight {weight:f}% was rounded to {fraction}%")
        return fraction, body

    def short_answer(self, answer, offset):
        answers = []
        for marker, body, at in _segments(answer, offset, "="):
            if marker is None and not body.strip():
                continue
            fraction, body = self.graded(body, at)
            text_raw, _, feedback_raw = body.partition("#")
            text = self.literal(text_raw, at, "accepted answer", 255)
            if not text:
                self.fail(at, "empty accepted answer after '='")
            feedback = self.plain(feedback_raw, at, "answer feedback")
            answers.append(("answer", {"text": text, "fraction": fraction, "feedback": feedback}))
        if not answers:
            self.fail(self.block_at, "a short answer question needs at least one accepted answer")
        if not any(value["fraction"] == 100 for _, value in answers):
            self.fail(self.block_at, "no accepted answer earns full marks: give at least one answer 100%")
        return ShortAnswerQuestion, {"answers": answers}

    def numeric(self, answer, offset):
        if "~" in answer:
            self.fail(
                offset + answer.index("~"),
                "feedback for any other numeric answer ('~#...') isn't supported: "
                "remove it or put it in the general feedback (####)",
            )
        answers = []
        for marker, body, at in _segments(answer, offset, "="):
            if marker is None and not body.strip():
                continue
            fraction, body = self.graded(body, at)
            value_raw, _, feedback_raw = body.partition("#")
            value_raw = _show(value_raw).strip()
            value, tolerance = self.numeric_value(value_raw, at)
            feedback = self.plain(feedback_raw, at, "answer feedback")
            graded = {"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback}
            answers.append(("answer", graded))
        if not answers:
            self.fail(
                self.block_at, "a numeric question needs an answer, for example {#3.14:0.01} or {#1..5}"
            )
        if not any(value["fraction"] == 100 for _, value in answers):
            self.fail(self.block_at, "no numeric answer earns full marks: give at least one answer 100%")
        return NumericQuestion, {"answers": answers}

    def numeric_value(self, text, at):
        expected = "expected a number, number:tolerance or low..high, for example 3.14:0.01 or 1..5"
        if text.find("..") > 0:
            low_raw, _, high_raw = text.partition("..")
            low, high = _number(low_raw), _number(high_raw)
            if low is None or high is None:
                self.fail(at, f"bad numeric range {text!r}: {expected}")
            if low > high:
                self.fail(at, f"bad numeric range {text!r}: the low end is above the high end")
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif text.find(":") > 0:
            value_raw, _, tolerance_raw = text.partition(":")
            value, tolerance = _number(value_raw), _number(tolerance_raw)
            if value is None or tolerance is None:
                self.fail(at, f"bad numeric answer {text!r}: {expected}")
            if tolerance < 0:
                self.fail(at, f"bad numeric answer {text!r}: the tolerance can't be negative")
        else:
            value, tolerance = _number(text), Decimal(0)
            if value is None:
                self.fail(at, f"bad numeric answer {text!r}: {expected}")
        for number in (value, tolerance):
            if abs(number) >= 10**14 or number != number.quantize(Decimal("0.000001")):
                self.fail(
                    at,
                    f"bad numeric answer {text!r}: numbers may have at most 14 digits before "
                    "the decimal point and 6 after it",
                )
        return _tidy_decimal(value), _tidy_decimal(tolerance)

    def matching(self, answer, offset):
        pairs = []
        for marker, body, at in _segments(answer, offset, "="):
            if marker is None and not body.strip():
                continue
            body = body.strip()
            if "->" not in body:
                self.fail(at, f"a matching answer needs 'prompt -> match': {_preview(body)!r}")
            if "#" in body:
                self.fail(at, "matching answers can't have feedback (write \\# for a literal #)")
            prompt_raw, _, match_raw = body.partition("->")
            prompt = self.plain(prompt_raw, at, "matching prompt", 300)
            match = self.literal(match_raw, at, "match", 300, strip_format=False)
            if not match:
                self.fail(at, f"nothing to match after '->' in {_preview(body)!r}")
            pairs.append(("pair", {"prompt": prompt, "match": match}))
        if sum(1 for _, pair in pairs if pair["prompt"]) < 2:
            self.fail(self.block_at, "a matching question needs at least two 'prompt -> match' pairs")
        return MatchingQuestion, {"pairs": pairs}

    def ordering(self, answer, offset):
        lines, at = [], offset
        for line in answer.split("\n"):
            lines.append((line, at))
            at += len(line) + 1
        header, header_at = lines[0]
        match = re.fullmatch(r">\s*(\d+)\s*((?:[A-Za-z_0-9]+\s*)*)", header.strip())
        if not match:
            self.fail(header_at, "an ordering question starts '{>count', with one item per line after it")
        items = []
        for line, line_at in lines[1:]:
            if line.strip():
                text = self.plain(line, line_at, "ordering item", 300)
                if text:
                    items.append(("item", {"text": text}))
        if len(items) < 2:
            self.fail(self.block_at, "an ordering question needs at least two items, one per line")
        flags = match.group(2).upper().split()
        count = int(match.group(1))
        grading = [flag for flag in flags if flag.startswith(("RELATIVE", "LONGEST", "ALL_OR_NOTHING"))]
        if grading:
            self.warn(
                header_at,
                f"grading {grading[0]} isn't available: each item in its right place "
                "earns its share of the mark",
            )
        if count < len(items) and not {"ALL", "EXACT"} & set(flags):
            self.warn(header_at, f"Moodle would show {count} of the {len(items)} items: all are shown here")
        return OrderingQuestion, {"items": items}

    # --- final check against the model's own rules ---
    def validate(self, model, fields, offset):
        instance = model(**fields)
        try:
            instance.clean_fields(exclude=["category"])
        except ValidationError as problem:
            messages = [f"{name}: {m}" for name, items in problem.message_dict.items() for m in items]
            self.fail(offset, "; ".join(messages))
        for model_field in model._meta.get_fields():
            if isinstance(model_field, StreamField):
                try:
                    model_field.stream_block.clean(getattr(instance, model_field.name))
                except ValidationError as problem:
                    data = problem.as_json_data() if hasattr(problem, "as_json_data") else problem.messages
                    messages = _flatten_errors(data) or problem.messages
                    self.fail(offset, f"{model_field.name}: " + "; ".join(messages))
