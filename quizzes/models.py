"""Quizzes and polymorphic questions.

A Question subtype adds only its own fields and decides how it is marked (`grade`). Attempts keep
a snapshot of the questions they showed, and are marked from that snapshot, so editing a question
never changes an attempt in flight or its grade.
"""

from decimal import Decimal

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey
from polymorphic.models import PolymorphicModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page

from courses.models import CourseItemMixin

QUESTION_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class QuestionCategory(models.Model):
    """A question bank: questions grouped for reuse and random draws."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "question categories"

    def __str__(self):
        return self.name


class Question(PolymorphicModel):
    category = models.ForeignKey(QuestionCategory, on_delete=models.PROTECT, related_name="questions")
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields copied into an attempt's snapshot; subtypes add their own.
    snapshot_fields = ("name", "text", "general_feedback", "default_mark")
    type_label = "Question"

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

    def feedback_for(self, answer):
        """Per-answer feedback lines shown after submission."""
        return []

    def correct_answer_display(self):
        return ""

    def answer_display(self, answer):
        return "" if answer is None else str(answer)

    # --- snapshots -------------------------------------------------------------------------
    def to_snapshot(self):
        data = {"id": self.pk, "model": self._meta.label_lower}
        for name in self.snapshot_fields:
            value = getattr(self, name)
            field = self._meta.get_field(name)
            if isinstance(field, StreamField):
                value = list(value.raw_data)
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
        return model(pk=data["id"], **values)

    @property
    def plain_text(self):
        return strip_tags(self.text)


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=500)
    is_correct = blocks.BooleanBlock(required=False, label="Correct")
    feedback = blocks.CharBlock(
        max_length=500, required=False, help_text="Shown after submission to learners who chose this."
    )

    class Meta:
        icon = "radio-full"


class SingleChoiceOptionsBlock(blocks.StreamBlock):
    option = ChoiceOptionBlock()

    class Meta:
        min_num = 2

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for child in value if child.value.get("is_correct"))
        if correct != 1:
            raise blocks.StreamBlockValidationError(
                non_block_errors=ValidationError("Mark exactly one option as correct.")
            )
        return value


class SingleChoiceQuestion(Question):
    options = StreamField(SingleChoiceOptionsBlock())

    snapshot_fields = (*Question.snapshot_fields, "options")
    type_label = "Single choice"

    panels = [
        FieldPanel("category"),
        FieldPanel("name"),
        FieldPanel("text"),
        FieldPanel("options"),
        FieldPanel("general_feedback"),
        FieldPanel("default_mark"),
    ]

    class Meta:
        verbose_name = "single choice question"

    def option_list(self):
        return [(child.id, child.value) for child in self.options]

    def grade(self, answer):
        for option_id, option in self.option_list():
            if option_id == answer:
                return 1.0 if option.get("is_correct") else 0.0
        return 0.0

    def form_field(self):
        return forms.ChoiceField(
            choices=[(option_id, option["text"]) for option_id, option in self.option_list()],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose an answer to this question."},
        )

    def feedback_for(self, answer):
        return [
            option["feedback"]
            for option_id, option in self.option_list()
            if option_id == answer and option.get("feedback")
        ]

    def correct_answer_display(self):
        return next((o["text"] for _, o in self.option_list() if o.get("is_correct")), "")

    def answer_display(self, answer):
        return next((o["text"] for oid, o in self.option_list() if oid == answer), "")


class QuizPage(CourseItemMixin, Page):
    """A quiz in a module. Questions come from the question bank."""

    item_type = "quiz"

    intro = RichTextField(features=QUESTION_FEATURES, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The percentage a learner needs to pass.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("pass_mark")], heading="Marking"),
        InlinePanel("quiz_questions", label="Questions", min_num=1),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    def questions(self):
        """The quiz's questions in order, as their real subtypes (one query per subtype)."""
        ids = list(self.quiz_questions.order_by("sort_order").values_list("question_id", flat=True))
        by_id = Question.objects.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def serve(self, request, *args, **kwargs):
        enrolment, refusal = self.check_enrolled(request)
        if refusal:
            return refusal
        request.enrolment = enrolment
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.services import item_context

        context = super().get_context(request, *args, **kwargs)
        enrolment = getattr(request, "enrolment", None)
        if enrolment is not None:
            context.update(item_context(enrolment, self))
            attempts = list(Attempt.objects.filter(user=request.user, quiz=self).order_by("-started_at"))
            context["attempts"] = [a for a in attempts if a.is_submitted]
            context["attempt_in_progress"] = next((a for a in attempts if not a.is_submitted), None)
            context["best_attempt"] = max(context["attempts"], key=lambda a: a.score, default=None)
            context["question_count"] = self.quiz_questions.count()
        return context


class QuizQuestion(Orderable):
    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="question_once_per_quiz")]


class Attempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The questions exactly as shown, including their answer keys: never sent to the browser.
    snapshot = models.JSONField(default=list)
    # Answers saved so far (before submission) or submitted, keyed by question id.
    answers = models.JSONField(default=dict)
    pass_mark = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt_per_quiz",
            ),
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="attempt_number_unique"),
        ]

    def __str__(self):
        return f"Attempt {self.number} of {self.quiz} by {self.user}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @cached_property
    def questions(self):
        return [Question.from_snapshot(data) for data in self.snapshot]


class Response(models.Model):
    """One marked answer in a submitted attempt (the basis of item statistics)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, null=True, on_delete=models.SET_NULL, related_name="responses")
    position = models.PositiveIntegerField()
    answer = models.JSONField(null=True)
    fraction = models.FloatField()
    mark = models.DecimalField(max_digits=6, decimal_places=2)
    max_mark = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_response_per_position")
        ]

    def __str__(self):
        return f"Response {self.position + 1} in {self.attempt}"
