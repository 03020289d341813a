"""My learning lists the learner's practice work a trainer has reviewed (changes requested,
approved) or still has to, each with a link to its lesson; never anyone else's."""

import pytest
from django.urls import reverse

from courses.factories import make_user
from courses.models import LessonPage
from courses.services import enrol, review_task, submit_task
from quizzes.factories import make_course

pytestmark = pytest.mark.django_db


def task_lessons(title, count):
    course = make_course(title=title, kinds=("practice",), lessons_per_module=count, quiz=False)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    for lesson in lessons:
        lesson.requires_approval = True
        lesson.save_revision().publish()
    return course, lessons


def section(html):
    assert 'id="practice-work"' in html, "no practice work section"
    return html.split('id="practice-work"')[1].split("</ul>")[0]


def test_my_learning_shows_reviews_of_practice_work(client, learner, other_learner):
    trainer = make_user(email="trainer@example.gov.au", full_name="Tara Trainer")
    course, (approved, changes, waiting) = task_lessons("Practice course", 3)
    enrolment = enrol(learner, course)
    review_task(submit_task(enrolment, approved, "My plan"), trainer, approve=True, feedback="Well argued.")
    review_task(
        submit_task(enrolment, changes, "Draft"),
        trainer,
        approve=False,
        feedback="Add <b>a</b> hashtag plan.",
    )
    submit_task(enrolment, waiting, "Still waiting")
    other_course, (theirs,) = task_lessons("Their course", 1)
    review_task(submit_task(enrol(other_learner, other_course), theirs, "x"), trainer, approve=True)

    client.force_login(learner)
    work = section(client.get(reverse("dashboard")).content.decode())
    # Changes requested comes first: it needs the learner.
    assert work.index(changes.title) < work.index(waiting.title) < work.index(approved.title)
    assert "Changes requested</span>" in work and "Approved</span>" in work and "Waiting for review" in work
    for lesson in (approved, changes, waiting):
        assert f'href="{lesson.url}"' in work
    assert "Well argued." in work
    assert "Add &lt;b&gt;a&lt;/b&gt; hashtag plan." in work  # trainer text escaped
    assert "submit again" in work
    assert f'href="{theirs.url}"' not in work and "Their course" not in work


def test_no_section_without_practice_work(client, learner):
    client.force_login(learner)
    assert 'id="practice-work"' not in client.get(reverse("dashboard")).content.decode()


def test_resubmitting_after_changes_shows_it_waiting(client, learner):
    trainer = make_user(email="trainer@example.gov.au", full_name="Tara Trainer")
    course, (lesson,) = task_lessons("Practice course", 1)
    enrolment = enrol(learner, course)
    review_task(submit_task(enrolment, lesson, "Draft"), trainer, approve=False, feedback="More detail.")
    submit_task(enrolment, lesson, "Second draft")
    client.force_login(learner)
    work = section(client.get(reverse("dashboard")).content.decode())
    assert "Waiting for review" in work and "Changes requested" not in work and "More detail." not in work
