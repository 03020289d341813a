"""Twenty requests completing the same course at once issue one certificate, render one PDF and send
one email. Runs on SQLite and on PostgreSQL (see tests/quizzes/test_concurrency.py)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from certificates.models import Certificate
from courses.factories import make_user
from courses.models import Enrolment, LessonCompletion, LessonPage
from courses.services import check_completion, enrol
from quizzes.factories import make_course
from tests.parallel import PARALLEL, run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_parallel_completions_issue_one_certificate():
    course = make_course(title=f"Certificate race on {connection.vendor}", quiz=False)
    learner = make_user(email=f"race-{connection.vendor}@example.gov.au")
    enrolment = enrol(learner, course)
    # Every required item done, recorded without completing the course: the race is the completion.
    LessonCompletion.objects.create(
        enrolment=enrolment, lesson=LessonPage.objects.descendant_of(course).get()
    )
    mail.outbox = []

    def complete():
        return check_completion(Enrolment.objects.select_related("course", "user").get(pk=enrolment.pk))

    completions, errors = run_in_parallel(complete)

    assert not errors, errors
    assert completions == [True] * PARALLEL  # every caller saw the course complete
    certificate = Certificate.objects.get(enrolment=enrolment)  # and exactly one certificate
    assert certificate.render_status == "ready"
    assert certificate.render_attempts == 1  # rendered once
    assert sorted(Path(settings.PRIVATE_MEDIA_ROOT).rglob(f"{certificate.code}*")) == [
        Path(certificate.pdf.path)
    ]
    assert len([m for m in mail.outbox if m.to == [learner.email]]) == 1  # emailed once
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
