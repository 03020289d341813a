"""The one gate (courses.access): every learner view that takes a course, lesson, quiz or attempt
id respects the page being live, Wagtail's page privacy (groups, password, login), enrolment and
module locking."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import LessonPage
from courses.services import enrol
from quizzes.models import QuizPage
from quizzes.services import start_attempt

pytestmark = pytest.mark.django_db


def restrict_to_group(page, name="Finance staff"):
    group = Group.objects.create(name=name)
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    return group


def lesson_and_quiz(course):
    return (
        LessonPage.objects.descendant_of(course).get(),
        QuizPage.objects.descendant_of(course).get(),
    )


def learner_actions(course, lesson, quiz):
    """Every id-taking learner POST, as (name, url)."""
    return [
        ("enrol", reverse("courses:enrol", args=[course.pk])),
        ("complete", reverse("courses:complete_lesson", args=[lesson.pk])),
        ("task", reverse("courses:submit_task", args=[lesson.pk])),
        ("retake", reverse("courses:retake", args=[course.pk])),
        ("quiz start", reverse("quizzes:start", args=[quiz.pk])),
    ]


def test_a_course_restricted_to_a_group_is_a_404_for_everyone_else(client, course, learner):
    lesson, quiz = lesson_and_quiz(course)
    restrict_to_group(course)
    client.force_login(learner)
    work = {"text": "My plan for the next four weeks of posts."}
    for name, url in learner_actions(course, lesson, quiz):
        assert client.post(url, work).status_code == 404, name
    assert not learner.enrolments.exists()


def test_members_of_the_group_get_in(client, course, learner):
    lesson, quiz = lesson_and_quiz(course)
    learner.groups.add(restrict_to_group(course))
    client.force_login(learner)
    assert client.post(reverse("courses:enrol", args=[course.pk])).status_code == 302
    assert learner.enrolments.filter(course=course).exists()
    assert client.get(lesson.url).status_code == 200
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302 and "/quizzes/attempts/" in response.url


def test_an_attempt_in_a_course_later_restricted_is_a_404(client, course, learner):
    _, quiz = lesson_and_quiz(course)
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    restrict_to_group(course)
    client.force_login(learner)
    for name in ("quizzes:attempt", "quizzes:autosave", "quizzes:result"):
        method = client.post if name == "quizzes:autosave" else client.get
        assert method(reverse(name, args=[attempt.pk])).status_code == 404, name


def test_a_password_protected_course_sends_actions_to_its_password_form(client, course, learner):
    lesson, quiz = lesson_and_quiz(course)
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="council-2026"
    )
    client.force_login(learner)
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302 and response.url == course.url
    assert not learner.enrolments.exists()
    # The page itself asks for the password (Wagtail's own form).
    assert b"password" in client.get(course.url).content.lower()


def test_privacy_on_a_lesson_alone_is_respected_by_its_actions(client, course, learner):
    lesson, quiz = lesson_and_quiz(course)
    enrolment = enrol(learner, course)
    restrict_to_group(lesson)
    client.force_login(learner)
    assert client.post(reverse("courses:complete_lesson", args=[lesson.pk])).status_code == 404
    assert not enrolment.lesson_completions.exists()
    # Wagtail's own check answers for the page: the learner is sent to sign in as someone allowed.
    assert client.get(lesson.url).status_code == 302


def test_an_unpublished_lesson_or_quiz_is_a_404(client, course, learner):
    lesson, quiz = lesson_and_quiz(course)
    enrol(learner, course)
    lesson.unpublish()
    quiz.unpublish()
    client.force_login(learner)
    assert client.post(reverse("courses:complete_lesson", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).status_code == 404


def test_items_of_an_unpublished_course_are_a_404(client, course, learner):
    lesson, quiz = lesson_and_quiz(course)
    enrol(learner, course)
    course.unpublish()
    client.force_login(learner)
    assert client.post(reverse("courses:complete_lesson", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).status_code == 404


def test_not_enrolled_is_sent_to_the_course_page(client, course, learner):
    lesson, quiz = lesson_and_quiz(course)
    client.force_login(learner)
    for name, url in learner_actions(course, lesson, quiz)[1:]:
        response = client.post(url)
        assert response.status_code == 302 and response.url == course.url, name
    assert client.get(lesson.url).url == course.url


def test_anonymous_visitors_are_sent_to_sign_in(client, course):
    lesson, quiz = lesson_and_quiz(course)
    for name, url in learner_actions(course, lesson, quiz):
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
    assert client.get(lesson.url).url.startswith(reverse("login"))
