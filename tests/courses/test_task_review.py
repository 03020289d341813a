import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.factories import make_user
from courses.models import LessonPage, TaskSubmission
from courses.services import course_progress, enrol, submit_task
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(learner):
    course = make_course(kinds=("practice",), lessons_per_module=1, quiz=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.requires_approval = True
    lesson.save_revision().publish()
    return submit_task(
        enrol(learner, course), lesson, "<p>My plan: <script>x()</script>two posts a week.</p>"
    )


@pytest.fixture
def trainer(db):
    user = make_user(email="trainer@example.gov.au", full_name="Tara Trainer")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def test_trainer_approves_and_the_lesson_completes(client, trainer, submission):
    sign_in_to_admin(client, trainer)
    listing = client.get(reverse("practice_tasks:index")).content.decode()
    assert submission.enrolment.user.full_name in listing
    page = client.get(reverse("practice_tasks:review", args=[submission.pk])).content.decode()
    assert "two posts a week" in page and "<script>x()" not in page
    response = client.post(reverse("practice_tasks:review", args=[submission.pk]), {"decision": "approve"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == TaskSubmission.Status.APPROVED and submission.reviewer == trainer
    assert course_progress(submission.enrolment).is_complete


def test_asking_for_changes_needs_feedback(client, trainer, submission):
    sign_in_to_admin(client, trainer)
    url = reverse("practice_tasks:review", args=[submission.pk])
    response = client.post(url, {"decision": "changes", "feedback": ""})
    assert "Say what to change" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == TaskSubmission.Status.PENDING
    client.post(url, {"decision": "changes", "feedback": "Add a measure."})
    submission.refresh_from_db()
    assert (
        submission.status == TaskSubmission.Status.CHANGES
        and submission.reviewer_feedback == "Add a measure."
    )


def test_learners_cannot_review(client, other_learner, submission):
    client.force_login(other_learner)
    response = client.get(reverse("practice_tasks:review", args=[submission.pk]))
    assert response.status_code in (302, 403)
    submission.refresh_from_db()
    assert submission.status == TaskSubmission.Status.PENDING
