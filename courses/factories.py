"""Builders for tests and demo data (a course tree with modules, lessons and a quiz), and `add_child`,
which the demo and the course loader use too."""

from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from modelcluster.models import ClusterableModel
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import post_save_signal_handler
from treebeard.exceptions import NodeAlreadySaved
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published, published

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
    """Saves of `model` inside do not update the search index (the caller indexes them)."""
    post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        post_save.connect(post_save_signal_handler, sender=model)


def add_child(parent, page, validate=True):
    """Add `page` under `parent`, published: the page, its revision, its history and its search
    and reference index rows are what an editor's first Publish of a new page leaves in the admin
    (tests/courses/test_factories.py compares the two), and the signals of a publish are sent.
    Returns `page` as stored.

    Most tests build a course, so this is much of their set-up time. Wagtail's own route (add_child,
    save_revision, publish) saves the page three times, validates it twice, indexes it three times
    and reads it back from its revision, in ~70 queries; this saves it once with every published
    field already set, then adds its revision, in under 20. What it leaves out does nothing for a page
    that is new: there is no earlier revision, comment, workflow, alias or site pointing at it.

    validate=False skips the model validation an editor's form would run (database look-ups for
    the slug, path, locale and content type among them): for pages a factory builds from its own
    fixed values, which are valid by construction.
    """
    if not page._state.adding:
        raise NodeAlreadySaved("Attempted to add a tree node that is already in the database")
    if page.go_live_at and page.go_live_at > timezone.now():
        raise ValueError("add_child publishes now: a page scheduled for later is not what it builds.")
    with transaction.atomic():  # all or nothing: a caller that catches an error can go on
        children_before = place_under(parent, page)
        page.locale_id = parent.locale_id  # Wagtail's default: the parent's locale
        page._set_core_field_defaults()  # the slug from the title, unique among its siblings
        if validate:
            page.full_clean()
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
        page.live, page.has_unpublished_changes, page.expired = True, False, False
        page.set_url_path(parent)
        # Page.save() less what a new page needs none of (validation is done above; no site has
        # it as its root; its history is written below); ClusterableModel saves its child rows.
        # Its index rows are written below, once the page is published and its child rows saved.
        with disable_reference_index_auto_update(), search_index_updates_skipped(type(page)):
            ClusterableModel.save(page)
        published_at = timezone.now()
        # The revision holds the page as Wagtail's save_revision() serializes a new one (not yet
        # published); then the page is published with it, as revision.publish() leaves it.
        revision = Revision.objects.create(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            content=page.serializable_data(),
            object_str=str(page),
            created_at=published_at,
        )
        Page.objects.filter(pk=page.pk).update(
            latest_revision=revision,
            live_revision=revision,
            latest_revision_created_at=published_at,
            first_published_at=published_at,
            last_published_at=published_at,
        )
        # Read back, as Wagtail's route did: values come back as stored (a Decimal 0 as 0.0).
        page.refresh_from_db()
        log_first_publish(page, revision, published_at)
        ReferenceIndex.create_or_update_for_object(page)
        for backend in get_search_backends(with_auto_update=True):
            backend.add(page)
        # The signals revision.publish() sends (courses.caching bumps the content version).
        page_published.send(sender=type(page), instance=page, revision=revision)
        published.send(sender=type(page), instance=page, revision=revision)
    parent.numchild = children_before + 1  # a caller adding more children reuses `parent`
    return page


def place_under(parent, page):
    """Give the unsaved `page` its place in the tree as the last child of `parent`, as treebeard's
    add_child does (whose save() could not be told to skip validation), and return how many
    children the parent had. The parent's row is locked until the transaction ends, so two pages
    added at once cannot take the same place."""
    locked = Page.objects.select_for_update().only("path", "depth", "numchild").get(pk=parent.pk)
    page.depth = locked.depth + 1
    if locked.numchild:
        page.path = locked.get_last_child()._inc_path()
    else:
        page.path = Page._get_path(locked.path, page.depth, 1)
    page._cached_parent_obj = parent  # get_parent() needs no query
    return locked.numchild


def log_first_publish(page, revision, when):
    """The history the admin's Publish of a new page leaves ("Created", "Edited" with its revision,
    "Published"), in one INSERT: wagtail.log_actions.log() validates and saves each entry alone."""
    context = get_active_log_context()  # a user and action id, as log() takes them, where set
    entry = partial(
        PageLogEntry,
        page=page,
        user=context.user,
        uuid=context.uuid,
        content_type_id=page.content_type_id,
        label=page.get_admin_display_title(),
        timestamp=when,
        data={},
        content_changed=True,
    )
    PageLogEntry.objects.bulk_create(
        [
            entry(action="wagtail.create"),
            entry(action="wagtail.edit", revision=revision),
            entry(action="wagtail.publish", revision=revision),
        ]
    )


def make_course_pages(title="Social media basics", lessons_per_module=1, kinds=("knowledge",)):
    """A published course with one module per kind and its lessons. Returns the CoursePage.
    (quizzes.factories.make_course adds a quiz.) Its pages are built from fixed values: they are
    not validated again (see add_child)."""
    course = add_child(
        catalogue(),
        CoursePage(title=title, summary=f"About {title}.", learning_outcomes=[("outcome", "Post well")]),
        validate=False,
    )
    for kind in kinds:
        module = add_child(course, ModulePage(title=f"{kind.title()} module", kind=kind), validate=False)
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
                validate=False,
            )
    return course
