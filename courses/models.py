"""Course pages and a learner's records of them.

The page tree is Home > Courses (catalogue) > Course > Module (Knowledge, Skill or Practice) >
Lesson or Quiz (quizzes.QuizPage); trainers edit it under *Pages* in the Wagtail admin. Lessons and
quizzes are course items (`CourseItemMixin`, registered in courses.items). Enrolment and the
completion, view, practice-task, assignment and reminder rows record what each learner did.

Models hold facts about one row; workflows are in services.py, the access gate in access.py, and
what pages show a learner comes from courses.page_context providers.
"""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.storage import private_storage

from . import caching
from .blocks import LessonBodyBlock, RubricBlock
from .caching import KnownViewRestrictionsMixin, PublicPageMixin
from .page_context import learner_context

INTRO_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class LearnerContextMixin:
    """Adds what the registered courses.page_context providers compute for this page and request."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(learner_context(self, request))
        return context


class HomePage(KnownViewRestrictionsMixin, LearnerContextMixin, PublicPageMixin, Page):
    """The site's home page (the root of the site in *Pages*): an introduction and the first
    courses of the catalogue (with a signed-in learner's status on each, from a courses.page_context
    provider). One per site; served from the public page cache to visitors."""

    intro = RichTextField(features=INTRO_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = CourseIndexPage.objects.live().first()
        return context

    def featured_courses(self):
        """The courses the home page shows: the first six of the catalogue."""
        return CoursePage.objects.live().order_by("path")[:6]


class CourseIndexPage(KnownViewRestrictionsMixin, LearnerContextMixin, PublicPageMixin, Page):
    """The catalogue (*Pages > Home > Courses*): every live course, with an audience filter and a
    search of courses and lessons (courses.services.search_catalogue)."""

    intro = RichTextField(features=INTRO_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]

    def serve(self, request, *args, **kwargs):
        """A signed-in learner's catalogue page as kept for them, while it is current
        (courses.caching.learner_catalogue_page), else rendered and kept."""
        kept = caching.learner_catalogue_page(request)
        if kept is not None and (response := caching.kept_page_response(kept, request)):
            return response
        response = super().serve(request, *args, **kwargs)
        if kept is not None and hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(lambda rendered: caching.keep_page(kept, request, rendered))
        return response


def admin_users():
    """Who may be named on a course team: active people who can open the admin (superusers, or a
    group with admin access)."""
    return models.Q(is_active=True) & (
        models.Q(is_superuser=True) | models.Q(groups__permissions__codename="access_admin")
    )


class CoursePage(KnownViewRestrictionsMixin, LearnerContextMixin, PublicPageMixin, Page):
    """A course (*Pages > Home > Courses > the course*): summary, audience, outcomes and its
    completion rules (module order, renewal, CPD hours). Its children are ModulePages; learners
    enrol in it (Enrolment). The page shows the outline, and progress to an enrolled learner.
    """

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
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="courses_run",
        limit_choices_to=admin_users,
        help_text=(
            "The course team: they see this course's report, gradebook and learner records in Reports "
            "even without access to every learner. Takes effect when the course is published."
        ),
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
        FieldPanel("trainers", widget=forms.CheckboxSelectMultiple, heading="Course team"),
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

    @property
    def estimated_time_display(self):
        hours, minutes = divmod(self.estimated_minutes, 60)
        parts = []
        if hours:
            parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        if minutes:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        return " ".join(parts)


class ModulePage(KnownViewRestrictionsMixin, Page):
    """A module of a course (*Pages*, under a course): Knowledge (theory, news, trends), Skill
    (strategic, technical, relational) or Practice (implementation, experimentation, evaluation).
    Its children are lessons and quizzes; it has no page of its own and shows as a heading in
    the course outline (its URL redirects there)."""

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
    subpage_types = [
        "courses.LessonPage",
        "quizzes.QuizPage",
        "practice.DraftPostPage",
        "practice.ScenarioPage",
        "practice.ReflectionPage",
        "practice.MetricsExercisePage",
    ]

    @property
    def kind_description(self):
        return self.KIND_DESCRIPTIONS.get(self.kind, "")

    @cached_property
    def course(self):
        return CoursePage.objects.ancestor_of(self).first()

    def serve(self, request, *args, **kwargs):
        # A module is a heading in its course's outline, not a page of its own.
        return redirect(self.course.url + f"#module-{self.pk}")


class LearningOutcome(models.Model):
    """One learning outcome of a module: what a learner can do after it, with a short code (K1, S2,
    P3) and one sentence. Loaded from a module's `outcomes:` in course.yaml by `load_courses`; each
    quiz question points to one (Question.outcome, chosen in the question's editor). Trainers see
    it beside every question in a quiz's statistics (*Pages > the quiz > Statistics*)."""

    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(max_length=20, help_text="A short label, such as K1.")
    text = models.CharField(max_length=300, help_text="What a learner can do after the module.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["module_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["module", "code"], name="unique_outcome_code_per_module")
        ]

    def __str__(self):
        return f"{self.code}: {self.text}"


class CourseItemMixin(KnownViewRestrictionsMixin, LearnerContextMixin):
    """A lesson, quiz or other course item: open only to learners enrolled in its course, through
    the gate in courses.access (run for page views by a `before_serve_page` hook).

    Each item type registers in courses.items and answers `done_item_ids` for its own items."""

    @cached_property
    def course(self):
        return CoursePage.objects.ancestor_of(self).live().first()

    @cached_property
    def module(self):
        return ModulePage.objects.ancestor_of(self).first()

    @classmethod
    def done_item_ids(cls, enrolments, items):
        """{enrolment pk: the ids among `items` (pages of this type, or their ids) its learner has
        done in the current cycle}."""
        raise NotImplementedError


class LessonPage(CourseItemMixin, Page):
    """A lesson (*Pages*, under a module): a StreamField body of text, callouts, case studies,
    images, video and exercises. Done when the learner marks it complete (LessonCompletion), or,
    for a practice task (`requires_approval`), when a trainer approves their TaskSubmission."""

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
    rubric = StreamField(
        RubricBlock(),
        blank=True,
        help_text="Optional: criteria with levels and points the reviewer scores the work against.",
    )
    model_answer = RichTextField(
        features=INTRO_FEATURES,
        blank=True,
        help_text="Optional: shown to a learner once they have submitted (never before).",
    )
    allow_attachment = models.BooleanField(
        default=False,
        help_text="Learners may attach a file (an image or PDF, such as a screenshot of a real post).",
    )

    # Practice activities (the practice app's page types) are lessons completed by what the learner
    # submits, never by "Mark as complete".
    is_activity = False
    # The admin's review screen shows the learner's work with this template.
    review_template = "courses/admin/includes/task_work.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("required"), FieldPanel("requires_approval"), FieldPanel("task_prompt")],
            heading="Completion",
        ),
        MultiFieldPanel(
            [FieldPanel("rubric"), FieldPanel("model_answer"), FieldPanel("allow_attachment")],
            heading="Review",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    def media_documents(self):
        """{id: document} of the video and caption files the body's video blocks play: the only
        documents this lesson streams to its learners (courses.views.lesson_media_view)."""
        found = {}
        for block in self.body:
            if block.block_type != "video":
                continue
            tracks = [track.get("file") for track in block.value.get("captions") or []]
            for document in [block.value.get("file"), *tracks]:
                if document is not None:
                    found[document.pk] = document
        return found

    @property
    def completed_by_submission(self):
        """Completed by submitting work (reviewed, or checked automatically), not by a button."""
        # specific_class: right even on a plain LessonPage row of an activity (no extra query).
        return self.requires_approval or getattr(self.specific_class, "is_activity", self.is_activity)

    def rubric_criteria(self):
        """The rubric as [{"criterion", "levels": [{"label", "points", "description"}]}]."""
        return [
            {
                "criterion": block.value["criterion"],
                "levels": [dict(level) for level in block.value["levels"]],
            }
            for block in self.rubric
        ]

    @classmethod
    def done_item_ids(cls, enrolments, items):
        item_ids = [getattr(item, "pk", item) for item in items]
        since = {enrolment.pk: enrolment.cycle_started_at for enrolment in enrolments}
        done = {pk: set() for pk in since}
        rows = LessonCompletion.objects.filter(enrolment_id__in=since, lesson_id__in=item_ids).values_list(
            "enrolment_id", "lesson_id", "completed_at"
        )
        for enrolment_id, lesson_id, completed_at in rows:
            if since[enrolment_id] is None or completed_at >= since[enrolment_id]:
                done[enrolment_id].add(lesson_id)
        return done


class Enrolment(models.Model):
    """A learner taking a course (one per learner and course). Progress counts work done since
    `cycle_started_at`: a course that needs renewal is retaken as a new cycle. `completed_at` and
    `renewal_due_at` are set when the current cycle is complete. Shown in the admin through the
    Training reports and on the learner's My learning page."""

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
    renewal_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a completed course that needs renewal is due again (its certificate expires).",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrolment_per_course")]
        ordering = ["-enrolled_at"]

    def __str__(self):
        return f"{self.user} in {self.course}"

    @property
    def is_complete(self):
        return self.completed_at is not None


class LessonCompletion(models.Model):
    """A learner completed a lesson (once per enrolment; a retake moves `completed_at` forward).
    Counted by LessonPage.done_item_ids; listed in the learner's records export."""

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
    """A learner has opened a lesson (viewed, not necessarily completed): the outline marks it
    and the records export lists it."""

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
    """A learner's work on a practice task or activity (the latest try; each try is kept as a
    TaskSubmissionRecord), approved (or sent back) by a trainer in the admin's *Practice tasks*
    menu, or marked by its automatic checks; the learner sees the outcome on the lesson."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        CHANGES = "changes", "Changes requested"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="task_submissions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="task_submissions")
    text = models.TextField(
        help_text="What the learner wrote, exactly as typed; cleaned (lms.sanitise) only when shown."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(auto_now=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewer_feedback = models.TextField(blank=True)
    # What an activity records besides text (a post's alt text, figures and answers, the scenario's
    # path), its automatic check results, the rubric scores and an optional private attachment.
    answer = models.JSONField(default=dict, blank=True)
    check_results = models.JSONField(default=list, blank=True)
    rubric_scores = models.JSONField(default=list, blank=True)
    score = models.PositiveIntegerField(null=True, blank=True)
    max_score = models.PositiveIntegerField(null=True, blank=True)
    attachment = models.FileField(storage=private_storage, upload_to="submissions/%Y/%m/", blank=True)
    tries = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="one_submission_per_task")
        ]

    def __str__(self):
        return f"{self.lesson} by {self.enrolment.user} ({self.get_status_display()})"


class TaskSubmissionRecord(models.Model):
    """One try at a practice task or activity, kept as it was submitted and as it was reviewed:
    the history a reviewer sees on the *Practice tasks* review screen and the learner on the
    lesson."""

    submission = models.ForeignKey(TaskSubmission, on_delete=models.CASCADE, related_name="records")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    answer = models.JSONField(default=dict, blank=True)
    check_results = models.JSONField(default=list, blank=True)
    attachment = models.FileField(storage=private_storage, upload_to="submissions/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=TaskSubmission.Status.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewer_feedback = models.TextField(blank=True)
    rubric_scores = models.JSONField(default=list, blank=True)
    score = models.PositiveIntegerField(null=True, blank=True)
    max_score = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "-number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="one_record_per_try")]

    def __str__(self):
        return f"Try {self.number}: {self.submission}"


class Assignment(models.Model):
    """Training a trainer has assigned to a learner, with a due date (admin: *Training > Assign a
    course*, *Bulk enrol from CSV*, *Overdue*). Reminders are sent by `send_reminders`."""

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
        enrolment = self.enrolment
        if enrolment.cycle_started_at and self.assigned_at < enrolment.cycle_started_at:
            return False  # the due date belonged to an earlier run through the course
        return enrolment.completed_at is None and self.due_date < (today or timezone.localdate())


class ReminderLog(models.Model):
    """A reminder email sent by `send_reminders`, so each stage (due soon, overdue, certificate
    expiring or expired) goes out at most once per enrolment and cycle."""

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


class ReviewEmailSetting(models.Model):
    """How one reviewer hears about practice work waiting for them: an email for each submission
    (the default, without a row), one daily digest (`send_review_digests`, from cron) or none.
    Each reviewer sets their own at the top of *Practice tasks* in the admin."""

    class Frequency(models.TextChoices):
        EACH = "each", "An email for each submission"
        DAILY = "daily", "One email a day listing the work waiting"
        NEVER = "never", "No emails"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_email_setting"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.EACH)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"
