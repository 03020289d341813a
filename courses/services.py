"""Enrolment and progress workflows, and the catalogue: its search, its suggestions when a search
finds nothing, and what it shows a signed-in learner about each course.

Progress asks each registered course item type (courses.items) which items a learner has done;
completing a course sends courses.signals.course_completed (certificates issues on it).
"""

import calendar
import difflib
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from . import caching, notifications
from .items import done_item_ids, item_types
from .models import (
    Assignment,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    LessonView,
    ModulePage,
    TaskSubmission,
    TaskSubmissionRecord,
)
from .signals import (
    course_completed,
    enrolled,
    lesson_completed,
    lesson_viewed,
    task_reviewed,
    task_submitted,
)


@dataclass
class ModuleOutline:
    page: ModulePage
    items: list = field(default_factory=list)


@dataclass
class CourseOutline:
    """A course's modules and their lessons and quizzes, in tree order."""

    course: CoursePage
    modules: list

    @property
    def items(self):
        return [item for module in self.modules for item in module.items]

    def module_of(self, page):
        return next((m for m in self.modules if any(item.pk == page.pk for item in m.items)), None)


@dataclass
class ModuleProgress:
    done: int
    total: int
    locked: bool = False
    locked_by: ModulePage | None = None

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def is_complete(self):
        return self.done >= self.total


@dataclass
class Progress:
    total: int  # required items
    done: int  # required items done
    done_ids: set  # every item done (required or not)
    viewed_ids: set
    pending_ids: set  # practice tasks waiting for a trainer
    next_item: Page | None
    resume_item: Page | None
    module_progress: dict  # module page id -> ModuleProgress
    # The key of the cached record this was built from (courses.caching.progress_keys): it names
    # the learner, so fragments rendered from this progress are cached under it.
    cache_key: str = ""

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self):
        return self.total > 0 and self.done == self.total


def is_required(item):
    return getattr(item, "required", True)


def course_outline(course):
    """Modules, lessons and quizzes under a course, fetched in a constant number of queries."""
    return course_outlines([course])[course.pk]


def course_outlines(courses):
    """Outlines of several courses at once: one page query plus one per page type."""
    courses = list(courses)
    if not courses:
        return {}
    modules = caching.cached_outline_modules(courses, _outline_modules)
    return {course.pk: CourseOutline(course=course, modules=modules[course.pk]) for course in courses}


def _outline_modules(courses):
    """{course pk: [ModuleOutline]} read from the page tree: one page query plus one per page type."""
    under_any = Q()
    for course in courses:
        under_any |= Q(path__startswith=course.path, depth__gt=course.depth)
    # Without their StreamFields (lesson bodies, rubrics): the outline is kept in the shared cache
    # and read on every signed-in page, which shows titles and links, never bodies.
    pages = (
        Page.objects.filter(under_any)
        .live()
        .type(ModulePage, *item_types())
        .specific()
        .defer_streamfields()
        .order_by("path")
    )
    modules = {course.pk: [] for course in courses}
    by_path = sorted(courses, key=lambda c: c.path)
    for page in pages:
        course = next(c for c in by_path if page.path.startswith(c.path))
        course_modules = modules[course.pk]
        if isinstance(page, ModulePage):
            course_modules.append(ModuleOutline(page=page))
        elif course_modules:
            page.module_id = course_modules[-1].page.pk
            course_modules[-1].items.append(page)
    return modules


def enrolment_row(user_id, course_id):
    """The enrolment of a learner in a course (at most one) as stored, without its course."""
    return Enrolment.objects.filter(user_id=user_id, course_id=course_id).order_by().first()


def get_enrolment(user, course):
    """The learner's enrolment in `course` (at most one), with `course` as its course: no join,
    and the page every signed-in item view already has (from the route cache) is not read again."""
    if not user.is_authenticated or course is None:
        return None
    enrolment = enrolment_row(user.pk, course.pk)
    if enrolment is not None:
        enrolment.course = course
    return enrolment


def request_enrolment(request, course):
    """get_enrolment, read once per request: the course gate and a course page's context
    providers (courses, surveys) each ask for it. A page read (GET or HEAD) takes the row kept in
    the shared cache under the learner's stamp (`caching.kept_enrolment`); what changes records
    (a POST) reads the database."""
    found = request.__dict__.setdefault("_course_enrolments", {})
    if course.pk not in found:
        user = request.user
        if request.method in ("GET", "HEAD") and user.is_authenticated:
            enrolment, source = caching.kept_enrolment(
                user.pk, course, lambda: enrolment_row(user.pk, course.pk)
            )
            if enrolment is not None:
                enrolment.course = course
                enrolment.kept_under = source  # for record_visit's copy
            found[course.pk] = enrolment
        else:
            found[course.pk] = get_enrolment(user, course)
    return found[course.pk]


def enrol(user, course):
    """Enrol a learner in a course; enrolling twice returns the first enrolment."""
    try:
        with transaction.atomic():
            enrolment, created = Enrolment.objects.get_or_create(user=user, course=course)
            if created:
                enrolled.send(sender=Enrolment, enrolment=enrolment)
    except IntegrityError:  # a concurrent request enrolled first
        enrolment = Enrolment.objects.get(user=user, course=course)
    return enrolment


def course_progress(enrolment, outline=None):
    """Progress through a course in a constant number of queries."""
    outlines = {enrolment.course_id: outline} if outline else None
    return progress_for_enrolments([enrolment], outlines)[enrolment.pk]


def progress_for_enrolments(enrolments, outlines=None):
    """Progress for several enrolments, in a constant number of queries."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    courses = [e.course for e in enrolments]
    # The outlines, the progress records and the learner's stamp in one round trip to the cache.
    caching.prefetch_progress([] if outlines else courses, enrolments)
    keys = caching.progress_keys(enrolments)
    outlines = outlines or course_outlines(courses)
    records = caching.cached_progress_records(
        enrolments, lambda missing: progress_records(missing, outlines), keys
    )
    return {
        enrolment.pk: build_progress(
            enrolment, outlines[enrolment.course_id], *records[enrolment.pk], cache_key=keys[enrolment.pk]
        )
        for enrolment in enrolments
    }


def progress_records(enrolments, outlines):
    """{enrolment pk: (ids of items done, lessons viewed, tasks waiting for review)}: what a
    learner did, read from every item type's records (kept in the shared cache per enrolment by
    `progress_for_enrolments`, until `forget_progress`)."""
    ids = [e.pk for e in enrolments]
    views, pending = {}, {}
    for enrolment_id, lesson_id in LessonView.objects.filter(enrolment_id__in=ids).values_list(
        "enrolment_id", "lesson_id"
    ):
        views.setdefault(enrolment_id, set()).add(lesson_id)
    for enrolment_id, lesson_id in TaskSubmission.objects.filter(
        enrolment_id__in=ids, status=TaskSubmission.Status.PENDING
    ).values_list("enrolment_id", "lesson_id"):
        pending.setdefault(enrolment_id, set()).add(lesson_id)
    items = {item.pk: item for e in enrolments for item in outlines[e.course_id].items}
    done = done_item_ids(enrolments, list(items.values()))
    return {e.pk: (done[e.pk], views.get(e.pk, set()), pending.get(e.pk, set())) for e in enrolments}


def forget_enrolment_progress(sender, instance, **kwargs):
    """For model signals of a learner's records (saved or deleted anywhere, the admin included)."""
    if type(instance).enrolment.is_cached(instance):  # made with its enrolment at hand: no query
        user_id = instance.enrolment.user_id
    else:
        user_id = Enrolment.objects.filter(pk=instance.enrolment_id).values_list("user_id", flat=True).first()
    if user_id is not None:
        forget_progress(user_id)


def forget_enrolled_progress(sender, instance, **kwargs):
    """For model signals of enrolments (enrolling, leaving, an edit in the admin)."""
    forget_progress(instance.user_id)


def connect_progress_invalidation():
    # An assignment (its due date) shows on the learner's catalogue card, kept under their stamp.
    for model in (LessonCompletion, LessonView, TaskSubmission, Assignment):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            uid = f"courses-progress-{model.__name__}-{name}"
            signal.connect(forget_enrolment_progress, sender=model, dispatch_uid=uid)
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(
            forget_enrolled_progress, sender=Enrolment, dispatch_uid=f"courses-progress-Enrolment-{name}"
        )


def forget_progress(user):
    """Call after changing a learner's records of any course item (completions, views,
    submissions, reviews, quiz attempts, a retake): their cached progress is computed again."""
    caching.forget_learner_progress(getattr(user, "pk", user))


def build_progress(enrolment, outline, done_ids, viewed_ids, pending_ids, cache_key=""):
    module_progress = {}
    blocker = None
    for module in outline.modules:
        required = [item for item in module.items if is_required(item)]
        done = sum(1 for item in required if item.pk in done_ids)
        locked = bool(outline.course.sequential_modules and blocker)
        module_progress[module.page.pk] = ModuleProgress(
            done, len(required), locked, blocker if locked else None
        )
        if done < len(required) and blocker is None:
            blocker = module.page
    open_items = [item for item in outline.items if not module_progress[item.module_id].locked]
    next_item = next((item for item in open_items if item.pk not in done_ids and is_required(item)), None)
    last = enrolment.last_page_id
    resume_item = next(
        (item for item in open_items if item.pk == last and item.pk not in done_ids), next_item
    )
    required_items = [item for item in outline.items if is_required(item)]
    return Progress(
        total=len(required_items),
        done=sum(1 for item in required_items if item.pk in done_ids),
        done_ids=done_ids & {item.pk for item in outline.items},
        viewed_ids=viewed_ids,
        pending_ids=pending_ids,
        next_item=next_item,
        resume_item=resume_item,
        module_progress=module_progress,
        cache_key=cache_key,
    )


def item_context(enrolment, page):
    """What a lesson or quiz page shows around itself: progress, previous and next item, lock."""
    progress = course_progress(enrolment)  # reads the outline too, in the same round trip
    outline = course_outline(enrolment.course)
    items = outline.items
    ids = [item.pk for item in items]
    index = ids.index(page.pk) if page.pk in ids else None
    module = outline.module_of(page)
    module_progress = progress.module_progress.get(module.page.pk) if module else None
    return {
        "enrolment": enrolment,
        "outline": outline,
        "progress": progress,
        "module_progress": module_progress,
        "locked_by": module_progress.locked_by if module_progress and module_progress.locked else None,
        "is_done": page.pk in progress.done_ids,
        "previous_item": items[index - 1] if index else None,
        "next_item": items[index + 1] if index is not None and index + 1 < len(items) else None,
    }


# A reload of the page a learner is on within this time writes nothing (issue 16: no writes on
# a page view that changes nothing a learner or a report would see).
VISIT_RECORD_INTERVAL = timedelta(minutes=5)


def record_visit(enrolment, page, viewed_ids=None):
    """Remember where the learner is (to resume there) and that a lesson was viewed.
    `viewed_ids` (the lessons their progress says they viewed) spares a lookup of the view row."""
    now = timezone.now()
    last = enrolment.last_activity_at
    if enrolment.last_page_id == page.pk and last is not None and now - last < VISIT_RECORD_INTERVAL:
        return
    Enrolment.objects.filter(pk=enrolment.pk).update(last_page=page, last_activity_at=now)
    # The catalogue's Continue link for this course, and My learning's order of last activity.
    caching.forget_learner_place(enrolment.user_id)
    enrolment.last_page_id, enrolment.last_activity_at = page.pk, now
    if getattr(enrolment, "kept_under", None):  # the kept row as written, without its course
        names = [field.attname for field in Enrolment._meta.concrete_fields]
        row = Enrolment.from_db(enrolment._state.db, names, [getattr(enrolment, name) for name in names])
        caching.keep_visited_enrolment(row, enrolment.kept_under)
    if not isinstance(page, LessonPage):
        return
    if viewed_ids is not None and page.pk in viewed_ids:
        LessonView.objects.filter(enrolment=enrolment, lesson=page).update(last_viewed_at=now)
        return
    try:
        with transaction.atomic():
            LessonView.objects.create(enrolment=enrolment, lesson=page)
            lesson_viewed.send(sender=LessonView, enrolment=enrolment, lesson=page)
    except IntegrityError:  # viewed before (or by a concurrent request)
        LessonView.objects.filter(enrolment=enrolment, lesson=page).update(last_viewed_at=now)
        return
    forget_progress(enrolment.user_id)


class TaskNeedsApproval(Exception):
    """A practice task or activity is completed by what the learner submits, not by a button."""


def complete_lesson(enrolment, lesson):
    """Mark a lesson complete (idempotent). Returns True when that completed the course."""
    if lesson.completed_by_submission:
        raise TaskNeedsApproval(lesson.title)
    return _record_completion(enrolment, lesson)


def _record_completion(enrolment, lesson):
    now = timezone.now()
    try:
        with transaction.atomic():
            completion, created = LessonCompletion.objects.get_or_create(enrolment=enrolment, lesson=lesson)
            if (
                not created
                and enrolment.cycle_started_at
                and completion.completed_at < enrolment.cycle_started_at
            ):
                # Completed in an earlier cycle: a retake counts it again from now.
                since = enrolment.cycle_started_at
                earlier = LessonCompletion.objects.filter(pk=completion.pk, completed_at__lt=since)
                created = bool(earlier.update(completed_at=now))
            if created:
                lesson_completed.send(sender=LessonCompletion, enrolment=enrolment, lesson=lesson)
    except IntegrityError:
        pass
    forget_progress(enrolment.user_id)
    course_complete = check_completion(enrolment)
    # Once committed (after the stamp's own on-commit bumps, queued above), keep the progress
    # read from the committed rows under the final stamp, so the page the learner opens next (the
    # next lesson) reads it rather than computing it again (issue 16: <= 6 queries a page).
    transaction.on_commit(lambda: course_progress(enrolment))
    return course_complete


# How long before a renewal is due a learner may retake the course (and is reminded).
RENEWAL_WINDOW = timedelta(days=60)


def add_months(moment, months):
    """The same day and time `months` later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def can_retake(enrolment, now=None):
    """A completed course that needs renewal can be retaken (a new cycle) once its renewal is
    close (within RENEWAL_WINDOW) or past: the certificate expires at `renewal_due_at`."""
    if not enrolment.course.renewal_months or enrolment.completed_at is None:
        return False
    due = enrolment.renewal_due_at
    return due is None or due - RENEWAL_WINDOW <= (now or timezone.now())


def start_retake(enrolment):
    """Begin a new cycle: progress starts again; earlier certificates stay verifiable."""
    now = timezone.now()
    updated = Enrolment.objects.filter(pk=enrolment.pk, cycle=enrolment.cycle).update(
        cycle=enrolment.cycle + 1,
        cycle_started_at=now,
        completed_at=None,
        renewal_due_at=None,
        last_page=None,
    )
    forget_progress(enrolment.user_id)
    enrolment.refresh_from_db()
    return bool(updated)


def submit_task(enrolment, lesson, text="", *, answer=None, check_results=None, attachment=None, passed=None):
    """Save a learner's try at a practice task or activity and keep it in the history.

    Text is stored as typed (sanitised when shown). `passed` is for activities marked by their
    automatic checks alone: True completes the lesson, False asks for another try; None (a
    trainer reviews it) leaves it waiting for review. Returns the TaskSubmission; the second value
    of `submit_task_result` tells whether the course is now complete."""
    return submit_task_result(
        enrolment,
        lesson,
        text,
        answer=answer,
        check_results=check_results,
        attachment=attachment,
        passed=passed,
    )[0]


def submit_task_result(
    enrolment, lesson, text="", *, answer=None, check_results=None, attachment=None, passed=None
):
    """`submit_task`, returning (submission, whether the course is now complete)."""
    if passed is None:
        status = TaskSubmission.Status.PENDING
    else:
        status = TaskSubmission.Status.APPROVED if passed else TaskSubmission.Status.CHANGES
    with transaction.atomic():
        # The first try makes the row (a concurrent first try finds it made); the row lock then
        # makes two quick submissions two numbered tries, not one lost.
        try:
            with transaction.atomic():
                TaskSubmission.objects.get_or_create(
                    enrolment=enrolment, lesson=lesson, defaults={"tries": 0, "status": status}
                )
        except IntegrityError:
            pass
        submission = TaskSubmission.objects.select_for_update().get(enrolment=enrolment, lesson=lesson)
        values = {
            "text": text,
            "answer": answer or {},
            "check_results": check_results or [],
            "status": status,
            "reviewer": None,
            "reviewed_at": timezone.now() if passed is not None else None,
            "reviewer_feedback": "",
            "rubric_scores": [],
            "score": None,
            "max_score": None,
        }
        for name, value in values.items():
            setattr(submission, name, value)
        submission.tries += 1
        # Each try has its own attachment, or none.
        submission.attachment = attachment or ""
        submission.save()
        TaskSubmissionRecord.objects.create(
            submission=submission,
            number=submission.tries,
            text=text,
            answer=submission.answer,
            check_results=submission.check_results,
            attachment=submission.attachment.name if submission.attachment else "",
            status=status,
            reviewed_at=submission.reviewed_at,
        )
        task_submitted.send(sender=TaskSubmission, submission=submission)
    forget_progress(enrolment.user_id)
    if passed is None:  # waiting for a trainer: tell the lesson's reviewers, as each chose
        notifications.notify_task_submitted(
            enrolment.user, lesson, reverse("practice_tasks:review", args=[submission.pk])
        )
    course_complete = _record_completion(enrolment, lesson) if passed else False
    return submission, course_complete


def can_see_submission(user, submission):
    """The learner who made it, and trainers who may edit (so review) its lesson."""
    if not user.is_authenticated:
        return False
    if submission.enrolment.user_id == user.pk:
        return True
    return submission.lesson.permissions_for_user(user).can_edit()


def score_rubric(criteria, chosen_levels):
    """Rubric scores from the reviewer's choice of level (an index) for each criterion: a list of
    {"criterion", "level", "points", "max_points"} and the total and maximum points."""
    scores = []
    for criterion, level_index in zip(criteria, chosen_levels, strict=True):
        levels = criterion["levels"]
        if not 0 <= level_index < len(levels):
            raise ValueError(f"No level {level_index} for “{criterion['criterion']}”.")
        scores.append(
            {
                "criterion": criterion["criterion"],
                "level": levels[level_index]["label"],
                "points": levels[level_index]["points"],
                "max_points": max(level["points"] for level in levels),
            }
        )
    return scores, sum(s["points"] for s in scores), sum(s["max_points"] for s in scores)


def review_task(submission, reviewer, approve, feedback="", rubric_levels=None):
    """A trainer approves a task (which completes the lesson) or asks for changes, optionally
    scoring it against the lesson's rubric (`rubric_levels`: a level index per criterion)."""
    submission.status = TaskSubmission.Status.APPROVED if approve else TaskSubmission.Status.CHANGES
    submission.reviewer = reviewer
    submission.reviewed_at = timezone.now()
    submission.reviewer_feedback = feedback
    if rubric_levels is not None:
        scores, total, maximum = score_rubric(submission.lesson.rubric_criteria(), rubric_levels)
        submission.rubric_scores, submission.score, submission.max_score = scores, total, maximum
    with transaction.atomic():
        submission.save()
        submission.records.filter(number=submission.tries).update(
            status=submission.status,
            reviewer=reviewer,
            reviewed_at=submission.reviewed_at,
            reviewer_feedback=feedback,
            rubric_scores=submission.rubric_scores,
            score=submission.score,
            max_score=submission.max_score,
        )
        task_reviewed.send(sender=TaskSubmission, submission=submission, approved=bool(approve))
    forget_progress(submission.enrolment.user_id)
    notifications.notify_task_reviewed(submission.enrolment.user, submission.lesson, approve, feedback)
    if approve:
        return _record_completion(submission.enrolment, submission.lesson)
    LessonCompletion.objects.filter(enrolment=submission.enrolment, lesson=submission.lesson).delete()
    forget_progress(submission.enrolment.user_id)
    return None


def check_completion(enrolment):
    """Complete the course once every required item of the current cycle is done, and tell the
    apps that listen (certificates issues the certificate). Returns True when complete."""
    progress = course_progress(enrolment)
    if not progress.is_complete:
        return False
    if enrolment.completed_at is None:
        now = timezone.now()
        months = enrolment.course.renewal_months
        # A conditional update: two racing requests complete the course once.
        Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
            completed_at=now, renewal_due_at=add_months(now, months) if months else None
        )
        forget_progress(enrolment.user_id)  # the catalogue card and My learning say Completed
        enrolment.refresh_from_db(fields=["completed_at", "renewal_due_at"])
    course_completed.send(sender=Enrolment, enrolment=enrolment)
    return True


# --- Catalogue ------------------------------------------------------------------------------------

AUDIENCE_FILTERS = {
    "public_servants": ("Public servants", ["public_servants", "everyone"]),
    "councillors": ("Councillors", ["councillors", "everyone"]),
}


@dataclass
class CatalogueResults:
    courses: list
    lesson_results: list  # (lesson, its course) pairs
    query: str
    audience: str


def catalogue_filters(query="", audience=""):
    """The search words and audience a visitor asked for, as the catalogue uses them: spaces
    squeezed, at most 200 characters; an audience the catalogue does not know means everyone."""
    return " ".join(query.split())[:200], audience if audience in AUDIENCE_FILTERS else ""


def search_catalogue(catalogue, query="", audience=""):
    """Live courses of the catalogue, filtered by audience and, with a query, the courses and
    lessons that match it (any word)."""
    query, audience = catalogue_filters(query, audience)

    def live_courses():  # built only when needed: building a queryset takes longer than reading it kept
        courses = CoursePage.objects.child_of(catalogue).live().order_by("path")
        return courses.filter(audience__in=AUDIENCE_FILTERS[audience][1]) if audience else courses

    # Search words only: quotes, brackets and operators mean something to the search backend's
    # query language (a lone " is a syntax error in SQLite's full-text search).
    words = " ".join(re.findall(r"\w+", query.casefold()))
    if not words:
        if query:
            return CatalogueResults([], [], query, audience)
        # Every visitor's list (and the one every signed-in catalogue page shows): kept per audience
        # with the content version.
        results = caching.kept_for_version(
            caching.catalogue_courses_key(audience),
            catalogue.pk,
            lambda: list(live_courses().defer_streamfields()),
        )
        return CatalogueResults(results, [], query, audience)
    courses = live_courses()
    by_course = {course.pk: course for course in courses}
    matching_ids = [course.pk for course in courses.search(words, operator="or")]
    lessons = []
    for lesson in LessonPage.objects.live().descendant_of(catalogue).search(words, operator="or")[:30]:
        course = next((c for c in by_course.values() if lesson.path.startswith(c.path)), None)
        if course is not None:
            lessons.append((lesson, course))
    return CatalogueResults(
        [by_course[pk] for pk in matching_ids if pk in by_course], lessons, query, audience
    )


def attach_courses(enrolments):
    """Give each enrolment its course page without joining it: from the catalogue's course list
    kept under the current content version (My learning reads it with its own lists,
    dashboard.services.prefetch_my_learning), and in one query those it lacks (a course outside the
    catalogue or no longer live, or no list kept yet). Kept pages come without their StreamFields."""
    enrolments = list(enrolments)
    kept = caching.kept_under_current_version(caching.catalogue_courses_key("")) or []
    courses = {course.pk: course for course in kept}
    missing = {e.course_id for e in enrolments} - courses.keys()
    if missing:
        courses.update((course.pk, course) for course in CoursePage.objects.filter(pk__in=missing))
    for enrolment in enrolments:
        enrolment.course = courses[enrolment.course_id]
    return enrolments


# Words too common in course titles and summaries to be worth suggesting.
SUGGESTION_STOP_WORDS = {"about", "with", "your", "from", "that", "this", "what", "when", "into", "their"}


@dataclass
class CatalogueSuggestions:
    """What to offer when a search finds no course: a respelt query and courses with close names."""

    query: str  # the query with each unknown word replaced by the closest known one ("" if none)
    courses: list


def suggest_courses(courses, query, limit=3):
    """Close matches for a search that found nothing, worked out in Python (difflib) from the
    courses' titles and summaries, so it behaves the same on SQLite and PostgreSQL."""
    words = re.findall(r"\w+", query.casefold())
    if not words:
        return CatalogueSuggestions("", [])
    courses = list(courses)
    vocabulary = set()
    course_words = {}
    for course in courses:
        known = {
            word
            for word in re.findall(r"\w+", f"{course.title} {course.summary}".casefold())
            if len(word) > 3 and word not in SUGGESTION_STOP_WORDS
        }
        course_words[course.pk] = known
        vocabulary |= known
    respelt, close_words, known_words = [], set(), sorted(vocabulary)
    for word in words:
        match = [] if word in vocabulary else difflib.get_close_matches(word, known_words, n=1, cutoff=0.75)
        respelt.append(match[0] if match else word)
        close_words |= set(match) | ({word} & vocabulary)
    suggested_query = " ".join(respelt) if respelt != words else ""

    def closeness(course):
        title = difflib.SequenceMatcher(None, " ".join(words), course.title.casefold()).ratio()
        return (len(close_words & course_words[course.pk]), title)

    ranked = sorted(courses, key=closeness, reverse=True)
    close = [c for c in ranked if closeness(c)[0] or closeness(c)[1] >= 0.6][:limit]
    return CatalogueSuggestions(suggested_query, close)


@dataclass
class CourseState:
    """Where a signed-in learner stands with one course of the catalogue (for its card)."""

    enrolment: Enrolment
    progress: Progress
    assignment: object | None  # courses.Assignment, if a trainer assigned the course

    @property
    def completed(self):
        return self.enrolment.completed_at is not None

    @property
    def due_date(self):
        return self.assignment.due_date if self.assignment else None

    @property
    def overdue(self):
        return bool(self.assignment and self.assignment.is_overdue())

    @property
    def resume_item(self):
        return None if self.completed else self.progress.resume_item


@dataclass
class CourseCard:
    course: CoursePage
    state: CourseState | None = None  # None: not enrolled, or not signed in


def course_cards(user, courses):
    """The catalogue's cards for `courses`, each with the learner's enrolment, progress and
    assignment when they have one: a constant number of queries, whatever the number of courses."""
    courses = list(courses)
    if not user.is_authenticated or not courses:
        return [CourseCard(course) for course in courses]
    enrolments = list(Enrolment.objects.filter(user=user, course__in=courses).select_related("assignment"))
    by_pk = {course.pk: course for course in courses}
    for enrolment in enrolments:  # the courses at hand, rather than joining them again
        enrolment.course = by_pk[enrolment.course_id]
    progress = progress_for_enrolments(enrolments)
    states = {e.course_id: CourseState(e, progress[e.pk], getattr(e, "assignment", None)) for e in enrolments}
    return [CourseCard(course, states.get(course.pk)) for course in courses]
