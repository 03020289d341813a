"""Tries submitted at the same moment (a double click, two tabs) are all kept, numbered in turn.
Runs on SQLite and on PostgreSQL (where the submission row is locked FOR UPDATE)."""

import pytest
from django.db import connection

from courses.factories import make_user
from courses.models import ModulePage, TaskSubmission
from courses.services import enrol, submit_task
from practice.factories import make_reflection
from quizzes.factories import make_course
from tests.parallel import run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TRIES = 8


def test_parallel_first_tries_are_each_kept_and_numbered():
    course = make_course(
        title=f"Race practice on {connection.vendor}", kinds=("practice",), lessons_per_module=0
    )
    page = make_reflection(ModulePage.objects.child_of(course).get())
    enrolment = enrol(make_user(), course)
    texts = iter(range(TRIES))

    def submit():
        return submit_task(enrolment, page, f"Try {next(texts)}").pk

    results, errors = run_in_parallel(submit, count=TRIES)
    assert not errors, errors
    submission = TaskSubmission.objects.get(enrolment=enrolment, lesson=page)
    assert set(results) == {submission.pk}
    assert submission.tries == TRIES
    assert sorted(submission.records.values_list("number", flat=True)) == list(range(1, TRIES + 1))
    assert len(set(submission.records.values_list("text", flat=True))) == TRIES
