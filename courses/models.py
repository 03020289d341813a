from django.conf import settings
from django.contrib import messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import redirect
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import LessonBodyBlock

INTRO_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class HomePage(Page):
    intro = RichTextField(features=INTRO_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = CourseIndexPage.objects.live().first()
        context["courses"] = CoursePage.objects.live().order_by("path")[:6]
        return context


class CourseIndexPage(Page):
    """The catalogue."""

    intro = RichTextField(features=INTRO_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = CoursePage.objects.child_of(self).live().order_by("path")
        return context


class CoursePage(Page):
    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Public servants and councillors"
        PUBLIC_SERVANTS = "public_servants", "Public servants"
        COUNCILLORS = "councillors", "Councillors"

    summary = models.TextField(help_text="One or two sentences shown in the catalogue.")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    description = RichTextField(features=INTRO_FEATURES, blank=True)
    learning_outcomes = StreamField(
        [("outcome", blocks.CharBlock(max_length=300))],
        blank=True,
        help_text="What a learner can do after the course, one per item.",
    )
    estimated_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="Estimated time to complete, in minutes.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("estimated_minutes")], heading="Who and how long"
        ),
        FieldPanel("learning_outcomes"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("description")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    @property
    def estimated_time_display(self):
        hours, minutes = divmod(self.estimated_minutes, 60)
        parts = []
        if hours:
            parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        if minutes:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        return " ".join(parts)

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        outline = services.course_outline(self)
        context["outline"] = outline
        enrolment = None
        if request.user.is_authenticated:
            enrolment = services.get_enrolment(request.user, self)
        context["enrolment"] = enrolment
        if enrolment:
            context["progress"] = services.course_progress(enrolment, outline)
        return context


class ModulePage(Page):
    class Kind(models.TextChoices):
        KNOWLEDGE = "knowledge", "Knowledge"
        SKILL = "skill", "Skill"
        PRACTICE = "practice", "Practice"

    KIND_DESCRIPTIONS = {
        Kind.KNOWLEDGE: "Theory, news and trends.",
        Kind.SKILL: "Strategic, technical and relational skills.",
        Kind.PRACTICE: "Implementation, experimentation and evaluation.",
    }

    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("kind"), FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage", "quizzes.QuizPage"]

    @property
    def kind_description(self):
        return self.KIND_DESCRIPTIONS.get(self.kind, "")

    @cached_property
    def course(self):
        return CoursePage.objects.ancestor_of(self).first()

    def serve(self, request, *args, **kwargs):
        # A module is a heading in its course's outline, not a page of its own.
        return redirect(self.course.url + f"#module-{self.pk}")


class CourseItemMixin:
    """A lesson or quiz: readable only by learners enrolled in its course."""

    @cached_property
    def course(self):
        return CoursePage.objects.ancestor_of(self).live().first()

    @cached_property
    def module(self):
        return ModulePage.objects.ancestor_of(self).first()

    def check_enrolled(self, request):
        """Return (enrolment, None) or (None, a redirect explaining why not)."""
        from . import services

        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return None, redirect_to_login(request.get_full_path())
        enrolment = services.get_enrolment(request.user, self.course)
        if enrolment is None:
            messages.info(request, "Enrol in the course to open its lessons and quizzes.")
            return None, redirect(self.course.url)
        return enrolment, None


class LessonPage(CourseItemMixin, Page):
    item_type = "lesson"

    summary = models.TextField(blank=True, help_text="Optional: shown in the course outline.")
    estimated_minutes = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1)])
    body = StreamField(LessonBodyBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    def serve(self, request, *args, **kwargs):
        enrolment, refusal = self.check_enrolled(request)
        if refusal:
            return refusal
        request.enrolment = enrolment
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        enrolment = getattr(request, "enrolment", None)
        if enrolment is not None:
            context.update(services.item_context(enrolment, self))
        return context


class Enrolment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrolment_per_course")]
        ordering = ["-enrolled_at"]

    def __str__(self):
        return f"{self.user} in {self.course}"

    @property
    def is_complete(self):
        return self.completed_at is not None


class LessonCompletion(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="one_completion_per_lesson")
        ]

    def __str__(self):
        return f"{self.lesson} completed by {self.enrolment.user}"
