"""Quizzes and polymorphic questions.

A QuizPage sits in a module of a course (*Pages* in the admin) and is a course item: courses
counts it as done once the learner has passed it (`QuizPage.done_item_ids`). Questions live in the
question bank (*Question bank* menu), grouped in categories; a quiz picks them (QuizQuestion) and/or
draws them at random.

A Question subtype adds only its own fields and decides how it is marked (`grade`). Attempts keep
a snapshot of the questions they showed, and are marked from that snapshot, so editing a question
never changes an attempt in flight or its grade.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from modelcluster.queryset import FakeQuerySet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from courses.models import CourseItemMixin

from .forms import AttemptForm
from .questions import (  # noqa: F401 - the question types are models of this app
    QUESTION_FEATURES,
    QUESTION_TYPES,
    ChoiceOptionBlock,
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    ShortAnswerQuestion,
    SingleChoiceOptionsBlock,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)


class QuestionCategory(models.Model):
    """A question bank category (*Question bank > Categories*): questions grouped for reuse,
    random draws and GIFT import and export."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "question categories"

    def __str__(self):
        return self.name


# The most a quiz may let a learner add to a timed attempt themselves (more needs a trainer's extension).
MAX_MORE_TIME_MINUTES = 60


class QuizPage(CourseItemMixin, Page):
    """A quiz in a module (*Pages*, under a module; settings on its *Settings* tab). Questions come
    from the question bank: chosen ones (QuizQuestion rows, edited inline), plus an optional random
    draw from a category for each attempt. Learners' Attempts are marked on the server; the
    *Statistics* button shows item statistics."""

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", "Highest attempt"
        LATEST = "latest", "Latest attempt"

    class Review(models.TextChoices):
        NEVER = "never", "Never"
        AFTER_EACH = "after_each", "After each attempt"
        AFTER_PASS = "after_pass", "After passing"
        AFTER_LAST = "after_last", "After the last allowed attempt"
        AFTER_PASS_OR_LAST = "after_pass_or_last", "After passing, or once no attempts remain"

    item_type = "quiz"

    intro = RichTextField(features=QUESTION_FEATURES, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The percentage a learner needs to pass.",
    )
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0 means unlimited.")
    grading_method = models.CharField(
        max_length=10,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
        help_text="Which attempt counts as the learner's grade.",
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="0 means no time limit. Trainers can give a learner extra time."
    )
    more_time_minutes = models.PositiveSmallIntegerField(
        "more time a learner may ask for",
        default=0,
        validators=[MaxValueValidator(MAX_MORE_TIME_MINUTES)],
        help_text="Minutes a learner can add to a timed attempt once, with the attempt's *Ask for more time* "
        f"button (WCAG 2.2.1). 0 means they cannot; at most {MAX_MORE_TIME_MINUTES}. Trainers can still "
        "give a learner extra time.",
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_options = models.BooleanField(
        default=True,
        help_text="Show the options of each question in a new random order for every attempt. Untick only "
        "for questions whose options must keep their order (for example “All of the above”).",
    )
    random_category = models.ForeignKey(
        "quizzes.QuestionCategory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Draw extra questions at random from this category for each attempt.",
    )
    random_count = models.PositiveSmallIntegerField(default=0, help_text="How many questions to draw.")
    required = models.BooleanField(default=True, help_text="Learners must pass it to complete the course.")
    review_correct_answers = models.CharField(
        max_length=20,
        choices=Review.choices,
        default=Review.AFTER_PASS_OR_LAST,
        help_text="When learners see the right answers, their mark for each question and the feedback on "
        "their choices. Showing them after each attempt lets a learner pass by copying.",
    )
    show_general_feedback = models.BooleanField(
        default=False,
        help_text="Show each question's general feedback after every attempt, even before the right answers "
        "are shown (only if it explains without giving the answer away).",
    )
    retry_delay_minutes = models.PositiveSmallIntegerField(
        default=0,
        help_text="Minutes a learner waits after an attempt that did not pass before trying again "
        "(0 = no wait).",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        # "Add questions" opens the question chooser (quizzes/wagtail_hooks.py) to pick several at once.
        MultipleChooserPanel("quiz_questions", chooser_field_name="question", label="Questions", min_num=0),
        MultiFieldPanel(
            [FieldPanel("random_category"), FieldPanel("random_count")], heading="Random questions"
        ),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("required"),
                FieldPanel("attempts_allowed"),
                FieldPanel("retry_delay_minutes"),
                FieldPanel("grading_method"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("more_time_minutes"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("review_correct_answers"),
                FieldPanel("show_general_feedback"),
            ],
            heading="Quiz settings",
        ),
        *Page.settings_panels,
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    def clean(self):
        super().clean()
        if self.random_count and not self.random_category_id:
            raise ValidationError({"random_category": "Choose the category to draw questions from."})

    def questions(self):
        """The quiz's chosen questions in order, as their real subtypes (one query per subtype)."""
        rows = self.quiz_questions.all()
        if isinstance(rows, FakeQuerySet):
            # Unsaved rows, as in the editor's preview: sort them here, as the database would.
            ordered = sorted(rows, key=lambda row: (row.sort_order is None, row.sort_order or 0))
            ids = [row.question_id for row in ordered]
        else:
            # NULL sort orders sort first on SQLite and last on PostgreSQL: put them last everywhere.
            ids = list(
                rows.order_by(models.F("sort_order").asc(nulls_last=True), "pk").values_list(
                    "question_id", flat=True
                )
            )
        by_id = Question.objects.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    @cached_property  # the quiz page shows it twice
    def question_count(self):
        return self.quiz_questions.count() + (self.random_count if self.random_category_id else 0)

    def build_snapshot(self, rng=None):
        """The questions one attempt shows, with their answer keys: the chosen ones plus a
        random draw, shuffled as the quiz is set to."""
        rng = rng or secrets.SystemRandom()
        questions = self.questions()
        if self.random_category_id and self.random_count:
            chosen = {q.pk for q in questions}
            pool = list(
                Question.objects.filter(category_id=self.random_category_id)
                .exclude(pk__in=chosen)
                .values_list("pk", flat=True)
            )
            drawn = rng.sample(pool, min(self.random_count, len(pool)))
            questions += list(Question.objects.filter(pk__in=drawn))
        if self.shuffle_questions:
            rng.shuffle(questions)
        return [q.to_snapshot(rng, shuffle_options=self.shuffle_options) for q in questions]

    @classmethod
    def done_item_ids(cls, enrolments, items):
        """Quizzes passed in each enrolment's current cycle, by each quiz's grading method (the
        highest attempt counts, or the latest): one query for quiz pages (the outline's), two for
        their ids."""
        if all(isinstance(item, QuizPage) for item in items):
            item_ids = [item.pk for item in items]
            latest_only = {item.pk for item in items if item.grading_method == cls.GradingMethod.LATEST}
        else:
            item_ids = [getattr(item, "pk", item) for item in items]
            latest_only = set(
                cls.objects.filter(pk__in=item_ids, grading_method=cls.GradingMethod.LATEST).values_list(
                    "pk", flat=True
                )
            )
        rows = Attempt.objects.filter(
            user_id__in={e.user_id for e in enrolments}, quiz_id__in=item_ids, submitted_at__isnull=False
        ).values_list("user_id", "quiz_id", "number", "passed", "started_at")
        by_user = {}
        for user_id, *row in rows:
            by_user.setdefault(user_id, []).append(row)
        done = {}
        for enrolment in enrolments:
            since = enrolment.cycle_started_at
            passed, latest = set(), {}
            for quiz_id, number, did_pass, started_at in by_user.get(enrolment.user_id, []):
                if since is not None and started_at < since:
                    continue
                if quiz_id in latest_only:
                    if number > latest.get(quiz_id, (0, False))[0]:
                        latest[quiz_id] = (number, did_pass)
                elif did_pass:
                    passed.add(quiz_id)
            done[enrolment.pk] = passed | {quiz_id for quiz_id, (_, ok) in latest.items() if ok}
        return done

    def serve_preview(self, request, mode_name):
        """Trainers preview the quiz as a learner sees it; nothing is saved."""
        attempt = Attempt(
            quiz=self, user=request.user, number=1, pass_mark=self.pass_mark, snapshot=self.build_snapshot()
        )
        return TemplateResponse(
            request,
            "quizzes/attempt.html",
            {"attempt": attempt, "quiz": self, "page": self, "form": AttemptForm(attempt), "preview": True},
        )


class QuizExtension(models.Model):
    """Extra time a trainer grants one learner on one quiz (WCAG 2.2.1, timing adjustable);
    *Question bank > Extra time* in the admin."""

    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="extensions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    extra_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    reason = models.CharField(max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "user"], name="one_extension_per_learner")]

    def __str__(self):
        return f"{self.extra_minutes} extra minutes for {self.user} on {self.quiz}"


class QuizQuestion(Orderable):
    """A question a quiz asks, in order: the inline *Questions* panel of a QuizPage."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="question_once_per_quiz")]


class Attempt(models.Model):
    """One learner's attempt at a quiz. `snapshot` holds the questions exactly as shown, answer
    keys included (never sent to the browser), so marking and review use what the learner saw
    even if a question is edited later. Answers are autosaved until it is submitted once and
    marked (Response rows). Learners see it on the quiz page and its result page; trainers see
    it through the quiz statistics."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True, help_text="When a timed attempt closes.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True, help_text="Last autosave.")
    closed_by_time_limit = models.BooleanField(default=False)
    more_time_taken = models.PositiveSmallIntegerField(
        default=0, help_text="Minutes the learner added by asking for more time (once per attempt)."
    )
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
    """One marked answer in a submitted attempt, by position in the snapshot: the basis of the
    quiz's item statistics in the admin."""

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
