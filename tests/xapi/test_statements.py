"""Learning events become xAPI statements in the outbox, once each, in the event's transaction."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks import task_backends

from certificates.models import Certificate
from certificates.services import reinstate_certificate, revoke_certificate
from courses.factories import make_user
from courses.models import LessonPage
from courses.services import complete_lesson, enrol, record_visit, review_task, submit_task
from quizzes.factories import correct_option_id, make_course, make_quiz, make_single_choice, wrong_option_id
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt
from xapi.models import Statement
from xapi.services import outbox_counts, send_pending, send_statements_task

from ..conftest import run_on_commit

pytestmark = pytest.mark.django_db

SITE = "http://testserver.example"


@pytest.fixture
def site(xapi_on):
    xapi_on.SITE_BASE_URL = SITE
    return xapi_on


def verbs():
    return list(Statement.objects.order_by("id").values_list("verb", flat=True))


def test_nothing_is_recorded_while_xapi_is_off(settings, learner, course):
    settings.XAPI_LRS_URL = ""
    enrol(learner, course)
    assert not Statement.objects.exists()


def test_enrolment_is_registered_once_with_an_account_actor_and_id_based_activity(site, learner, course):
    enrolment = enrol(learner, course)
    enrol(learner, course)  # enrolling again is not a new event
    row = Statement.objects.get()
    body = row.payload
    assert body["id"] == str(row.statement_id)
    assert body["verb"]["id"] == "http://adlnet.gov/expapi/verbs/registered"
    assert body["actor"] == {"objectType": "Agent", "account": {"homePage": SITE, "name": str(learner.pk)}}
    assert learner.email not in str(body)  # the account form: no email address leaves the site
    assert body["object"]["id"] == f"{SITE}/xapi/activities/course/{course.pk}"
    assert body["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    # Renaming the course keeps its activity id (ids, not slugs or titles).
    course.title, course.slug = "Renamed", "renamed"
    course.save_revision().publish()
    enrolment.refresh_from_db()
    assert body["context"]["registration"]
    assert row.status == Statement.Status.PENDING


def test_lessons_viewed_once_and_completed_once(site, learner):
    course = make_course(lessons_per_module=2, quiz=False)
    enrolment = enrol(learner, course)
    first, second = LessonPage.objects.descendant_of(course).order_by("path")
    record_visit(enrolment, first)
    record_visit(enrolment, first)
    complete_lesson(enrolment, first)
    complete_lesson(enrolment, first)
    complete_lesson(enrolment, second)  # completes the course
    assert verbs() == ["registered", "experienced", "completed", "completed", "completed", "earned"]
    rows = list(Statement.objects.order_by("id"))
    assert rows[2].payload["object"]["id"] == f"{SITE}/xapi/activities/lesson/{first.pk}"
    assert rows[2].payload["context"]["contextActivities"]["parent"][0]["id"].endswith(f"/course/{course.pk}")
    assert rows[4].payload["object"]["id"] == f"{SITE}/xapi/activities/course/{course.pk}"
    # The course is checked again on later visits: still one course completion.
    complete_lesson(enrolment, second)
    assert Statement.objects.count() == 6


def test_quiz_attempted_answered_and_passed_or_failed_with_scores(site, learner):
    course = make_course(quiz=False)
    module = course.get_children().last().specific
    questions = [make_single_choice(name="One"), make_single_choice(name="Two")]
    quiz = make_quiz(module, questions=questions, pass_mark=80)
    quiz = QuizPage.objects.get(pk=quiz.pk)
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    submit_attempt(
        attempt,
        {
            str(questions[0].pk): correct_option_id(questions[0]),
            str(questions[1].pk): wrong_option_id(questions[1]),
        },
    )
    assert verbs() == ["registered", "attempted", "answered", "answered", "failed"]
    rows = list(Statement.objects.order_by("id"))
    right, wrong, result = rows[2].payload, rows[3].payload, rows[4].payload
    assert right["object"]["id"] == f"{SITE}/xapi/activities/question/{questions[0].pk}"
    assert right["result"]["success"] is True and wrong["result"]["success"] is False
    assert (
        right["context"]["contextActivities"]["parent"][0]["id"] == f"{SITE}/xapi/activities/quiz/{quiz.pk}"
    )
    assert result["object"]["id"] == f"{SITE}/xapi/activities/quiz/{quiz.pk}"
    assert result["result"]["success"] is False
    assert result["result"]["score"] == {"scaled": 0.5, "raw": 1.0, "min": 0.0, "max": 2.0}
    submit_attempt(attempt, {})  # a repeat submit is not a new attempt
    assert Statement.objects.count() == 5
    second = start_attempt(learner, quiz)
    submit_attempt(second, {str(q.pk): correct_option_id(q) for q in questions})
    passed = Statement.objects.order_by("id").filter(verb="passed").get().payload
    assert passed["result"]["score"]["scaled"] == 1.0 and passed["result"]["success"] is True
    assert passed["context"]["registration"] == result["context"]["registration"]


def test_practice_submitted_and_approved_by_a_trainer(site, learner):
    course = make_course(kinds=("practice",), quiz=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.requires_approval = True
    lesson.save_revision().publish()
    trainer = make_user(email="trainer@example.gov.au", full_name="Tara Trainer")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    submission = submit_task(enrol(learner, course), lesson, "<p>Two posts a week.</p>")
    review_task(submission, trainer, approve=False, feedback="More detail")
    submission = submit_task(submission.enrolment, lesson, "<p>Two posts a week, on Tuesdays.</p>")
    review_task(submission, trainer, approve=True)
    assert verbs() == [
        "registered",
        "submitted",
        "submitted",
        "satisfied",
        "completed",
        "completed",
        "earned",
    ]
    approved = Statement.objects.get(verb="satisfied").payload
    assert approved["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/satisfied"
    assert approved["context"]["instructor"]["account"]["name"] == str(trainer.pk)
    assert "Two posts" not in str(Statement.objects.values_list("payload", flat=True))  # no learner text


def test_certificate_earned_and_lost_when_revoked(site, learner, admin_user):
    course = make_course(quiz=False)
    enrolment = enrol(learner, course)
    with run_on_commit():
        complete_lesson(enrolment, LessonPage.objects.descendant_of(course).get())
    certificate = Certificate.objects.get()
    revoke_certificate(certificate, admin_user, "Issued in error")
    assert verbs()[-3:] == ["completed", "earned", "lost"]
    lost = Statement.objects.get(verb="lost").payload
    assert lost["object"]["id"] == f"{SITE}/xapi/activities/certificate/{certificate.pk}"
    assert lost["context"]["instructor"]["account"]["name"] == str(admin_user.pk)


def test_reinstating_voids_that_revocations_statement_and_a_new_revocation_is_sent_again(
    site, learner, admin_user
):
    course = make_course(quiz=False)
    enrolment = enrol(learner, course)
    with run_on_commit():
        complete_lesson(enrolment, LessonPage.objects.descendant_of(course).get())
    certificate = Certificate.objects.get()
    revoke_certificate(certificate, admin_user, "Issued in error")
    first_lost = Statement.objects.get(verb="lost")
    reinstate_certificate(certificate, admin_user)
    revoke_certificate(certificate, admin_user, "Plagiarised the practice work")
    reinstate_certificate(certificate, admin_user)

    assert verbs()[-5:] == ["earned", "lost", "voided", "lost", "voided"]
    lost = list(Statement.objects.filter(verb="lost").order_by("id"))
    voided = [row.payload for row in Statement.objects.filter(verb="voided").order_by("id")]
    # each voiding statement points at its own revocation's statement, in the form xAPI reserves
    assert [v["object"] for v in voided] == [
        {"objectType": "StatementRef", "id": str(row.statement_id)} for row in lost
    ]
    assert lost[0] == first_lost
    assert voided[0]["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert voided[0]["actor"]["account"]["name"] == str(admin_user.pk)  # who undid it
    assert "context" not in voided[0]  # no context.platform with a StatementRef object


def test_reinstating_a_revocation_the_lrs_never_heard_of_sends_nothing(settings, site, learner, admin_user):
    course = make_course(quiz=False)
    enrolment = enrol(learner, course)
    with run_on_commit():
        complete_lesson(enrolment, LessonPage.objects.descendant_of(course).get())
    certificate = Certificate.objects.get()
    settings.XAPI_LRS_URL = ""
    revoke_certificate(certificate, admin_user, "Issued in error")
    settings.XAPI_LRS_URL = "http://127.0.0.1:9/xAPI"
    reinstate_certificate(certificate, admin_user)
    assert verbs()[-1] == "earned"


def test_an_unreachable_lrs_keeps_everything_pending_and_counts_the_try(site, learner, course):
    enrol(learner, course)
    sent, error = send_pending()
    assert sent == 0 and "Error" in str(type(error).__name__)
    row = Statement.objects.get()
    assert row.status == Statement.Status.RETRYING and row.attempts == 1 and row.last_error
    assert outbox_counts()["retrying"] == 1


def test_the_worker_queues_itself_again_later_while_the_lrs_is_down(site, learner, course):
    """With a queue that can defer (the database one in production), a failed send is tried again
    after the first delay; the event itself queued the first send after its commit."""
    site.TASKS = {**site.TASKS, "xapi": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["xapi"]
    backend.clear()
    with run_on_commit():
        enrol(learner, course)
    assert [result.task.run_after for result in backend.results] == [None]
    before = timezone.now()
    with run_on_commit():
        assert send_statements_task.call() == 0  # what the worker runs: the LRS is not there
    retry = backend.results[-1]
    assert len(backend.results) == 2 and retry.task.func is send_statements_task.func
    assert before + timedelta(seconds=9) < retry.task.run_after < timezone.now() + timedelta(seconds=11)
    assert Statement.objects.get().attempts == 1
