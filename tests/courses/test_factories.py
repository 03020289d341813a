"""The test factories build pages as an editor's Publish leaves them (many tests rely on it)."""

import pytest
from wagtail.models import Page, ReferenceIndex
from wagtail.search.models import IndexEntry

from courses.models import CoursePage, LessonPage
from quizzes.models import QuizPage

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
