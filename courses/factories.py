"""Builders for tests and demo data: a course tree with modules, lessons and a quiz."""

from contextlib import contextmanager

from django.db.models.signals import post_save
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Page
from wagtail.signal_handlers import disable_reference_index_auto_update

from lms.models import User
from lms.services import mark_email_verified

from .models import CourseIndexPage, CoursePage, LessonPage, ModulePage


def make_user(
    email="learner@example.gov.au",
    full_name="Alex Citizen",
    password="a-Long-pass-phrase-42",  # noqa: S107 - test data
    email_verified=True,
    role_confirmed=None,
    **extra,
):
    """A user whose email address is confirmed (unless email_verified=False). A role given here
    is confirmed too, as an administrator would set it (role_confirmed=False leaves it a claim)."""
    if "role" in extra and (role_confirmed if role_confirmed is not None else True):
        extra.setdefault("role_status", User.RoleStatus.CONFIRMED)
    user = User.objects.create_user(email=email, password=password, full_name=full_name, **extra)
    if email_verified:
        mark_email_verified(user)
    return user


def catalogue():
    return CourseIndexPage.objects.get()


@contextmanager
def search_index_updates_skipped(model):
    """Saves of `model` inside do not update the search index (a later save does)."""
    post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        post_save.connect(post_save_signal_handler, sender=model)


def add_child(parent, page):
    """Add `page` under `parent` and publish it, as an editor's first Publish does. Wagtail rebuilds
    a page's reference index and search index entry on every save; the publish saves the page
    last, so the two saves before it (adding it, saving its revision) skip both, and the revision
    is not validated again (adding the page validated it). Most tests build a course: this is much
    of their time."""
    with disable_reference_index_auto_update(), search_index_updates_skipped(type(page)):
        parent.add_child(instance=page)
        revision = page.save_revision(clean=False)
    revision.publish()
    return Page.objects.get(pk=page.pk).specific


def make_course_pages(title="Social media basics", lessons_per_module=1, kinds=("knowledge",)):
    """A published course with one module per kind and its lessons. Returns the CoursePage.
    (quizzes.factories.make_course adds a quiz.)"""
    course = add_child(
        catalogue(),
        CoursePage(title=title, summary=f"About {title}.", learning_outcomes=[("outcome", "Post well")]),
    )
    for kind in kinds:
        module = add_child(course, ModulePage(title=f"{kind.title()} module", kind=kind))
        for number in range(1, lessons_per_module + 1):
            add_child(
                module,
                LessonPage(
                    title=f"{kind.title()} lesson {number}",
                    body=[
                        ("text", "<p>Think before you post.</p>"),
                        ("key_takeaways", {"points": ["Pause first"]}),
                    ],
                ),
            )
    return course
