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

    def serve(self, request, *args, **kwargs):
        from .caching import serve_public

        return serve_public(self, request, lambda r: super(HomePage, self).serve(r, *args, **kwargs))

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

    AUDIENCE_FILTERS = {
        "public_servants": ("Public servants", ["public_servants", "everyone"]),
        "councillors": ("Councillors", ["councillors", "everyone"]),
    }

    def serve(self, request, *args, **kwargs):
        from .caching import serve_public

        return serve_public(self, request, lambda r: super(CourseIndexPage, self).serve(r, *args, **kwargs))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        courses = CoursePage.objects.child_of(self).live().order_by("path")
        audience = request.GET.get("audience", "")
        if audience in self.AUDIENCE_FILTERS:
            courses = courses.filter(audience__in=self.AUDIENCE_FILTERS[audience][1])
        query = " ".join(request.GET.get("q", "").split())[:200]
        lessons = []
        if query:
            course_ids = list(courses.values_list("pk", flat=True))
            matching_ids = [c.pk for c in courses.search(query, operator="or")]
            lesson_hits = list(
                LessonPage.objects.live().descendant_of(self).search(query, operator="or")[:30]
            )
            by_course = {c.pk: c for c in CoursePage.objects.filter(pk__in=course_ids)}
            for lesson in lesson_hits:
                course = next((c for c in by_course.values() if lesson.path.startswith(c.path)), None)
                if course is not None:
                    lessons.append((lesson, course))
            courses = [by_course[pk] for pk in matching_ids if pk in by_course]
        context.update(
            courses=courses,
            lesson_results=lessons,
            query=query,
            audience=audience,
            audience_choices=[(key, label) for key, (label, _) in self.AUDIENCE_FILTERS.items()],
        )
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
    sequential_modules = models.BooleanField(
        default=False, help_text="Each module unlocks when the one before it is complete."
    )
    renewal_months = models.PositiveSmallIntegerField(
        default=0,
        help_text="Certificates expire after this many months and learners retake the course (0 = never).",
    )
    cpd_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=0,
        help_text="CPD hours printed on the certificate (0 = none).",
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
    settings_panels = [
        MultiFieldPanel(
            [FieldPanel("sequential_modules"), FieldPanel("renewal_months"), FieldPanel("cpd_hours")],
            heading="Completion and certificates",
        ),
        *Page.settings_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("audience"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    def serve(self, request, *args, **kwargs):
        from .caching import serve_public

        return serve_public(self, request, lambda r: super(CoursePage, self).serve(r, *args, **kwargs))

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

    def serve_item(self, request, serve_page, *args, **kwargs):
        """Serve a lesson or quiz to an enrolled learner, or explain why not (login, enrol, locked)."""
        from django.template.response import TemplateResponse

        from . import services

        enrolment, refusal = self.check_enrolled(request)
        if refusal:
            return refusal
        request.item_context = services.item_context(enrolment, self)
        locked_by = request.item_context["locked_by"]
        if locked_by is not None:
            context = {"page": self, "locked_by": locked_by, **request.item_context}
            return TemplateResponse(request, "courses/locked.html", context, status=403)
        services.record_visit(enrolment, self)
        return serve_page(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(getattr(request, "item_context", {}))
        return context


class LessonPage(CourseItemMixin, Page):
    item_type = "lesson"

    summary = models.TextField(blank=True, help_text="Optional: shown in the course outline.")
    estimated_minutes = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1)])
    body = StreamField(LessonBodyBlock())
    required = models.BooleanField(
        default=True, help_text="Learners must complete it to complete the course."
    )
    requires_approval = models.BooleanField(
        default=False,
        help_text="A practice task: learners submit their work and a trainer approves it before it counts.",
    )
    task_prompt = RichTextField(
        features=INTRO_FEATURES,
        blank=True,
        help_text="What learners should submit, when approval is required.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("required"), FieldPanel("requires_approval"), FieldPanel("task_prompt")],
            heading="Completion",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    def serve(self, request, *args, **kwargs):
        return self.serve_item(request, super().serve, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        enrolment = context.get("enrolment")
        if enrolment is not None and self.requires_approval:
            from .forms import TaskSubmissionForm

            submission = self.task_submissions.filter(enrolment=enrolment).first()
            context["submission"] = submission
            context["task_form"] = TaskSubmissionForm(instance=submission)
        return context


class Enrolment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Where to resume."
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # Recertification: each retake is a new cycle; progress counts only work done since it began.
    cycle = models.PositiveSmallIntegerField(default=1)
    cycle_started_at = models.DateTimeField(null=True, blank=True)

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


class LessonView(models.Model):
    """A learner has opened a lesson (viewed, not necessarily completed)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lesson_views")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="views")
    first_viewed_at = models.DateTimeField(auto_now_add=True)
    last_viewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="one_view_row_per_lesson")
        ]

    def __str__(self):
        return f"{self.lesson} viewed by {self.enrolment.user}"


class TaskSubmission(models.Model):
    """A learner's work on a practice task, approved (or sent back) by a trainer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        CHANGES = "changes", "Changes requested"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="task_submissions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="task_submissions")
    text = models.TextField(
        help_text="Sanitised HTML (content.sanitise.clean_html) of what the learner wrote."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(auto_now=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewer_feedback = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="one_submission_per_task")
        ]

    def __str__(self):
        return f"{self.lesson} by {self.enrolment.user} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        from content.sanitise import clean_html

        self.text = clean_html(self.text)  # sanitised on save, whoever saves it
        super().save(*args, **kwargs)


class Assignment(models.Model):
    """Training a trainer has assigned to a learner, with a due date."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="assignment")
    due_date = models.DateField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.enrolment} due {self.due_date}"

    def is_overdue(self, today=None):
        from django.utils import timezone

        enrolment = self.enrolment
        if enrolment.cycle_started_at and self.assigned_at < enrolment.cycle_started_at:
            return False  # the due date belonged to an earlier run through the course
        return enrolment.completed_at is None and self.due_date < (today or timezone.localdate())


class ReminderLog(models.Model):
    """A reminder sent, so each stage is sent at most once per enrolment and cycle."""

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        EXPIRING = "expiring", "Certificate expiring"
        EXPIRED = "expired", "Certificate expired"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    cycle = models.PositiveSmallIntegerField(default=1)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "stage", "cycle"], name="one_reminder_per_stage")
        ]

    def __str__(self):
        return f"{self.get_stage_display()} reminder to {self.enrolment.user}"
