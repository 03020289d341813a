"""My learning: courses with progress, due dates, overdue marks, certificates, recent activity,
renewal; in a number of queries that does not grow with enrolments, lessons or attempts."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Assignment, LessonPage
from courses.services import complete_lesson, course_progress, enrol
from quizzes.factories import correct_option_id, make_course
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt

pytestmark = pytest.mark.django_db


def finish(enrolment):
    course = enrolment.course
    for lesson in LessonPage.objects.descendant_of(course):
        complete_lesson(enrolment, lesson)
    for quiz in QuizPage.objects.descendant_of(course):
        attempt = start_attempt(enrolment.user, quiz)
        submit_attempt(attempt, {str(q.pk): correct_option_id(q) for q in attempt.questions})


def test_dashboard_shows_due_dates_overdue_certificates_and_activity(client, learner):
    late = make_course(title="Late course", quiz=False)
    soon = make_course(title="Soon course", quiz=False)
    done = make_course(title="Done course")
    Assignment.objects.create(
        enrolment=enrol(learner, late), due_date=timezone.localdate() - timedelta(days=3)
    )
    Assignment.objects.create(
        enrolment=enrol(learner, soon), due_date=timezone.localdate() + timedelta(days=10)
    )
    finish(enrol(learner, done))
    client.force_login(learner)
    html = client.get(reverse("dashboard")).content.decode()
    assert "1 assigned course is overdue." in html
    assert "Overdue:</strong> was due" in html
    assert "Assigned, due" in html
    assert html.index("Late course") < html.index("Soon course") < html.index("Done course")
    assert "Earned the certificate for “Done course”" in html
    assert "Scored 100% on" in html
    assert Certificate.objects.get(user=learner).get_download_path() in html


def test_dashboard_queries_do_not_grow(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    enrol(learner, make_course(title="One", lessons_per_module=1))
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("dashboard"))
    for n in range(3):  # a query per course, module or lesson would show at once
        course = make_course(
            title=f"More {n}", kinds=("knowledge", "skill", "practice"), lessons_per_module=2
        )
        enrolment = enrol(learner, course)
        finish(enrolment) if n % 2 else None
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("dashboard"))
    assert response.content.decode().count('role="progressbar"') == 4


def test_course_and_lesson_page_queries_do_not_grow_with_lessons(
    client, learner, django_assert_max_num_queries
):
    client.force_login(learner)
    small = make_course(title="Small", lessons_per_module=1)
    big = make_course(title="Big", kinds=("knowledge", "skill", "practice"), lessons_per_module=4)
    enrol(learner, small), enrol(learner, big)
    finish(enrol(learner, small))
    counts = {}
    for course in (small, big):
        lesson = LessonPage.objects.descendant_of(course).first()
        cache.clear()  # both measured cold: finishing Small above left its outline and progress cached
        with django_assert_max_num_queries(70) as queries:  # a ceiling; the test is that they don't grow
            client.get(course.url)
            client.get(lesson.url)
        counts[course.title] = len(queries.captured_queries)
    assert counts["Big"] <= counts["Small"], counts


def test_recertification_with_time_travel(client, learner, mailoutbox):
    course = make_course(title="Renew yearly", quiz=False)
    course.renewal_months = 12
    course.save_revision().publish()
    with time_machine.travel(date(2026, 1, 15), tick=False):
        enrolment = enrol(learner, course)
        finish(enrolment)
        first = Certificate.objects.get(user=learner)
        assert first.expires_at.date() == date(2027, 1, 15)
    client.force_login(learner)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        assert b"Renew: retake this course" not in client.get(reverse("dashboard")).content
    with time_machine.travel(date(2027, 2, 1), tick=False):
        client.force_login(learner)  # the old session has expired by now
        html = client.get(reverse("dashboard")).content.decode()
        assert "expired 15 January 2027" in html and "Renew: retake this course" in html
        verify = client.get(first.get_verify_path()).content.decode()
        assert "Status: expired" in verify and "15 January 2027" in verify  # still verifiable, with dates
        client.post(reverse("courses:retake", args=[course.pk]))
        enrolment.refresh_from_db()
        assert enrolment.cycle == 2 and enrolment.completed_at is None
        assert course_progress(enrolment).done == 0  # progress starts again
        finish(enrolment)
        second = Certificate.objects.get(user=learner, cycle=2)
        assert second.code != first.code and second.expires_at.date() == date(2028, 2, 1)
        assert Certificate.objects.filter(user=learner).count() == 2
