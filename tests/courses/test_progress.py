"""Completion rules: required items, module order, practice tasks approved by trainers, resume."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from courses.factories import make_user
from courses.models import LessonPage, ModulePage, TaskSubmission
from courses.services import (
    TaskNeedsApproval,
    complete_lesson,
    course_progress,
    enrol,
    review_task,
    submit_task,
)
from lms.sanitise import learner_html
from quizzes.factories import make_course

pytestmark = pytest.mark.django_db


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def test_optional_lessons_do_not_block_completion(learner):
    course = make_course(lessons_per_module=2, quiz=False)
    first, optional = lessons_of(course)
    optional.required = False
    optional.save_revision().publish()
    enrolment = enrol(learner, course)
    assert course_progress(enrolment).total == 1
    assert complete_lesson(enrolment, first) is True  # the course is complete
    assert Certificate.objects.filter(user=learner).count() == 1


def test_sequential_modules_lock_until_the_previous_one_is_complete(client, learner):
    course = make_course(kinds=("knowledge", "skill"), lessons_per_module=1, quiz=False)
    course.sequential_modules = True
    course.save_revision().publish()
    first, second = lessons_of(course)
    enrolment = enrol(learner, course)
    client.force_login(learner)

    response = client.get(second.url)
    assert response.status_code == 403
    assert "unlocks when you complete the module “Knowledge module”" in response.content.decode()
    page = client.get(course.url).content.decode()
    assert "Locked: complete “Knowledge module” first." in page
    # Posting completion for a locked lesson is refused too.
    client.post(reverse("courses:complete_lesson", args=[second.pk]))
    assert second.pk not in course_progress(enrolment).done_ids

    complete_lesson(enrolment, first)
    assert client.get(second.url).status_code == 200


def test_resume_goes_to_the_last_lesson_opened(client, learner):
    course = make_course(lessons_per_module=3, quiz=False)
    first, second, third = lessons_of(course)
    enrol(learner, course)
    client.force_login(learner)
    client.get(third.url)
    html = client.get(course.url).content.decode()
    assert f"Continue where you left off: {third.title}" in html
    assert "(lesson, viewed)" in html
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert third.url in dashboard


def test_practice_task_needs_a_trainers_approval(client, learner):
    course = make_course(kinds=("practice",), lessons_per_module=1, quiz=False)
    task = lessons_of(course)[0]
    task.requires_approval = True
    task.task_prompt = "<p>Write your posting plan.</p>"
    task.save_revision().publish()
    enrolment = enrol(learner, course)
    with pytest.raises(TaskNeedsApproval):
        complete_lesson(enrolment, task)

    client.force_login(learner)
    response = client.post(reverse("courses:submit_task", args=[task.pk]), {"text": "too short"})
    assert response.status_code == 400
    assert "Write at least a few sentences" in response.content.decode()
    assert not TaskSubmission.objects.exists()

    text = (
        '<p onclick="x()">My plan: post twice a week.</p><script>alert(1)</script>'
        '<a href="javascript:x">l</a>'
    )
    client.post(reverse("courses:submit_task", args=[task.pk]), {"text": text})
    submission = TaskSubmission.objects.get()
    assert submission.text == text  # stored as typed; cleaned where it is shown
    shown = str(learner_html(submission.text))
    assert "<script" not in shown and "onclick" not in shown
    assert "javascript:" not in shown and "My plan: post twice a week." in shown
    assert "Waiting for review" in client.get(task.url).content.decode()
    assert course_progress(enrolment).done == 0

    trainer = make_user(email="trainer@example.gov.au", full_name="Tess Trainer")
    review_task(submission, trainer, approve=False, feedback="Add how you will measure it.")
    assert "Add how you will measure it." in client.get(task.url).content.decode()
    submit_task(enrolment, task, "<p>My plan, now with a measure: replies within two hours.</p>")
    assert review_task(TaskSubmission.objects.get(), trainer, approve=True) is True
    assert course_progress(enrolment).is_complete


def test_learner_text_is_kept_as_typed_and_cleaned_when_shown(client, learner):
    course = make_course(kinds=("practice",), lessons_per_module=1, quiz=False)
    task = lessons_of(course)[0]
    task.requires_approval = True
    task.save_revision().publish()
    enrolment = enrol(learner, course)
    typed = "Reach < 5% & falling: we need > 2 posts a week.\n\nSecond paragraph."
    submission = submit_task(enrolment, task, typed)
    assert TaskSubmission.objects.get(pk=submission.pk).text == typed
    client.force_login(learner)
    # The learner's own form shows it once escaped, never twice.
    html = client.get(task.url).content.decode()
    assert "Reach &lt; 5% &amp; falling: we need &gt; 2 posts a week." in html
    assert "&amp;lt;" not in html and "&amp;amp;" not in html
    # Shown as HTML (the trainer's review), it keeps its paragraphs and its characters.
    assert str(learner_html(typed)) == (
        "<p>Reach &lt; 5% &amp; falling: we need &gt; 2 posts a week.</p>\n\n<p>Second paragraph.</p>"
    )


def test_module_progress_counts_required_items(learner):
    course = make_course(kinds=("knowledge", "skill"), lessons_per_module=2, quiz=False)
    enrolment = enrol(learner, course)
    complete_lesson(enrolment, lessons_of(course)[0])
    modules = list(ModulePage.objects.child_of(course))
    progress = course_progress(enrolment)
    assert (progress.module_progress[modules[0].pk].done, progress.module_progress[modules[0].pk].total) == (
        1,
        2,
    )
    assert progress.module_progress[modules[1].pk].done == 0
