"""The test factories build pages as an editor's Publish leaves them (many tests rely on it)."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import JSONField
from wagtail.fields import StreamField
from wagtail.models import Page, PageLogEntry, ReferenceIndex
from wagtail.search.models import IndexEntry
from wagtail.signals import page_published

from courses.factories import add_child, catalogue
from courses.models import CoursePage, LessonPage, ModulePage
from quizzes.factories import make_course, make_quiz, make_single_choice
from quizzes.models import QuizPage, QuizQuestion

pytestmark = pytest.mark.django_db


def index_rows():
    fields = ("content_type", "object_id", "to_content_type", "to_object_id", "content_path")
    return sorted(ReferenceIndex.objects.values_list(*fields))


def test_a_factory_course_is_published_and_in_the_reference_index(course):
    pages = [page.specific for page in Page.objects.descendant_of(course, inclusive=True)]
    assert len(pages) == 4  # course, module, lesson, quiz
    for page in pages:
        assert page.live and not page.has_unpublished_changes
        assert page.live_revision_id == page.latest_revision_id is not None
        assert page.first_published_at is not None

    # The quiz's use of its question is indexed (the admin's delete screens show it), and
    # rebuilding every page's index changes nothing.
    quiz = QuizPage.objects.get()
    question = quiz.questions()[0]
    assert ReferenceIndex.get_references_to(question).filter(object_id=str(quiz.pk)).exists()
    before = index_rows()
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
    assert index_rows() == before


def test_a_factory_course_is_in_the_search_index_once_per_page(course):
    # add_child skips indexing on the saves before the publish; the publish's save indexes each page.
    assert [found.pk for found in CoursePage.objects.live().search("Social media basics")] == [course.pk]
    lesson = LessonPage.objects.descendant_of(course).get()
    assert [found.pk for found in LessonPage.objects.live().search("lesson")] == [lesson.pk]
    assert IndexEntry.objects.filter(object_id=str(lesson.pk)).count() == 1


# --- The factories' shortcut leaves what Wagtail's own Publish of a new page leaves -----------------


def publish_as_editor(parent, page):
    """What the admin's create view does when an editor publishes a new page
    (wagtail/admin/views/pages/create.py, publish_action), without a signed-in user."""
    parent.add_child(instance=page)
    page.save_revision(log_action=True).publish()
    return page


def editor_course(title):
    """The course make_course builds, published page by page through Wagtail's own route."""
    course = publish_as_editor(
        catalogue(),
        CoursePage(title=title, summary=f"About {title}.", learning_outcomes=[("outcome", "Post well")]),
    )
    module = publish_as_editor(course, ModulePage(title="Knowledge module", kind="knowledge"))
    publish_as_editor(
        module,
        LessonPage(
            title="Knowledge lesson 1",
            body=[("text", "<p>Think before you post.</p>"), ("key_takeaways", {"points": ["Pause first"]})],
        ),
    )
    quiz = QuizPage(title="Knowledge module quiz", pass_mark=80)
    quiz.quiz_questions.add(
        QuizQuestion(question=make_single_choice(name="Knowledge module question"), sort_order=0)
    )
    publish_as_editor(module, quiz)
    return course


# What a new page's first revision says of its state (Wagtail serializes it before publishing).
REVISION_STATE = (
    "live",
    "has_unpublished_changes",
    "expired",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "latest_revision",
    "live_revision",
    "draft_title",
    "owner",
    "locale",
    "content_type",
    "depth",
)


def published_state(page):
    """What a published page leaves in the database, without its ids, paths and timestamps."""
    page = Page.objects.get(pk=page.pk).specific
    revision = page.latest_revision
    return {
        "page": (type(page).__name__, page.title, page.draft_title, page.locale_id, page.owner_id),
        "status": (page.live, page.has_unpublished_changes, page.expired, page.locked, page.alias_of_id),
        "tree": (
            page.numchild == page.get_children().count(),
            page.url_path == f"{page.get_parent().url_path}{page.slug}/",
        ),
        "revisions": page.revisions.count(),
        "live revision is the latest": page.live_revision_id == revision.pk,
        "revision": (
            revision.content_type_id,
            revision.base_content_type_id,
            revision.object_str,
            revision.user_id,
            revision.approved_go_live_at,
            sorted(revision.content),
            {key: revision.content[key] for key in REVISION_STATE},
        ),
        "revision shows the page": revision.as_object().title == page.title,
        "times": (
            page.latest_revision_created_at == revision.created_at,
            page.first_published_at == page.last_published_at >= revision.created_at,
        ),
        "history": [
            (
                entry.action,
                entry.label,
                entry.content_changed,
                entry.deleted,
                entry.user_id,
                entry.data,
                entry.revision_id,
            )
            for entry in PageLogEntry.objects.filter(page=page).order_by("timestamp", "pk")
        ],
        "search": list(
            IndexEntry.objects.filter(object_id=str(page.pk)).values_list("content_type", "title", "body")
        ),
        "references": sorted(
            (row[0], row[1], row[2], row[3], re.sub(r"\.\d+\.", ".N.", row[4]))  # a child row's id
            for row in ReferenceIndex.objects.filter(object_id=str(page.pk)).values_list(
                "content_type", "base_content_type", "to_content_type", "model_path", "content_path"
            )
        ),
    }


def without_revision_ids(state):
    """The history names each page's own revision: compare whether an entry has one."""
    return {**state, "history": [(*entry[:-1], entry[-1] is not None) for entry in state["history"]]}


def test_a_factory_course_is_what_publishing_through_wagtail_leaves():
    published = []
    receiver = lambda sender, instance, **kwargs: published.append(instance.pk)  # noqa: E731
    page_published.connect(receiver, weak=False)
    try:
        by_editor = editor_course("Social media basics")
        by_factory = make_course("Social media basics")
    finally:
        page_published.disconnect(receiver)

    editor_pages = list(Page.objects.descendant_of(by_editor, inclusive=True).order_by("path"))
    factory_pages = list(Page.objects.descendant_of(by_factory, inclusive=True).order_by("path"))
    assert len(factory_pages) == len(editor_pages) == 4
    for editor_page, factory_page in zip(editor_pages, factory_pages, strict=True):
        expected, built = published_state(editor_page), published_state(factory_page)
        assert without_revision_ids(built) == without_revision_ids(expected), factory_page
        assert {entry[-1] for entry in built["history"]} - {None} == {
            factory_page.specific.latest_revision_id
        }
    assert sorted(published) == sorted(page.pk for page in editor_pages + factory_pages)  # once each
    assert by_factory.slug == "social-media-basics-2"  # unique among its siblings, as Wagtail makes it


def as_stored(field, page):
    """The field's value as text (a Decimal 0 is "0.0" once stored); JSON as data, since
    PostgreSQL's jsonb does not keep the order of keys."""
    text = field.value_to_string(page)
    return json.loads(text) if isinstance(field, StreamField | JSONField) else text


def test_the_page_a_factory_returns_is_the_one_in_the_database(course):
    # add_child returns the page it saved: it must say what is stored, as a fresh read would.
    stored = Page.objects.get(pk=course.pk).specific
    for field in type(course)._meta.concrete_fields:
        assert as_stored(field, course) == as_stored(field, stored), field.name
    quiz = make_quiz(
        ModulePage.objects.descendant_of(course).get(), title="Second quiz", time_limit_minutes=5
    )
    assert quiz.latest_revision_id == QuizPage.objects.get(pk=quiz.pk).live_revision_id is not None
    assert [question.pk for question in quiz.questions()] == list(
        QuizQuestion.objects.filter(quiz=quiz).values_list("question_id", flat=True)
    )


def test_add_child_validates_the_pages_it_is_given():
    module = ModulePage.objects.get(pk=make_course(quiz=False).get_children().get().pk)
    with pytest.raises(ValidationError):
        add_child(module, QuizPage(title="Random quiz", pass_mark=80, random_count=3))  # no category
    # Nothing was written, and the caller can go on using the database and the module.
    assert not QuizPage.objects.exists()
    assert module.numchild == Page.objects.get(pk=module.pk).numchild == 1
    assert add_child(module, QuizPage(title="Quiz", pass_mark=80)).get_parent().pk == module.pk
