"""Enrolment and progress workflows."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from .models import CoursePage, Enrolment, LessonCompletion, LessonPage, ModulePage


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


@dataclass
class Progress:
    total: int
    done: int
    done_ids: set
    next_item: Page | None
    module_progress: dict

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self):
        return self.total > 0 and self.done == self.total


def course_outline(course):
    """Modules, lessons and quizzes under a course, fetched in a constant number of queries."""
    from quizzes.models import QuizPage

    pages = course.get_descendants().live().type(ModulePage, LessonPage, QuizPage).specific().order_by("path")
    modules = []
    for page in pages:
        if isinstance(page, ModulePage):
            modules.append(ModuleOutline(page=page))
        elif modules:
            modules[-1].items.append(page)
    return CourseOutline(course=course, modules=modules)


def get_enrolment(user, course):
    if not user.is_authenticated or course is None:
        return None
    return Enrolment.objects.filter(user=user, course=course).select_related("course").first()


def enrol(user, course):
    """Enrol a learner in a course; enrolling twice returns the first enrolment."""
    try:
        with transaction.atomic():
            enrolment, _ = Enrolment.objects.get_or_create(user=user, course=course)
    except IntegrityError:  # a concurrent request enrolled first
        enrolment = Enrolment.objects.get(user=user, course=course)
    return enrolment


def completed_item_ids(enrolment, outline):
    from quizzes.services import passed_quiz_ids

    lesson_ids = set(LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True))
    quiz_ids = [item.pk for item in outline.items if not isinstance(item, LessonPage)]
    return lesson_ids | passed_quiz_ids(enrolment.user, quiz_ids)


def course_progress(enrolment, outline=None):
    outline = outline or course_outline(enrolment.course)
    done_ids = completed_item_ids(enrolment, outline)
    items = outline.items
    next_item = next((item for item in items if item.pk not in done_ids), None)
    module_progress = {
        module.page.pk: (sum(1 for item in module.items if item.pk in done_ids), len(module.items))
        for module in outline.modules
    }
    return Progress(
        total=len(items),
        done=sum(1 for item in items if item.pk in done_ids),
        done_ids=done_ids,
        next_item=next_item,
        module_progress=module_progress,
    )


def item_context(enrolment, page):
    """What a lesson or quiz page shows around itself: progress, previous and next item."""
    outline = course_outline(enrolment.course)
    progress = course_progress(enrolment, outline)
    items = outline.items
    ids = [item.pk for item in items]
    index = ids.index(page.pk) if page.pk in ids else None
    return {
        "enrolment": enrolment,
        "outline": outline,
        "progress": progress,
        "is_done": page.pk in progress.done_ids,
        "previous_item": items[index - 1] if index else None,
        "next_item": items[index + 1] if index is not None and index + 1 < len(items) else None,
    }


def complete_lesson(enrolment, lesson):
    """Mark a lesson complete (idempotent) and complete the course if that was the last item."""
    try:
        with transaction.atomic():
            LessonCompletion.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    except IntegrityError:
        pass
    return check_completion(enrolment)


def check_completion(enrolment):
    """Complete the course and issue its certificate once every lesson and quiz is done.

    Returns the certificate when the course is complete, else None.
    """
    from certificates.services import issue_certificate

    progress = course_progress(enrolment)
    if not progress.is_complete:
        return None
    if enrolment.completed_at is None:
        now = timezone.now()
        # A conditional update: two racing requests complete the course once.
        Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(completed_at=now)
        enrolment.refresh_from_db(fields=["completed_at"])
    certificate, _ = issue_certificate(enrolment)
    return certificate
