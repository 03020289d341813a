"""Against a real LRS (Ralph): statements arrive as made, in order, once each, even when the LRS
goes away for a while and comes back."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import LessonPage
from courses.services import complete_lesson, enrol, record_visit
from quizzes.factories import correct_option_id, make_course
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt
from xapi.models import Statement
from xapi.services import send_pending

from ..conftest import run_on_commit

pytestmark = pytest.mark.django_db(transaction=False)


def _ours(lrs, rows):
    """What the LRS holds of these rows' statements, in the order it stored them."""
    wanted = {str(row.statement_id) for row in rows}
    return [statement for statement in lrs.statements() if statement["id"] in wanted]


def _without_lrs_fields(statement):
    return {key: value for key, value in statement.items() if key not in ("stored", "authority", "version")}


def test_statements_reach_the_lrs_in_order_and_read_back_the_same(lrs, learner):
    course = make_course(lessons_per_module=2)
    quiz = QuizPage.objects.descendant_of(course).get()
    with run_on_commit():  # each event queues the sender after its commit (immediate in tests)
        enrolment = enrol(learner, course)
        for lesson in LessonPage.objects.descendant_of(course).order_by("path"):
            record_visit(enrolment, lesson)
            complete_lesson(enrolment, lesson)
        attempt = start_attempt(learner, quiz)
        question = attempt.questions[0]
        submit_attempt(attempt, {str(question.pk): correct_option_id(question)})
    rows = list(Statement.objects.order_by("id"))
    assert [row.status for row in rows] == [Statement.Status.SENT] * len(rows)
    stored = _ours(lrs, rows)
    assert [s["id"] for s in stored] == [str(row.statement_id) for row in rows]
    assert [_without_lrs_fields(s) for s in stored] == [row.payload for row in rows]
    assert [s["verb"]["display"]["en-AU"] for s in stored[-3:]] == ["passed", "completed", "earned"]
    assert stored[-3]["result"]["score"] == {"scaled": 1.0, "raw": 1.0, "min": 0.0, "max": 1.0}
    # Each one found again by its id through the LRS's own query.
    assert _without_lrs_fields(lrs.statement(str(rows[-3].statement_id))) == rows[-3].payload


def test_the_queue_waits_while_the_lrs_is_down_and_drains_in_order_without_duplicates(lrs, learner):
    course = make_course(lessons_per_module=3, quiz=False)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    enrolment = enrol(learner, course)
    record_visit(enrolment, lessons[0])
    assert send_pending() == (2, None)
    lrs.stop()
    try:
        with run_on_commit():  # the worker tries at once and fails: nothing is lost
            complete_lesson(enrolment, lessons[0])
            record_visit(enrolment, lessons[1])
        with pytest.raises(CommandError, match="did not take"):
            call_command("send_xapi_statements")
        waiting = list(Statement.objects.exclude(status=Statement.Status.SENT).order_by("id"))
        assert len(waiting) == 2
        assert all(row.status == Statement.Status.RETRYING and row.last_error for row in waiting)
        assert waiting[0].attempts >= 2  # the worker's try and the command's
        complete_lesson(enrolment, lessons[1])
    finally:
        lrs.start()
    # A statement the LRS took, but whose answer never arrived, is sent again: the LRS keeps one.
    Statement.objects.filter(pk=Statement.objects.order_by("id").first().pk).update(
        status=Statement.Status.RETRYING
    )
    call_command("send_xapi_statements")
    rows = list(Statement.objects.order_by("id"))
    assert all(row.status == Statement.Status.SENT for row in rows)
    stored = _ours(lrs, rows)
    assert [s["id"] for s in stored] == [str(row.statement_id) for row in rows]  # in order, once each
    assert [s["verb"]["display"]["en-AU"] for s in stored] == [
        "registered",
        "experienced",
        "completed",
        "experienced",
        "completed",
    ]
