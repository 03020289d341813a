"""Quiz statistics for trainers, after Moodle's quiz statistics report (classical item analysis).

Everything is worked out from submitted attempts and their marked `Response` rows, in two queries
whatever the number of attempts. Question names, types and option texts come from each
attempt's snapshot, so a question edited (or deleted) since is reported as learners saw it.

Formulas (x = one attempt's fraction on an item, 0..1; sample statistics, n - 1, as Moodle):

- Facility index: 100 * mean(x).
- Item standard deviation: 100 * stdev(x).
- Discrimination index: 100 * Pearson r(x, rest), where rest is the attempt's score on the other
  questions it showed: (marks earned - this item's mark) / (marks available - this item's max
  mark). For a quiz with the same questions in every attempt this is Moodle's r(x_i, T - x_i);
  dividing by the rest's maximum only keeps attempts with random draws of different marks
  comparable. None when fewer than two attempts include the item or either side has no spread.
- Quiz mean, median and standard deviation: of the attempts' percentage scores.
- Per learning outcome (the module outcome each question tests, Question.outcome): the number of
  questions and their mean facility index.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps

from .models import Attempt, Question, QuizPage, Response
from .questions import normalise_text, parse_number

ATTEMPT_CHOICES = {
    "all": "All submitted attempts",
    "first": "Each learner's first submitted attempt",
    "graded": "Each learner's graded attempt (by the quiz's grading method)",
}
TOP_RESPONSES = 10

CHOICE_MODELS = {"quizzes.singlechoicequestion", "quizzes.multipleresponsequestion"}
TRUE_FALSE_MODEL = "quizzes.truefalsequestion"
MATCHING_MODEL = "quizzes.matchingquestion"
TYPED_MODELS = {"quizzes.shortanswerquestion", "quizzes.numericquestion"}
ORDERING_MODEL = "quizzes.orderingquestion"


@dataclass
class Frequency:
    """How often one option, match or typed response was given."""

    text: str
    count: int = 0
    percent: float = 0.0
    is_correct: bool | None = None  # for options and matches
    fraction: float | None = None  # for typed responses: the mean fraction they earned
    key: str = ""


@dataclass
class PromptStatistics:
    """For a matching question: which answers learners matched to one prompt."""

    prompt: str
    correct_match: str
    choices: list[Frequency] = field(default_factory=list)
    key: str = ""


@dataclass
class QuestionStatistics:
    question_id: int
    name: str
    type_label: str
    model: str
    response_count: int = 0
    unanswered: int = 0
    facility: float | None = None
    sd: float | None = None
    discrimination: float | None = None
    options: list[Frequency] = field(default_factory=list)  # single/multiple choice, true/false
    prompts: list[PromptStatistics] = field(default_factory=list)  # matching
    top_responses: list[Frequency] = field(default_factory=list)  # short answer, numeric, ordering
    first_position: int = 0
    outcome_code: str = ""  # the learning outcome the question tests, as the bank has it now
    outcome_text: str = ""


@dataclass
class OutcomeStatistics:
    """One learning outcome across the quiz: how many questions test it and how easy they were."""

    code: str
    text: str
    question_count: int = 0
    facility: float | None = None  # mean of its questions' facility indexes


@dataclass
class QuizStatistics:
    quiz: QuizPage
    attempts: str  # which attempts are included: a key of ATTEMPT_CHOICES
    attempt_count: int = 0
    mean_score: float | None = None
    median_score: float | None = None
    sd_score: float | None = None
    questions: list[QuestionStatistics] = field(default_factory=list)
    outcomes: list[OutcomeStatistics] = field(default_factory=list)

    @property
    def attempts_label(self):
        return ATTEMPT_CHOICES[self.attempts]


def select_attempts(quiz, attempts, which):
    """The attempts to analyse: all of them, or one per learner."""
    if which == "all":
        return attempts
    by_user = defaultdict(list)
    for attempt in attempts:
        by_user[attempt.user_id].append(attempt)
    if which == "first":
        chosen = [min(user_attempts, key=lambda a: a.number) for user_attempts in by_user.values()]
    elif quiz.grading_method == QuizPage.GradingMethod.LATEST:
        chosen = [max(user_attempts, key=lambda a: a.number) for user_attempts in by_user.values()]
    else:  # the same rule as QuizStatus.graded_attempt: highest score, earliest on a tie
        chosen = [
            max(user_attempts, key=lambda a: (a.score, -a.number)) for user_attempts in by_user.values()
        ]
    ids = {a.pk for a in chosen}
    return [a for a in attempts if a.pk in ids]


def quiz_statistics(quiz, attempts="all"):
    """Statistics for a quiz over its submitted attempts (see ATTEMPT_CHOICES for `attempts`)."""
    if attempts not in ATTEMPT_CHOICES:
        raise ValueError(f"attempts must be one of {', '.join(ATTEMPT_CHOICES)}, not {attempts!r}")
    submitted = list(
        Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
        .only("id", "user", "number", "score", "snapshot", "submitted_at")
        .order_by("submitted_at", "id")
    )
    chosen = select_attempts(quiz, submitted, attempts)
    result = QuizStatistics(quiz=quiz, attempts=attempts, attempt_count=len(chosen))
    if not chosen:
        return result

    scores = [float(a.score or 0) for a in chosen]
    result.mean_score = statistics.fmean(scores)
    result.median_score = statistics.median(scores)
    result.sd_score = statistics.stdev(scores) if len(scores) > 1 else None

    by_attempt = {a.pk: a for a in chosen}
    rows = defaultdict(list)
    # In the order the attempts were submitted, so "first appearance" (a question's place, the
    # spelling shown for typed answers that differ only in case) is the same on every database.
    responses = Response.objects.filter(attempt__quiz=quiz, attempt__submitted_at__isnull=False).order_by(
        "attempt__submitted_at", "attempt_id", "position"
    )
    for row in responses.values(
        "attempt_id", "question_id", "position", "answer", "fraction", "mark", "max_mark"
    ):
        if row["attempt_id"] in by_attempt:
            rows[row["attempt_id"]].append(row)

    items = {}  # question id -> _Item, in order of first appearance
    for attempt_id, attempt_rows in rows.items():
        attempt = by_attempt[attempt_id]
        snapshot_by_id = {data["id"]: data for data in attempt.snapshot}
        earned = sum((row["mark"] for row in attempt_rows), Decimal(0))
        available = sum((row["max_mark"] for row in attempt_rows), Decimal(0))
        for row in attempt_rows:
            data = snapshot_by_id.get(row["question_id"])
            if data is None and row["position"] < len(attempt.snapshot):
                data = attempt.snapshot[row["position"]]  # the question was deleted since
            if data is None:
                continue
            item = items.get(data["id"])
            if item is None:
                item = items[data["id"]] = _Item(data)
            rest_max = available - row["max_mark"]
            rest = float((earned - row["mark"]) / rest_max) if rest_max else None
            item.add(data, row, rest)

    result.questions = sorted(
        (item.result() for item in items.values()), key=lambda q: (q.first_position, q.question_id)
    )
    result.outcomes = outcome_statistics(result.questions)
    return result


def outcome_statistics(questions):
    """Fill in each question's learning outcome (one query) and sum them up per outcome, in the
    module's order of outcomes."""
    found = Question.objects.filter(pk__in=[q.question_id for q in questions], outcome__isnull=False)
    outcome_of = {
        pk: (code, text, order)
        for pk, code, text, order in found.values_list(
            "pk", "outcome__code", "outcome__text", "outcome__sort_order"
        )
    }
    by_code = {}
    for question in questions:
        if question.question_id not in outcome_of:
            continue
        code, text, order = outcome_of[question.question_id]
        question.outcome_code, question.outcome_text = code, text
        by_code.setdefault((order, code), (text, []))[1].append(question.facility)
    summaries = []
    for (_, code), (text, facilities) in sorted(by_code.items()):
        known = [f for f in facilities if f is not None]
        summaries.append(
            OutcomeStatistics(
                code=code,
                text=text,
                question_count=len(facilities),
                facility=statistics.fmean(known) if known else None,
            )
        )
    return summaries


def _type_label(model_label):
    try:
        return apps.get_model(model_label).type_label
    except (LookupError, ValueError):
        return "Question"


def _percent(count, total):
    return 100 * count / total if total else 0.0


def _is_blank(answer):
    return answer in (None, "", [], {})


class _Item:
    """Collects one question's responses across attempts."""

    def __init__(self, data):
        self.data = data
        self.fractions = []
        self.pairs = []  # (fraction, rest score) where the attempt had other questions
        self.unanswered = 0
        self.first_position = None
        self.options = {}  # key -> Frequency, in order of first appearance
        self.prompts = {}  # key -> (PromptStatistics, {match text: Frequency})
        self.typed = {}  # key -> [Frequency, list of fractions]

    def add(self, data, row, rest):
        self.data = data  # the newest snapshot names the question
        fraction = float(row["fraction"])
        self.fractions.append(fraction)
        if rest is not None:
            self.pairs.append((fraction, rest))
        position = row["position"]
        self.first_position = position if self.first_position is None else min(self.first_position, position)
        answer = row["answer"]
        if _is_blank(answer):
            self.unanswered += 1
        model = data.get("model")
        if model in CHOICE_MODELS:
            self.count_choices(data, answer)
        elif model == TRUE_FALSE_MODEL:
            self.count_true_false(data, answer)
        elif model == MATCHING_MODEL:
            self.count_matches(data, answer)
        elif model in TYPED_MODELS and not _is_blank(answer):
            self.count_typed(model, answer, fraction)
        elif model == ORDERING_MODEL and not _is_blank(answer):
            self.count_ordering(data, answer, fraction)

    def option(self, key, text, is_correct):
        if key not in self.options:
            self.options[key] = Frequency(text=text, is_correct=is_correct, key=key)
        return self.options[key]

    def count_choices(self, data, answer):
        chosen = set(answer if isinstance(answer, list) else [answer])
        for block in data.get("options") or []:
            value = block.get("value") or {}
            text = value.get("text", "")
            # An option whose text was edited between attempts is counted under each text shown.
            frequency = self.option(f"{block.get('id')}:{text}", text, bool(value.get("is_correct")))
            if block.get("id") in chosen:
                frequency.count += 1

    def count_true_false(self, data, answer):
        correct = bool(data.get("correct_answer"))
        for value, text in (("true", "True"), ("false", "False")):
            frequency = self.option(value, text, correct == (value == "true"))
            if answer == value:
                frequency.count += 1

    def count_matches(self, data, answer):
        answer = answer if isinstance(answer, dict) else {}
        for block in data.get("pairs") or []:
            value = block.get("value") or {}
            prompt, match = value.get("prompt") or "", value.get("match") or ""
            if not prompt:
                continue  # an extra wrong answer, not a prompt
            key = f"{block.get('id')}:{prompt}"
            if key not in self.prompts:
                self.prompts[key] = (PromptStatistics(prompt=prompt, correct_match=match, key=key), {})
            _, counts = self.prompts[key]
            given = answer.get(block.get("id"))
            if given:
                if given not in counts:
                    counts[given] = Frequency(text=given, is_correct=given == match, key=given)
                counts[given].count += 1

    def count_typed(self, model, answer, fraction):
        text = " ".join(str(answer).split())
        if model == "quizzes.numericquestion":
            number = parse_number(text)
            key = f"{number.normalize():f}" if number is not None else normalise_text(text)
        else:
            key = normalise_text(text)
        self.tally(key, text, fraction)

    def count_ordering(self, data, answer, fraction):
        items = data.get("items") or []
        texts = {block.get("id"): (block.get("value") or {}).get("text", "") for block in items}
        answer = answer if isinstance(answer, list) else [answer]
        self.tally("\x1f".join(map(str, answer)), " → ".join(texts.get(iid, "?") for iid in answer), fraction)

    def tally(self, key, text, fraction):
        if key not in self.typed:
            self.typed[key] = [Frequency(text=text, key=key), []]
        entry = self.typed[key]
        entry[0].count += 1
        entry[1].append(fraction)

    def result(self):
        data = self.data
        n = len(self.fractions)
        stats = QuestionStatistics(
            question_id=data["id"],
            name=data.get("name", ""),
            type_label=_type_label(data.get("model", "")),
            model=data.get("model", ""),
            response_count=n,
            unanswered=self.unanswered,
            facility=100 * statistics.fmean(self.fractions) if n else None,
            sd=100 * statistics.stdev(self.fractions) if n > 1 else None,
            discrimination=discrimination_index(self.pairs),
            first_position=self.first_position or 0,
        )
        for frequency in self.options.values():
            frequency.percent = _percent(frequency.count, n)
            stats.options.append(frequency)
        for prompt, counts in self.prompts.values():
            prompt.choices = sorted(counts.values(), key=lambda f: (-f.count, f.text.casefold()))
            for frequency in prompt.choices:
                frequency.percent = _percent(frequency.count, n)
            stats.prompts.append(prompt)
        typed = sorted(self.typed.values(), key=lambda entry: (-entry[0].count, entry[0].key))
        for frequency, fractions in typed[:TOP_RESPONSES]:
            frequency.percent = _percent(frequency.count, n)
            frequency.fraction = statistics.fmean(fractions)
            stats.top_responses.append(frequency)
        return stats


def discrimination_index(pairs):
    """100 * the Pearson correlation of item scores with rest-of-quiz scores, or None."""
    if len(pairs) < 2:
        return None
    item_scores, rest_scores = zip(*pairs, strict=True)
    if len(set(item_scores)) < 2 or len(set(rest_scores)) < 2:
        return None
    try:
        return 100 * statistics.correlation(item_scores, rest_scores)
    except statistics.StatisticsError:
        return None
