"""Question types: a thin polymorphic base and one subtype per kind of question.

Each subtype adds only its own fields and decides how an answer is marked (`grade`, returning a
fraction from 0 to 1), what a learner answers with (`form_field`, which must carry no answer key)
and what feedback an answer earns. Options live in StreamFields, so each option has a stable id
that stored answers refer to.

What the browser sees is drawn afresh for every attempt with a cryptographic generator and kept in
the attempt's snapshot: the order of options, matching answers and ordering items, a random field
name ("slot") for each question, and a random token standing for each option, prompt or item id.
So nothing on the attempt page (names, values, order) says which question it is or which answer
is right; `answer_from_form` turns tokens back into ids on the server.
"""

import re
import secrets
from decimal import Decimal, InvalidOperation

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from polymorphic.models import PolymorphicModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField

from .widgets import MatchingField, OrderingField

QUESTION_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class Question(PolymorphicModel):
    """A question in the bank (*Question bank* in the admin, one editor per type), in a
    QuestionCategory. This thin base holds what every type shares; each subtype (django-polymorphic)
    adds its own fields and decides how an answer is marked (`grade`). Quizzes use questions through
    QuizQuestion or a random draw; an Attempt keeps a snapshot (`to_snapshot`/`from_snapshot`)."""

    category = models.ForeignKey(
        "quizzes.QuestionCategory", on_delete=models.PROTECT, related_name="questions"
    )
    name = models.CharField(max_length=200, help_text="A short name trainers see in lists.")
    text = RichTextField(features=QUESTION_FEATURES, help_text="The question as learners see it.")
    general_feedback = RichTextField(
        features=QUESTION_FEATURES,
        blank=True,
        help_text="Shown after submission whatever the answer: explain the right answer.",
    )
    default_mark = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    outcome = models.ForeignKey(
        "courses.LearningOutcome",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The module learning outcome this question tests (shown in the quiz statistics).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields copied into an attempt's snapshot; subtypes add their own.
    snapshot_fields = ("name", "text", "general_feedback", "default_mark")
    # The StreamField whose order `shuffle` may change for an attempt, if any.
    shuffle_field = None
    type_label = "Question"
    base_panels = [
        FieldPanel("category"),
        FieldPanel("name"),
        FieldPanel("text"),
    ]
    tail_panels = [FieldPanel("general_feedback"), FieldPanel("default_mark"), FieldPanel("outcome")]

    class Meta:
        ordering = ["category__name", "name"]

    def __str__(self):
        return self.name

    # --- marking ---------------------------------------------------------------------------
    def grade(self, answer):
        """Return the fraction of the mark this answer earns, from 0.0 to 1.0."""
        raise NotImplementedError

    def form_field(self):
        """The form field a learner answers with. Must carry no correctness data."""
        raise NotImplementedError

    def answer_from_form(self, value):
        """Turn a cleaned form value into the JSON-able answer stored on the attempt."""
        return value

    def answer_to_form(self, answer):
        """A stored answer as the form shows it again (the inverse of answer_from_form)."""
        return answer

    # --- what the browser sees: per-attempt tokens -----------------------------------------
    # Ids of options, prompts or items that the form sends, replaced by tokens per attempt.
    tokenised_field = None

    @property
    def slot(self):
        """This question's field name on the attempt page."""
        return getattr(self, "snapshot_extra", {}).get("slot") or f"question-{self.pk}"

    def public_id(self, real_id):
        tokens = getattr(self, "snapshot_extra", {}).get("tokens")
        if not tokens:
            return real_id
        return next((token for token, rid in tokens.items() if rid == real_id), "")

    def real_id(self, token):
        tokens = getattr(self, "snapshot_extra", {}).get("tokens")
        return tokens.get(token, "") if tokens else token

    def feedback_for(self, answer):
        """Per-answer feedback lines shown after submission."""
        return []

    def correct_answer_display(self):
        return ""

    def answer_display(self, answer):
        return "" if answer is None else str(answer)

    # --- snapshots -------------------------------------------------------------------------
    def to_snapshot(self, rng=None, shuffle_options=True):
        """The question as an attempt shows it: options in an order drawn with `rng` (a
        cryptographic generator unless a test passes a seeded one) unless `shuffle_options` is
        off, a random slot name, and a random token for each id the form sends."""
        rng = rng or secrets.SystemRandom()
        data = {"id": self.pk, "model": self._meta.label_lower, "extra": {"slot": new_token()}}
        for name in self.snapshot_fields:
            value = getattr(self, name)
            field = self._meta.get_field(name)
            if isinstance(field, StreamField):
                value = list(value.raw_data)
                if shuffle_options and name == self.shuffle_field:
                    rng.shuffle(value)
                if name == self.tokenised_field:
                    data["extra"]["tokens"] = {new_token(): child["id"] for child in value}
            elif isinstance(value, Decimal):
                value = str(value)
            data[name] = value
        return data

    @staticmethod
    def from_snapshot(data):
        """An unsaved question of the right subtype, as it was when the snapshot was taken."""
        model = apps.get_model(data["model"])
        values = {name: data[name] for name in model.snapshot_fields if name in data}
        if "default_mark" in values:
            values["default_mark"] = Decimal(values["default_mark"])
        question = model(pk=data["id"], **values)
        question.snapshot_extra = data.get("extra", {})
        return question


def new_token():
    """A random, unguessable name for a field or value on one attempt's page."""
    return "a" + secrets.token_hex(8)  # 64 random bits; letters and digits only (no "-")


def stream_items(stream):
    """(block id, value dict) for each child of a StreamField value."""
    return [(child.id, child.value) for child in stream]


# --- choice questions ----------------------------------------------------------------------
class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=500)
    is_correct = blocks.BooleanBlock(required=False, label="Correct")
    feedback = blocks.CharBlock(
        max_length=500, required=False, help_text="Shown after submission to learners who chose this."
    )

    class Meta:
        icon = "radio-full"


class ChoiceOptionsBlock(blocks.StreamBlock):
    """Options for single-choice (exactly one correct) or multiple-response (one or more)."""

    option = ChoiceOptionBlock()

    def __init__(self, *args, exactly_one_correct=True, **kwargs):
        self.exactly_one_correct = exactly_one_correct
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "exactly_one_correct": self.exactly_one_correct}

    class Meta:
        min_num = 2

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for child in value if child.value.get("is_correct"))
        if self.exactly_one_correct and correct != 1:
            message = "Mark exactly one option as correct."
        elif not self.exactly_one_correct and correct < 1:
            message = "Mark at least one option as correct."
        else:
            return value
        raise blocks.StreamBlockValidationError(non_block_errors=ValidationError(message))


# Kept for the migration that created SingleChoiceQuestion.options.
class SingleChoiceOptionsBlock(ChoiceOptionsBlock):
    pass


class ChoiceQuestionMixin:
    shuffle_field = "options"
    tokenised_field = "options"

    def option_list(self):
        return stream_items(self.options)

    def option_text(self, option_id):
        return next((o["text"] for oid, o in self.option_list() if oid == option_id), "")

    def correct_answer_display(self):
        return "; ".join(o["text"] for _, o in self.option_list() if o.get("is_correct"))


class SingleChoiceQuestion(ChoiceQuestionMixin, Question):
    options = StreamField(SingleChoiceOptionsBlock())

    snapshot_fields = (*Question.snapshot_fields, "options")
    type_label = "Single choice"
    panels = [*Question.base_panels, FieldPanel("options"), *Question.tail_panels]

    class Meta:
        verbose_name = "single choice question"

    def grade(self, answer):
        for option_id, option in self.option_list():
            if option_id == answer:
                return 1.0 if option.get("is_correct") else 0.0
        return 0.0

    def form_field(self):
        return forms.ChoiceField(
            choices=[(self.public_id(option_id), option["text"]) for option_id, option in self.option_list()],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose an answer to this question."},
        )

    def answer_from_form(self, value):
        return self.real_id(value)

    def answer_to_form(self, answer):
        return self.public_id(answer)

    def feedback_for(self, answer):
        return [o["feedback"] for oid, o in self.option_list() if oid == answer and o.get("feedback")]

    def answer_display(self, answer):
        return self.option_text(answer)


class MultipleResponseQuestion(ChoiceQuestionMixin, Question):
    """Choose all that apply. Partial credit: each right choice earns its share, each wrong
    choice takes a share away, and the mark never goes below zero."""

    options = StreamField(ChoiceOptionsBlock(exactly_one_correct=False))

    snapshot_fields = (*Question.snapshot_fields, "options")
    type_label = "Multiple response"
    panels = [*Question.base_panels, FieldPanel("options"), *Question.tail_panels]

    class Meta:
        verbose_name = "multiple response question"

    def grade(self, answer):
        chosen = set(answer or [])
        options = self.option_list()
        correct = {oid for oid, o in options if o.get("is_correct")}
        wrong = {oid for oid, o in options if not o.get("is_correct")}
        if not correct:
            return 0.0
        score = len(chosen & correct) / len(correct)
        if wrong:
            score -= len(chosen & wrong) / len(wrong)
        return max(0.0, min(1.0, score))

    def form_field(self):
        return forms.MultipleChoiceField(
            choices=[(self.public_id(option_id), option["text"]) for option_id, option in self.option_list()],
            widget=forms.CheckboxSelectMultiple,
            help_text="Choose all that apply.",
            error_messages={"required": "Choose at least one answer."},
        )

    def answer_from_form(self, value):
        return [self.real_id(token) for token in value]

    def answer_to_form(self, answer):
        return [self.public_id(option_id) for option_id in answer or []]

    def feedback_for(self, answer):
        chosen = set(answer or [])
        return [o["feedback"] for oid, o in self.option_list() if oid in chosen and o.get("feedback")]

    def answer_display(self, answer):
        return "; ".join(self.option_text(oid) for oid in answer or [])


class TrueFalseQuestion(Question):
    correct_answer = models.BooleanField(help_text="Tick if the statement is true.")
    feedback_true = models.CharField(max_length=500, blank=True, help_text="Shown to those who answer True.")
    feedback_false = models.CharField(
        max_length=500, blank=True, help_text="Shown to those who answer False."
    )

    snapshot_fields = (*Question.snapshot_fields, "correct_answer", "feedback_true", "feedback_false")
    type_label = "True/false"
    panels = [
        *Question.base_panels,
        FieldPanel("correct_answer"),
        FieldPanel("feedback_true"),
        FieldPanel("feedback_false"),
        *Question.tail_panels,
    ]

    class Meta:
        verbose_name = "true/false question"

    def grade(self, answer):
        if answer not in ("true", "false"):
            return 0.0
        return 1.0 if (answer == "true") == self.correct_answer else 0.0

    def form_field(self):
        return forms.ChoiceField(
            choices=[("true", "True"), ("false", "False")],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose True or False."},
        )

    def feedback_for(self, answer):
        line = {"true": self.feedback_true, "false": self.feedback_false}.get(answer)
        return [line] if line else []

    def correct_answer_display(self):
        return "True" if self.correct_answer else "False"

    def answer_display(self, answer):
        return {"true": "True", "false": "False"}.get(answer, "")


# --- typed answers -------------------------------------------------------------------------
class GradedAnswerBlock(blocks.StructBlock):
    fraction = blocks.IntegerBlock(
        min_value=0, max_value=100, default=100, help_text="Percentage of the mark this answer earns."
    )
    feedback = blocks.CharBlock(max_length=500, required=False)


class ShortAnswerBlock(GradedAnswerBlock):
    text = blocks.CharBlock(max_length=255, help_text="An accepted answer. * matches any characters.")

    class Meta:
        icon = "edit"


class NumericAnswerBlock(GradedAnswerBlock):
    value = blocks.DecimalBlock(decimal_places=6, max_digits=20)
    tolerance = blocks.DecimalBlock(
        decimal_places=6, max_digits=20, default=0, min_value=0, help_text="Accepted error either side."
    )

    class Meta:
        icon = "order"


def require_full_marks(value, kind):
    if not any(child.value.get("fraction") == 100 for child in value):
        raise blocks.StreamBlockValidationError(
            non_block_errors=ValidationError(f"At least one {kind} must earn 100%.")
        )


class ShortAnswersBlock(blocks.StreamBlock):
    answer = ShortAnswerBlock()

    class Meta:
        min_num = 1

    def clean(self, value):
        value = super().clean(value)
        require_full_marks(value, "accepted answer")
        return value


class NumericAnswersBlock(blocks.StreamBlock):
    answer = NumericAnswerBlock()

    class Meta:
        min_num = 1

    def clean(self, value):
        value = super().clean(value)
        require_full_marks(value, "answer")
        return value


def normalise_text(text):
    """Case- and space-insensitive form of a typed answer."""
    return " ".join(str(text or "").split()).casefold().strip(" .,;:!?")


def wildcard_pattern(accepted):
    parts = [re.escape(part) for part in normalise_text(accepted).split("*")]
    return re.compile("^" + ".*".join(parts) + "$", re.DOTALL)


class TypedAnswerMixin:
    def best_match(self, answer):
        """The (fraction, feedback) of the best accepted answer this answer matches."""
        best = (0, "")
        for _, accepted in stream_items(self.answers):
            if self.matches(accepted, answer) and accepted["fraction"] > best[0]:
                best = (accepted["fraction"], accepted.get("feedback") or "")
        return best

    def grade(self, answer):
        return self.best_match(answer)[0] / 100

    def feedback_for(self, answer):
        fraction, feedback = self.best_match(answer)
        return [feedback] if feedback else []


class ShortAnswerQuestion(TypedAnswerMixin, Question):
    answers = StreamField(ShortAnswersBlock())

    snapshot_fields = (*Question.snapshot_fields, "answers")
    type_label = "Short answer"
    panels = [*Question.base_panels, FieldPanel("answers"), *Question.tail_panels]

    class Meta:
        verbose_name = "short answer question"

    def matches(self, accepted, answer):
        return bool(wildcard_pattern(accepted["text"]).match(normalise_text(answer)))

    def form_field(self):
        return forms.CharField(
            max_length=255,
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
            error_messages={"required": "Type an answer to this question."},
        )

    def answer_from_form(self, value):
        return " ".join(value.split())

    def correct_answer_display(self):
        return "; ".join(a["text"] for _, a in stream_items(self.answers) if a["fraction"] == 100)


def parse_number(text):
    """A typed number, allowing spaces and thousands commas (e.g. '1,250.5'); None if not a number."""
    cleaned = str(text or "").replace(",", "").replace(" ", "").replace("\u00a0", "").removesuffix("%")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class NumberField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value and parse_number(value) is None:
            raise forms.ValidationError("Enter a number, for example 42 or 3.5.")
        return value


class NumericQuestion(TypedAnswerMixin, Question):
    answers = StreamField(NumericAnswersBlock())

    snapshot_fields = (*Question.snapshot_fields, "answers")
    type_label = "Numeric"
    panels = [*Question.base_panels, FieldPanel("answers"), *Question.tail_panels]

    class Meta:
        verbose_name = "numeric question"

    def matches(self, accepted, answer):
        number = parse_number(answer)
        if number is None:
            return False
        value, tolerance = Decimal(str(accepted["value"])), Decimal(str(accepted["tolerance"] or 0))
        return abs(number - value) <= tolerance

    def form_field(self):
        return NumberField(
            max_length=50,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={"required": "Type a number."},
        )

    def answer_from_form(self, value):
        return value.strip()

    def correct_answer_display(self):
        shown = []
        for _, a in stream_items(self.answers):
            if a["fraction"] == 100:
                value = Decimal(str(a["value"])).normalize()
                tolerance = Decimal(str(a["tolerance"] or 0)).normalize()
                shown.append(f"{value:f}" + (f" (± {tolerance:f})" if tolerance else ""))
        return "; ".join(shown)


# --- matching and ordering -----------------------------------------------------------------
class MatchingPairBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(
        max_length=300, required=False, help_text="Leave empty for an extra wrong answer."
    )
    match = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "link"


class MatchingPairsBlock(blocks.StreamBlock):
    pair = MatchingPairBlock()

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for child in value if child.value.get("prompt")) < 2:
            raise blocks.StreamBlockValidationError(
                non_block_errors=ValidationError("Add at least two pairs with a prompt.")
            )
        return value


class MatchingQuestion(Question):
    """Match each prompt to an answer. Each correct match earns its share of the mark."""

    pairs = StreamField(MatchingPairsBlock())

    snapshot_fields = (*Question.snapshot_fields, "pairs")
    shuffle_field = "pairs"
    tokenised_field = "pairs"
    type_label = "Matching"
    panels = [*Question.base_panels, FieldPanel("pairs"), *Question.tail_panels]

    class Meta:
        verbose_name = "matching question"

    def prompts(self):
        return [(pid, p["prompt"], p["match"]) for pid, p in stream_items(self.pairs) if p.get("prompt")]

    def choices(self):
        """Every distinct answer text, in the order drawn for the attempt (alphabetical when
        options keep their order): never the order of the prompts."""
        seen = []
        for _, pair in stream_items(self.pairs):
            if pair["match"] not in seen:
                seen.append(pair["match"])
        order = getattr(self, "snapshot_extra", {}).get("choice_order")
        return [seen[i] for i in order if i < len(seen)] if order else sorted(seen, key=str.casefold)

    def to_snapshot(self, rng=None, shuffle_options=True):
        rng = rng or secrets.SystemRandom()
        data = super().to_snapshot(rng, shuffle_options)
        if shuffle_options:
            distinct = list(dict.fromkeys(p["value"]["match"] for p in data["pairs"]))
            order = list(range(len(distinct)))
            rng.shuffle(order)
            data["extra"]["choice_order"] = order
        return data

    def grade(self, answer):
        answer = answer or {}
        prompts = self.prompts()
        if not prompts:
            return 0.0
        return sum(1 for pid, _, match in prompts if answer.get(pid) == match) / len(prompts)

    def form_field(self):
        return MatchingField(
            rows=[(self.public_id(pid), prompt) for pid, prompt, _ in self.prompts()], choices=self.choices()
        )

    def answer_from_form(self, value):
        return {self.real_id(token): match for token, match in (value or {}).items()}

    def answer_to_form(self, answer):
        return {self.public_id(pid): match for pid, match in (answer or {}).items()}

    def feedback_for(self, answer):
        return []

    def correct_answer_display(self):
        return "; ".join(f"{prompt} → {match}" for _, prompt, match in self.prompts())

    def answer_display(self, answer):
        answer = answer or {}
        return "; ".join(f"{prompt} → {answer.get(pid) or '(none)'}" for pid, prompt, _ in self.prompts())


class OrderingItemBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)

    class Meta:
        icon = "order"


class OrderingItemsBlock(blocks.StreamBlock):
    item = OrderingItemBlock()

    class Meta:
        min_num = 2


class OrderingQuestion(Question):
    """Put items in order (enter them in the right order). Each item in its right place earns
    its share of the mark."""

    items = StreamField(OrderingItemsBlock(), help_text="Enter the items in the correct order.")

    snapshot_fields = (*Question.snapshot_fields, "items")
    tokenised_field = "items"
    type_label = "Ordering"
    panels = [*Question.base_panels, FieldPanel("items"), *Question.tail_panels]

    class Meta:
        verbose_name = "ordering question"

    def item_list(self):
        return [(iid, item["text"]) for iid, item in stream_items(self.items)]

    def to_snapshot(self, rng=None, shuffle_options=True):
        """The items are always shown in an order drawn for the attempt, never the answer."""
        rng = rng or secrets.SystemRandom()
        data = super().to_snapshot(rng, shuffle_options)
        ids = [iid for iid, _ in self.item_list()]
        shown = ids[:]
        while len(ids) > 1 and shown == ids:
            rng.shuffle(shown)
        data["extra"]["display_order"] = shown
        return data

    def displayed_items(self):
        texts = dict(self.item_list())
        order = getattr(self, "snapshot_extra", {}).get("display_order") or list(texts)
        return [(iid, texts[iid]) for iid in order if iid in texts]

    def grade(self, answer):
        correct = [iid for iid, _ in self.item_list()]
        if not answer or sorted(answer) != sorted(correct):
            return 0.0
        return sum(1 for given, right in zip(answer, correct, strict=True) if given == right) / len(correct)

    def form_field(self):
        return OrderingField(items=[(self.public_id(iid), text) for iid, text in self.displayed_items()])

    def answer_from_form(self, value):
        return [self.real_id(token) for token in value or []]

    def answer_to_form(self, answer):
        return [self.public_id(iid) for iid in answer or []]

    def correct_answer_display(self):
        return " → ".join(text for _, text in self.item_list())

    def answer_display(self, answer):
        texts = dict(self.item_list())
        return " → ".join(texts.get(iid, "?") for iid in answer or [])


QUESTION_TYPES = [
    SingleChoiceQuestion,
    MultipleResponseQuestion,
    TrueFalseQuestion,
    ShortAnswerQuestion,
    NumericQuestion,
    MatchingQuestion,
    OrderingQuestion,
]
