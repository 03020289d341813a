import pytest

from certificates.models import Certificate
from courses.models import LessonCompletion, LessonPage
from courses.services import complete_lesson, course_outline, course_progress, enrol
from quizzes.factories import make_course

from ..conftest import run_on_commit


@pytest.mark.django_db
def test_enrol_is_idempotent(course, learner):
    assert enrol(learner, course).pk == enrol(learner, course).pk
    assert learner.enrolments.count() == 1


@pytest.mark.django_db
def test_outline_follows_tree_order_and_kinds(learner):
    course = make_course(kinds=("knowledge", "skill", "practice"), lessons_per_module=2)
    outline = course_outline(course)
    assert [m.page.kind for m in outline.modules] == ["knowledge", "skill", "practice"]
    assert [len(m.items) for m in outline.modules] == [2, 2, 3]  # the quiz closes the last module
    assert outline.items[-1].item_type == "quiz"


@pytest.mark.django_db
def test_progress_counts_lessons_and_points_to_the_next_item(learner):
    course = make_course(lessons_per_module=3, quiz=False)
    enrolment = enrol(learner, course)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    complete_lesson(enrolment, lessons[0])
    complete_lesson(enrolment, lessons[0])  # twice: still one completion
    progress = course_progress(enrolment)
    assert (progress.done, progress.total, progress.percent) == (1, 3, 33)
    assert progress.next_item.pk == lessons[1].pk
    assert LessonCompletion.objects.filter(enrolment=enrolment).count() == 1


@pytest.mark.django_db
def test_last_lesson_completes_course_and_issues_one_certificate(learner):
    course = make_course(lessons_per_module=2, quiz=False)
    enrolment = enrol(learner, course)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    assert complete_lesson(enrolment, lessons[0]) is False
    with run_on_commit():
        assert complete_lesson(enrolment, lessons[1]) is True
    assert complete_lesson(enrolment, lessons[1]) is True
    enrolment.refresh_from_db()
    assert enrolment.is_complete
    certificate = Certificate.objects.get(user=learner)  # one, however often it is completed
    assert certificate.pdf.name.endswith(".pdf")


@pytest.mark.django_db
def test_course_page_shows_progress_only_to_the_enrolled(client, course, learner):
    assert b'role="progressbar"' not in client.get(course.url).content
    client.force_login(learner)
    enrol(learner, course)
    html = client.get(course.url).content.decode()
    assert 'aria-valuenow="0"' in html and "0 of 2 items complete" in html
