"""Practice activities: the page types a trainer places in a Practice (or Skill) module, and the
platforms a drafted post is written for.

Each activity is a lesson (a subclass of courses.LessonPage): it sits under a ModulePage, counts
toward completion through the lesson's own progress (LessonCompletion), and what the learner
submits is a courses.TaskSubmission (every try kept as a TaskSubmissionRecord) that a trainer
reviews in the admin's *Practice tasks* screen, or that its automatic checks complete when the
trainer chose automatic checks only (`requires_approval` off). Rubric, model answer and
attachments are the lesson's (courses), so a plain practice task has them too.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from courses.models import LessonPage

from . import checks, formulas
from .blocks import FigureBlock, MetricQuestionBlock, ScenarioStepBlock

REVIEW_HELP = "A trainer reviews each submission. Off: the automatic checks alone complete it."


class Platform(models.Model):
    """A social media platform and how it counts a post's characters (*Snippets > Platforms* in
    the admin; a trainer updates it when a platform changes its limits)."""

    name = models.CharField(max_length=60, unique=True)
    character_limit = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    url_length = models.PositiveSmallIntegerField(
        default=0, help_text="Every link counts as this many characters (X: 23). 0: links count as typed."
    )
    emoji_weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="What one emoji counts as (X: 2).",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("character_limit"),
        FieldPanel("url_length"),
        FieldPanel("emoji_weight"),
    ]
    search_fields = [index.SearchField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.character_limit} characters)"


class ActivityMixin:
    """What every practice activity page shares: completed by submitting, never by a button."""

    is_activity = True
    activity_label = "Activity"

    def check_activity(self):
        """Raise ValidationError for an activity that cannot work (the editor and the loader)."""

    def submission_seed(self, user):
        """A stable seed per learner and activity (randomised figures stay the same per learner)."""
        return hashlib.sha256(f"{self.pk}:{user.pk}".encode()).hexdigest()


def activity_panels(*fields, review_help=REVIEW_HELP):
    return [
        *LessonPage.content_panels[:4],  # title, summary, minutes, body (the brief's background)
        MultiFieldPanel([FieldPanel("task_prompt"), *fields], heading="The activity"),
        MultiFieldPanel(
            [FieldPanel("required"), FieldPanel("requires_approval", help_text=review_help)],
            heading="Completion",
        ),
        MultiFieldPanel(
            [FieldPanel("rubric"), FieldPanel("model_answer"), FieldPanel("allow_attachment")],
            heading="Review",
        ),
    ]


class DraftPostPage(ActivityMixin, LessonPage):
    """Draft a post (*Pages*, under a module): the learner writes a post for a platform and brief,
    optionally with an image and its alt text; the automatic checks (practice.checks) give instant
    feedback and a preview shows the post; then a trainer reviews it, or passing the checks
    completes it."""

    activity_label = "Draft a post"
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    require_link = models.BooleanField(default=False, help_text="The brief asks for a link.")
    words_to_avoid = models.TextField(blank=True, help_text="One per line or separated by commas.")
    max_reading_grade = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
        help_text="The highest school year a reader should need (plain language: 7 to 9).",
    )

    content_panels = activity_panels(
        FieldPanel("platform"),
        FieldPanel("require_link"),
        FieldPanel("words_to_avoid"),
        FieldPanel("max_reading_grade"),
    )
    template = "practice/draft_post_page.html"
    review_template = "practice/admin/draft_post_work.html"

    class Meta:
        verbose_name = "draft a post activity"

    def post_rules(self):
        return checks.PostRules(
            platform_name=self.platform.name,
            character_limit=self.platform.character_limit,
            url_length=self.platform.url_length,
            emoji_weight=self.platform.emoji_weight,
            require_link=self.require_link,
            words_to_avoid=checks.words_to_avoid_from(self.words_to_avoid),
            max_reading_grade=float(self.max_reading_grade),
        )


class MetricsExercisePage(ActivityMixin, LessonPage):
    """Metrics exercise (*Pages*, under a module): given a post's figures, the learner works out
    rates the trainer defines by formula; marked on the server within each question's tolerance.
    With `randomise_percent`, each learner gets their own figures."""

    activity_label = "Metrics exercise"
    figures = StreamField([("figure", FigureBlock())])
    questions = StreamField([("question", MetricQuestionBlock())])
    randomise_percent = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(50)],
        help_text="Move each figure up or down by up to this percent, differently per learner (0: same).",
    )

    content_panels = activity_panels(
        FieldPanel("figures"), FieldPanel("questions"), FieldPanel("randomise_percent")
    )
    template = "practice/metrics_exercise_page.html"
    review_template = "practice/admin/metrics_work.html"

    class Meta:
        verbose_name = "metrics exercise"

    def base_figures(self):
        return {block.value["name"]: block.value["value"] for block in self.figures}

    def figure_labels(self):
        return {block.value["name"]: block.value["label"] for block in self.figures}

    def figures_for(self, user):
        """The figures this learner sees (randomised per learner when the trainer asks)."""
        return formulas.randomised_figures(
            self.base_figures(), self.submission_seed(user), self.randomise_percent / 100
        )

    def clean(self):
        super().clean()
        self.check_activity()

    def check_activity(self):
        """Refuse figures without their own names and formulas that are not allowed."""
        names = self.base_figures()
        if len(names) != len(self.figures):
            raise ValidationError({"figures": "Give each figure its own name."})
        for block in self.questions:
            try:
                formulas.parse_formula(block.value["formula"], names)
            except formulas.FormulaError as error:
                raise ValidationError({"questions": f"{block.value['label']}: {error}"}) from error

    def mark(self, figures, answers):
        """Check-result dicts, one per question, for the typed `answers` ({index: text})."""
        results = []
        for number, block in enumerate(self.questions):
            question = block.value
            expected = formulas.evaluate(question["formula"], figures)
            typed = answers.get(number, "")
            value = formulas.parse_answer(typed)
            correct = formulas.within_tolerance(value, expected, float(question["tolerance"]))
            unit = question["unit"] or ""
            if correct:
                message = f"{typed}{'' if typed.strip().endswith(unit) else unit} is right."
            elif value is None:
                message = "Give a number."
            else:
                message = (
                    f"{typed} is not right (within {question['tolerance']:g}{unit}): check your working."
                )
            results.append(
                {
                    "key": f"question_{number}",
                    "label": question["label"],
                    "passed": correct,
                    "message": message,
                    "advisory": False,
                    "answer": typed,
                    "expected": round(expected, 4),
                }
            )
        return results


class ScenarioPage(ActivityMixin, LessonPage):
    """Response scenario (*Pages*, under a module): a simulated public comment thread. The learner
    chooses a reply at each step, the next comments show the consequence, and the endings the
    trainer marked as a pass complete it (or a trainer reviews the path taken)."""

    activity_label = "Response scenario"
    steps = StreamField(
        [("step", ScenarioStepBlock())], help_text="The first step is where the scenario starts."
    )

    content_panels = activity_panels(FieldPanel("steps"))
    template = "practice/scenario_page.html"
    review_template = "practice/admin/scenario_work.html"

    class Meta:
        verbose_name = "response scenario"

    def step_list(self):
        return [block.value for block in self.steps]

    def clean(self):
        super().clean()
        self.check_activity()

    def check_activity(self):
        """Refuse a tree with duplicate or missing step names, a loop, or no pass ending."""
        steps = self.step_list()
        names = [step["name"] for step in steps]
        if len(set(names)) != len(names):
            raise ValidationError({"steps": "Give each step its own name."})
        for step in steps:
            for choice in step["choices"]:
                if choice["next_step"] and choice["next_step"] not in names:
                    message = (
                        f"“{step['name']}” leads to “{choice['next_step']}”: there is no step of that name."
                    )
                    raise ValidationError({"steps": message})
        if steps and not self.pass_reachable():
            raise ValidationError({"steps": "No path through the scenario ends in a pass."})
        if steps and self.has_loop():
            raise ValidationError(
                {"steps": "A reply leads back to an earlier step: the scenario must always end."}
            )

    def _step(self, name):
        return next((step for step in self.step_list() if step["name"] == name), None)

    def has_loop(self):
        def visit(name, seen):
            if name in seen:
                return True
            step = self._step(name)
            return any(
                visit(choice["next_step"], seen | {name}) for choice in step["choices"] if choice["next_step"]
            )

        return visit(self.step_list()[0]["name"], frozenset())

    def pass_reachable(self):
        return any(
            not choice["next_step"] and choice["outcome"] == "pass"
            for step in self.step_list()
            for choice in step["choices"]
        )

    def walk(self, path):
        """Replay `path` (the index of the reply chosen at each step) from the first step.

        Returns (turns, current step or None, outcome or None): turns are (step, choice) pairs.
        Raises ValueError for a path the scenario does not have (a tampered form)."""
        steps = self.step_list()
        if not steps:
            raise ValueError("The scenario has no steps.")
        step, turns = steps[0], []
        for chosen in path:
            if step is None or not 0 <= chosen < len(step["choices"]):
                raise ValueError("No such reply.")
            choice = step["choices"][chosen]
            turns.append((step, choice))
            step = self._step(choice["next_step"]) if choice["next_step"] else None
        outcome = turns[-1][1]["outcome"] if turns and step is None else None
        return turns, step, outcome


class ReflectionPage(ActivityMixin, LessonPage):
    """Plan or reflection (*Pages*, under a module): a written answer to a prompt (a content plan
    with a table, an evaluation of a campaign, an experiment design), reviewed by a trainer
    against the rubric. Learner HTML is kept as typed and cleaned by lms.sanitise when shown."""

    activity_label = "Plan or reflection"
    min_words = models.PositiveSmallIntegerField(
        default=80, validators=[MaxValueValidator(2000)], help_text="The fewest words an answer may have."
    )

    content_panels = activity_panels(
        FieldPanel("min_words"),
        review_help="A trainer reviews each submission (recommended for reflections).",
    )
    template = "practice/reflection_page.html"
    review_template = "practice/admin/reflection_work.html"

    class Meta:
        verbose_name = "plan or reflection"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new reflection is reviewed by a trainer unless the trainer says otherwise (rows read
        # from the database arrive as positional values and keep theirs).
        if not args and "requires_approval" not in kwargs:
            self.requires_approval = True
