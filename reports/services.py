"""The figures of the Reports menu, worked out in grouped queries.

Every report takes the admin user and narrows what it counts through courses.scoping (an
organisation manager counts their organisations' people only; a course's team, everyone in the
courses they run). Queries are grouped by enrolment,
learner, item or course (GROUP BY in the database), never one query per learner, so a report of
20,000 learners takes the same handful of queries as one of three.

Definitions (the README's Reports section says the same):
- completed: the enrolment's current cycle is complete (`Enrolment.completed_at`);
- in progress: not completed, and the learner has done an item or opened the course since the
  cycle began; not started: neither;
- overdue: courses.assignments.overdue_assignments (the Training menu's Overdue report);
- progress: required items done in the current cycle / required items (as My learning shows);
- quiz score: each learner's best submitted score in the current cycle; a quiz counts as passed
  by the quiz's grading method (any pass, or the latest attempt's);
- certificates: issued and not revoked; expiring: valid now and expiring within
  EXPIRING_WITHIN_DAYS days.
"""

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import cached_property

from certificates.models import Certificate, CertificateRevision
from courses.assignments import overdue_assignments
from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage, TaskSubmission
from courses.scoping import reportable_courses, scope_enrolments
from courses.services import course_outline, is_required
from lms.formatting import format_percent
from lms.models import User
from quizzes.models import Attempt, QuizPage

EXPIRING_WITHIN_DAYS = 60
MASK_BITS = 60
SCORE_BANDS = [(low, low + 9 if low < 90 else 100) for low in range(0, 100, 10)]

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
STATUS_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETED: "Completed"}
TASK_LABELS = {status: label.lower() for status, label in TaskSubmission.Status.choices}
ASSIGNMENT_CHOICES = {
    "": "All learners",
    "assigned": "Assigned by a trainer or manager",
    "self": "Enrolled themselves",
    "overdue": "Overdue",
}


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while a report makes its tens of thousands of small
    rows. They hold no reference cycles (reference counting frees them), but so many new objects
    set off full collections that walk the whole process (Django, Wagtail and all): at 20,000
    learners that doubled the course report's time. The collector is back on when the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- per course ---------------------------------------------------------------------------------


@dataclass
class QuizResult:
    """One learner's record on one quiz in the current cycle."""

    attempts: int = 0
    best: float | None = None
    passed: bool = False


class LearnerRow:
    """One enrolment in a course report: the gradebook's row. A plain class with slots: a report
    makes one per learner (20,000 and more), so it is kept light."""

    __slots__ = (
        "enrolment_id",
        "user_id",
        "full_name",
        "email",
        "organisation",
        "completed",
        "started",
        "due_date",
        "assigned",
        "overdue",
        "enrolled_at",
        "last_activity_at",
        "completed_at",
        "done",
        "quizzes",
        "tasks",
        "total",
        "status",
        "scores",
    )

    def __init__(self, values, overdue, total):
        """`values`: (enrolment id, user id, full name, email, organisation name, completed, started,
        due date), then the enrolled, last activity and completed dates when the report was asked
        for them, as course_report selects them."""
        (
            self.enrolment_id,
            self.user_id,
            self.full_name,
            self.email,
            organisation,
            self.completed,
            self.started,  # opened the course since the current cycle began
            self.due_date,
            *dates,
        ) = values
        self.organisation = organisation or ""
        self.assigned = self.due_date is not None
        self.overdue = overdue
        self.total = total
        # From the report's query (with_dates) or add_dates().
        self.enrolled_at, self.last_activity_at, self.completed_at = dates or (None, None, None)
        self.done = 0
        self.quizzes = {}  # quiz id -> QuizResult
        self.tasks = None  # TaskSubmission status -> count, when there are any
        self.status = NOT_STARTED  # set by course_report once progress is known
        self.scores = ()

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def task_summary(self):
        if not self.tasks:
            return ""
        tasks = sorted(self.tasks.items())
        return ", ".join(f"{count} {TASK_LABELS[status]}" for status, count in tasks)


@dataclass
class FunnelStep:
    label: str
    done: int
    is_module: bool = False
    item: object = None


@dataclass
class QuizSummary:
    quiz: QuizPage
    learners: int  # with at least one submitted attempt
    passed: int
    average: float | None
    bands: list  # [(label, count)]


@dataclass
class CourseReport:
    course: CoursePage
    outline: object
    enrolments: object  # the filtered Enrolment queryset
    rows: list
    certificates_issued: int
    certificates_expiring: int
    funnel: list
    quizzes: list

    def __post_init__(self):
        self._counts = Counter(row.status for row in self.rows)
        self._overdue = sum(1 for row in self.rows if row.overdue)

    def count(self, status):
        return self._counts[status]

    @property
    def enrolled(self):
        return len(self.rows)

    @property
    def summary(self):
        """[(label, value)] of the headline figures."""
        return [
            ("Enrolled", self.enrolled),
            ("Not started", self.count(NOT_STARTED)),
            ("In progress", self.count(IN_PROGRESS)),
            ("Completed", self.count(COMPLETED)),
            ("Overdue", self._overdue),
            ("Certificates issued", self.certificates_issued),
            (f"Certificates expiring within {EXPIRING_WITHIN_DAYS} days", self.certificates_expiring),
        ]

    @property
    def status_counts(self):
        return [(STATUS_LABELS[s], self.count(s)) for s in (NOT_STARTED, IN_PROGRESS, COMPLETED)]

    @cached_property
    def average_score(self):
        scores = [r.best for row in self.rows for r in row.quizzes.values() if r.best is not None]
        return round(sum(scores) / len(scores), 1) if scores else None


def course_enrolments(course, user, organisation=None, assignment=""):
    """The course's enrolments of active learners the admin user may see, filtered."""
    enrolments = scope_enrolments(Enrolment.objects.filter(course=course, user__is_active=True), user)
    if organisation is not None:
        enrolments = enrolments.filter(user__organisation=organisation)
    return filter_by_assignment(enrolments, assignment, overdue_assignments(course=course))


def filter_by_assignment(enrolments, assignment, overdue):
    """Enrolments narrowed by an ASSIGNMENT_CHOICES key; `overdue` is the overdue assignments
    (courses.assignments.overdue_assignments) the "overdue" choice keeps."""
    if assignment == "assigned":
        return enrolments.filter(assignment__isnull=False)
    if assignment == "self":
        return enrolments.filter(assignment__isnull=True)
    if assignment == "overdue":
        return enrolments.filter(pk__in=overdue.order_by().values("enrolment_id"))
    return enrolments


def overdue_enrolment_ids(course):
    return overdue_assignments(course=course).order_by().values("enrolment_id")


def _cycle_filter(date_field):
    """Rows of an enrolment's current cycle (its LessonCompletion or TaskSubmission rows)."""
    return Q(enrolment__cycle_started_at__isnull=True) | Q(
        **{f"{date_field}__gte": F("enrolment__cycle_started_at")}
    )


def quiz_results(quizzes, enrolments, retaking=None):
    """{(user id, quiz id): QuizResult} for the learners of `enrolments`, current cycle only: one
    grouped query for learners on their first cycle, one small one for those retaking."""
    quiz_ids = [quiz.pk for quiz in quizzes]
    latest_only = {quiz.pk for quiz in quizzes if quiz.grading_method == QuizPage.GradingMethod.LATEST}
    results = {}
    if not quiz_ids:
        return results
    submitted = Attempt.objects.filter(quiz_id__in=quiz_ids, submitted_at__isnull=False)
    first_cycle = enrolments.filter(cycle_started_at__isnull=True).values("user_id")
    grouped = (
        submitted.filter(user_id__in=first_cycle)
        .values("user_id", "quiz_id")
        .annotate(
            attempts=Count("pk"),
            best=Max("score"),
            last_number=Max("number"),
            last_pass=Max("number", filter=Q(passed=True)),
        )
        .values_list("user_id", "quiz_id", "attempts", "best", "last_number", "last_pass")
    )
    for user_id, quiz_id, attempts, best, last_number, last_pass in grouped:
        passed = last_pass == last_number if quiz_id in latest_only else last_pass is not None
        best = float(best) if best is not None else None
        results[user_id, quiz_id] = QuizResult(attempts, best, passed)
    if retaking is None:
        retaking = dict(
            enrolments.filter(cycle_started_at__isnull=False).values_list("user_id", "cycle_started_at")
        )
    if retaking:
        latest = {}
        rows = submitted.filter(user_id__in=list(retaking)).values_list(
            "user_id", "quiz_id", "number", "score", "passed", "started_at"
        )
        for user_id, quiz_id, number, score, did_pass, started_at in rows:
            if started_at < retaking[user_id]:
                continue
            result = results.setdefault((user_id, quiz_id), QuizResult())
            result.attempts += 1
            if score is not None and (result.best is None or float(score) > result.best):
                result.best = float(score)
            if quiz_id in latest_only:
                if number > latest.get((user_id, quiz_id), (0, False))[0]:
                    latest[user_id, quiz_id] = (number, did_pass)
            elif did_pass:
                result.passed = True
        for key, (_, did_pass) in latest.items():
            results[key].passed = did_pass
    return results


# An enrolment's dates as shown in reports: days in the site's time zone.
_DATES = (TruncDate("enrolled_at"), TruncDate("last_activity_at"), TruncDate("completed_at"))


def _flag(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())


def course_report(course, user, organisation=None, assignment="", with_dates=False):
    """The course report for the admin user, with the filters applied to every figure. Rows carry
    what the figures need, and their enrolled, last activity and completed dates `with_dates` (an
    export: every row); a page of the gradebook gets them from add_dates()."""
    with collector_paused():
        return _course_report(course, user, organisation, assignment, with_dates)


def _course_report(course, user, organisation, assignment, with_dates):
    outline = course_outline(course)
    enrolments = course_enrolments(course, user, organisation, assignment)
    modules = [
        (module.page.pk, [(item.pk, isinstance(item, QuizPage), is_required(item)) for item in module.items])
        for module in outline.modules
    ]
    lesson_ids = [item.pk for item in outline.items if isinstance(item, LessonPage)]
    quizzes = [item for item in outline.items if isinstance(item, QuizPage)]
    required_total = sum(1 for item in outline.items if is_required(item))

    # 1. The learners: one row per enrolment, in name order, with flags worked out in the database.
    overdue = set(overdue_enrolment_ids(course).values_list("enrolment_id", flat=True))
    started = Q(last_activity_at__isnull=False) & (
        Q(cycle_started_at__isnull=True) | Q(last_activity_at__gte=F("cycle_started_at"))
    )
    learners = (
        enrolments.order_by("user__full_name", "user__email", "pk")
        .annotate(is_completed=_flag(Q(completed_at__isnull=False)), is_started=_flag(started))
        .values_list(
            "pk",
            "user_id",
            "user__full_name",
            "user__email",
            "user__organisation__name",
            "is_completed",
            "is_started",
            "assignment__due_date",
            *(_DATES if with_dates else ()),
        )
    )
    rows = [LearnerRow(values, values[0] in overdue, required_total) for values in learners]
    by_enrolment = {row.enrolment_id: row for row in rows}
    rows_by_user = {row.user_id: row for row in rows}

    # 2. Lessons done in the current cycle: one grouped query giving each enrolment a bit mask of
    # its lessons (bit i = lesson_ids[i]; a lesson is completed at most once per enrolment).
    retaking = dict(
        enrolments.filter(cycle_started_at__isnull=False)
        .order_by()
        .values_list("user_id", "cycle_started_at")
    )
    bit = {pk: 1 << index for index, pk in enumerate(lesson_ids + [quiz.pk for quiz in quizzes])}
    masks = {}
    if lesson_ids:
        # 60 lessons per database integer; more only make more columns.
        groups = [lesson_ids[start : start + MASK_BITS] for start in range(0, len(lesson_ids), MASK_BITS)]
        columns = {
            f"mask_{number}": Sum(
                Case(
                    *(When(lesson_id=pk, then=Value(1 << index)) for index, pk in enumerate(group)),
                    default=Value(0),
                ),
                output_field=BigIntegerField(),
            )
            for number, group in enumerate(groups)
        }
        completions = LessonCompletion.objects.filter(lesson_id__in=lesson_ids, enrolment__in=enrolments)
        if retaking:  # only then can a completion belong to an earlier cycle
            completions = completions.filter(_cycle_filter("completed_at"))
        grouped = completions.values("enrolment_id").annotate(**columns).values_list("enrolment_id", *columns)
        for enrolment_id, *parts in grouped:
            masks[enrolment_id] = sum(
                int(part or 0) << (MASK_BITS * number) for number, part in enumerate(parts)
            )

    # 3. Quizzes: best score, attempts and pass per learner (passes join the mask).
    for (user_id, quiz_id), result in quiz_results(quizzes, enrolments, retaking).items():
        row = rows_by_user.get(user_id)
        if row is None:
            continue
        row.quizzes[quiz_id] = result
        if result.passed:
            masks[row.enrolment_id] = masks.get(row.enrolment_id, 0) | bit[quiz_id]

    # 4. Practice tasks by status, current cycle.
    for enrolment_id, status, count in (
        TaskSubmission.objects.filter(_cycle_filter("submitted_at"), enrolment__in=enrolments)
        .values("enrolment_id", "status")
        .annotate(count=Count("pk"))
        .values_list("enrolment_id", "status", "count")
    ):
        row = by_enrolment[enrolment_id]
        row.tasks = row.tasks or Counter()
        row.tasks[status] = count

    # Progress and module completion (approved practice tasks are lessons with a LessonCompletion).
    required_mask = 0
    module_masks = []
    for module_id, items in modules:
        mask = sum(bit[pk] for pk, _, required in items if required)
        module_masks.append((module_id, mask))
        required_mask |= mask
    module_finished = Counter()
    item_done = Counter()
    mask_counts = Counter(masks.get(row.enrolment_id, 0) for row in rows if not row.completed)
    completed_count = sum(1 for row in rows if row.completed)
    for row in rows:
        if row.completed:
            row.done, row.status = row.total, COMPLETED
        else:
            mask = masks.get(row.enrolment_id, 0)
            row.done = (mask & required_mask).bit_count()
            if mask or row.started or row.quizzes:  # any lesson, any quiz attempt, or opened
                row.status = IN_PROGRESS
    for mask, count in mask_counts.items():  # few distinct masks: count per mask, not per learner
        for module_id, module_mask in module_masks:
            if mask & module_mask == module_mask:
                module_finished[module_id] += count
    for module_id, _ in module_masks:
        module_finished[module_id] += completed_count  # a completed cycle finished every module
    for mask, count in Counter(masks.get(row.enrolment_id, 0) for row in rows).items():
        for pk, value in bit.items():
            if mask & value:
                item_done[pk] += count

    # 5. Certificates of these enrolments.
    now = timezone.now()
    certificates = Certificate.objects.filter(enrolment__in=enrolments, revoked_at__isnull=True).aggregate(
        issued=Count("pk"),
        expiring=Count(
            "pk", filter=Q(expires_at__gt=now, expires_at__lte=now + timedelta(days=EXPIRING_WITHIN_DAYS))
        ),
    )

    # The funnel: learners who finished each module (every required item) and each item.
    funnel = []
    for module in outline.modules:
        funnel.append(
            FunnelStep(module.page.title, module_finished[module.page.pk], is_module=True, item=module.page)
        )
        for item in module.items:
            funnel.append(FunnelStep(item.title, item_done[item.pk], item=item))

    quiz_summaries = []
    for quiz in quizzes:
        quiz_id = quiz.pk
        results = [result for row in rows if (result := row.quizzes.get(quiz_id))]
        scores = [result.best for result in results if result.best is not None]
        band_counts = Counter(min(int(score // 10), len(SCORE_BANDS) - 1) for score in scores)
        quiz_summaries.append(
            QuizSummary(
                quiz=quiz,
                learners=sum(1 for result in results if result.attempts),
                passed=item_done[quiz.pk],
                average=round(sum(scores) / len(scores), 1) if scores else None,
                bands=[
                    (f"{low}–{high}%", band_counts.get(i, 0)) for i, (low, high) in enumerate(SCORE_BANDS)
                ],
            )
        )
    return CourseReport(
        course=course,
        outline=outline,
        enrolments=enrolments,
        rows=rows,
        certificates_issued=certificates["issued"],
        certificates_expiring=certificates["expiring"],
        funnel=funnel,
        quizzes=quiz_summaries,
    )


def add_dates(rows):
    """Fill in the enrolled, last activity and completed dates (in the site's time zone) of these
    rows: a page of the gradebook, looked up by id (an export asks course_report for them)."""
    rows = list(rows)
    enrolments = Enrolment.objects.filter(pk__in=[row.enrolment_id for row in rows]).order_by()
    dates = {pk: rest for pk, *rest in enrolments.values_list("pk", *_DATES)}
    for row in rows:
        row.enrolled_at, row.last_activity_at, row.completed_at = dates[row.enrolment_id]
    return rows


def filter_rows(rows, status=""):
    return [row for row in rows if row.status == status] if status in STATUS_LABELS else rows


# --- course index -----------------------------------------------------------------------------------


def course_overview(user):
    """Every course with its enrolled, completed and overdue learners (the admin user's scope), in
    three grouped queries."""
    courses = list(reportable_courses(user))
    enrolments = scope_enrolments(Enrolment.objects.filter(user__is_active=True), user)
    counts = {
        row["course_id"]: row
        for row in enrolments.values("course_id").annotate(
            enrolled=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
        )
    }
    overdue = Counter(
        scope_enrolments(overdue_assignments(), user, "enrolment").values_list(
            "enrolment__course_id", flat=True
        )
    )
    overview = []
    for course in courses:
        row = counts.get(course.pk, {"enrolled": 0, "completed": 0})
        rate = round(100 * row["completed"] / row["enrolled"]) if row["enrolled"] else 0
        overview.append((course, row["enrolled"], row["completed"], rate, overdue.get(course.pk, 0)))
    return overview


# --- per organisation ------------------------------------------------------------------------------


@dataclass
class OrganisationCourseRow:
    course: CoursePage
    enrolled: int
    not_started: int
    in_progress: int
    completed: int
    overdue: int
    certificates_expiring: int

    @property
    def completion_rate(self):
        return round(100 * self.completed / self.enrolled) if self.enrolled else 0


def organisation_report(organisation, assignment=""):
    """Per course: enrolments of the organisation's active members by status, overdue, and
    certificates expiring soon, every figure narrowed by `assignment` (an ASSIGNMENT_CHOICES key).
    Grouped queries."""
    overdue_of_organisation = overdue_assignments(organisation=organisation)
    enrolments = filter_by_assignment(
        Enrolment.objects.filter(user__organisation=organisation, user__is_active=True),
        assignment,
        overdue_of_organisation,
    )
    now = timezone.now()
    started = Q(last_activity_at__isnull=False) & (
        Q(cycle_started_at__isnull=True) | Q(last_activity_at__gte=F("cycle_started_at"))
    )
    counts = {
        row["course_id"]: row
        for row in enrolments.values("course_id").annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            started=Count("pk", filter=Q(completed_at__isnull=True) & started),
        )
    }
    # Learners who did something without opening a page since (an import, a quiz) count as started.
    did_something = set(
        LessonCompletion.objects.filter(_cycle_filter("completed_at"), enrolment__in=enrolments)
        .values_list("enrolment_id", flat=True)
        .distinct()
    )
    unopened = dict(
        enrolments.filter(completed_at__isnull=True).exclude(started).values_list("pk", "course_id")
    )
    extra_started = Counter(course_id for pk, course_id in unopened.items() if pk in did_something)
    overdue = Counter(
        overdue_of_organisation.filter(enrolment__in=enrolments).values_list(
            "enrolment__course_id", flat=True
        )
    )
    expiring = dict(
        Certificate.objects.filter(
            Exists(enrolments.filter(user_id=OuterRef("user_id"), course_id=OuterRef("course_id"))),
            user__organisation=organisation,
            user__is_active=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=EXPIRING_WITHIN_DAYS),
        )
        .values("course_id")
        .annotate(count=Count("pk"))
        .values_list("course_id", "count")
    )
    rows = []
    for course in CoursePage.objects.filter(pk__in=list(counts)).order_by("title"):
        row = counts[course.pk]
        in_progress = row["started"] + extra_started.get(course.pk, 0)
        rows.append(
            OrganisationCourseRow(
                course=course,
                enrolled=row["enrolled"],
                not_started=row["enrolled"] - row["completed"] - in_progress,
                in_progress=in_progress,
                completed=row["completed"],
                overdue=overdue.get(course.pk, 0),
                certificates_expiring=expiring.get(course.pk, 0),
            )
        )
    return rows


def learners_with_nothing_started(organisation):
    """Active members who have not opened any course page, done any lesson nor finished a course:
    not enrolled at all, or enrolled and never begun."""
    begun = Enrolment.objects.filter(user=OuterRef("pk")).filter(
        Q(completed_at__isnull=False)
        | Q(last_activity_at__isnull=False)
        | Exists(LessonCompletion.objects.filter(enrolment=OuterRef("pk")))
    )
    return (
        User.objects.filter(organisation=organisation, is_active=True)
        .exclude(Exists(begun))
        .annotate(enrolments_count=Count("enrolments"))
        .order_by("full_name", "email")
    )


def organisation_overview(organisations):
    """Members and completion rate per organisation, in two grouped queries."""
    organisations = list(organisations)
    ids = [organisation.pk for organisation in organisations]
    members = dict(
        User.objects.filter(organisation_id__in=ids, is_active=True)
        .values("organisation_id")
        .annotate(count=Count("pk"))
        .values_list("organisation_id", "count")
    )
    enrolments = {
        row["user__organisation_id"]: row
        for row in Enrolment.objects.filter(user__organisation_id__in=ids, user__is_active=True)
        .values("user__organisation_id")
        .annotate(enrolled=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
    }
    overview = []
    for organisation in organisations:
        row = enrolments.get(organisation.pk, {"enrolled": 0, "completed": 0})
        rate = round(100 * row["completed"] / row["enrolled"]) if row["enrolled"] else 0
        overview.append(
            (organisation, members.get(organisation.pk, 0), row["enrolled"], row["completed"], rate)
        )
    return overview


# --- per learner -------------------------------------------------------------------------------------


@dataclass
class TimelineEvent:
    at: object
    kind: str
    course: str
    what: str
    detail: str = ""


def learner_timeline(learner, course_ids=None):
    """Everything the learner did and was given, newest first: enrolments, lessons completed, quiz
    attempts with scores, practice submissions and reviews, certificates issued, reissued and
    revoked; in the courses `course_ids` only, when given. A fixed number of queries."""
    events = []
    enrolments = Enrolment.objects.filter(user=learner).select_related("course")
    if course_ids is not None:
        enrolments = enrolments.filter(course_id__in=course_ids)
    for enrolment in enrolments:
        events.append(TimelineEvent(enrolment.enrolled_at, "Enrolled", enrolment.course.title, "Enrolled"))
        if enrolment.completed_at:
            events.append(
                TimelineEvent(
                    enrolment.completed_at, "Completed", enrolment.course.title, "Completed the course"
                )
            )
    completions = LessonCompletion.objects.filter(enrolment__in=enrolments).select_related(
        "lesson", "enrolment__course"
    )
    for completion in completions:
        events.append(
            TimelineEvent(
                completion.completed_at, "Lesson", completion.enrolment.course.title, completion.lesson.title
            )
        )
    course_paths = {e.course.path: e.course.title for e in enrolments}
    attempts = Attempt.objects.filter(user=learner, submitted_at__isnull=False).select_related("quiz")
    for attempt in attempts.defer("snapshot", "answers"):
        course_title = next((t for p, t in course_paths.items() if attempt.quiz.path.startswith(p)), None)
        if course_title is None:
            continue
        result = "passed" if attempt.passed else "not passed"
        score = format_percent(attempt.score) if attempt.score is not None else "not marked"
        events.append(
            TimelineEvent(
                attempt.submitted_at,
                "Quiz attempt",
                course_title,
                f"{attempt.quiz.title}, attempt {attempt.number}",
                f"{score}, {result}",
            )
        )
    submissions = TaskSubmission.objects.filter(enrolment__in=enrolments).select_related(
        "lesson", "enrolment__course", "reviewer"
    )
    for submission in submissions:
        title = submission.enrolment.course.title
        events.append(
            TimelineEvent(
                submission.submitted_at, "Practice task", title, submission.lesson.title, "Submitted"
            )
        )
        if submission.reviewed_at:
            outcome = submission.get_status_display()
            by = f" by {submission.reviewer}" if submission.reviewer else ""
            events.append(
                TimelineEvent(
                    submission.reviewed_at, "Review", title, submission.lesson.title, f"{outcome}{by}"
                )
            )
    certificates = Certificate.objects.filter(user=learner)
    if course_ids is not None:
        certificates = certificates.filter(course_id__in=course_ids)
    for certificate in certificates.select_related("revoked_by"):
        events.append(
            TimelineEvent(
                certificate.issued_at,
                "Certificate",
                certificate.course_title,
                "Certificate issued",
                f"No. {certificate.code[:10]}…",
            )
        )
        if certificate.revoked_at:
            events.append(
                TimelineEvent(
                    certificate.revoked_at,
                    "Certificate",
                    certificate.course_title,
                    "Certificate revoked",
                    certificate.revoked_reason,
                )
            )
    for revision in CertificateRevision.objects.filter(certificate__in=certificates).select_related(
        "certificate"
    ):
        events.append(
            TimelineEvent(
                revision.reissued_at,
                "Certificate",
                revision.certificate.course_title,
                "Certificate reissued",
                f"{revision.old_learner_name} → {revision.new_learner_name}",
            )
        )
    events.sort(key=lambda event: event.at, reverse=True)
    return events
