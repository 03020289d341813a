"""Twenty requests completing the same course at once issue one certificate, render one PDF and send
one email. Runs on SQLite and on PostgreSQL (see tests/quizzes/test_concurrency.py)."""

import itertools
import queue
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction

from certificates import models as certificate_models
from certificates.models import Certificate
from courses.factories import make_user
from courses.models import Enrolment, LessonCompletion, LessonPage
from courses.services import check_completion, enrol
from quizzes.factories import make_course
from tests.parallel import PARALLEL, run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
RACERS = 8


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


def test_parallel_issues_that_pick_the_same_status_list_entry_each_get_their_own(monkeypatch):
    """Status list entries are random; when concurrent issues pick the same one, the unique constraint
    lets one have it and the others pick again (certificates.models.Certificate.save). The rows are
    made directly (no PDFs to render): the race is the insert."""
    course = make_course(title=f"Status list race on {connection.vendor}", quiz=False)
    learners = queue.Queue()
    for number in range(RACERS):
        learners.put(make_user(email=f"entry-{number}-{connection.vendor}@example.gov.au"))
    first_picks = set()
    later_picks = itertools.count(1000)
    lock = threading.Lock()

    def pick():
        with lock:
            thread = threading.get_ident()
            if thread not in first_picks:  # every thread's first pick is the same entry
                first_picks.add(thread)
                return 5
            return next(later_picks)

    monkeypatch.setattr(certificate_models, "random_status_list_index", pick)

    def issue():
        learner = learners.get_nowait()
        with transaction.atomic():  # as issue_certificate does
            return Certificate.objects.create(
                user=learner, course=course, learner_name=learner.full_name, course_title=course.title
            ).status_list_index

    indexes, errors = run_in_parallel(issue, count=RACERS)

    assert not errors, errors
    assert len(indexes) == RACERS and len(set(indexes)) == RACERS and 5 in indexes
    entries = list(Certificate.objects.filter(course=course).values_list("status_list", "status_list_index"))
    assert sorted(entries) == sorted((1, index) for index in indexes)  # one entry each, as stored
