"""A certificate worker that stops mid-render (killed, out of memory, its machine gone) leaves its
task "running" in the database queue for ever, and the learner would read "being prepared" for
ever: `make scale-test` found it by killing a worker mid-render. Once the render is past its time
bound it is queued again, by `render_certificates --stalled` (cron) or the learner's download page."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates.services import (
    STALLED_RENDER_MARGIN,
    issue_certificate,
    requeue_stalled_renders,
    run_render,
)
from courses.factories import make_user
from courses.services import enrol

from ..conftest import run_on_commit

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "certificates": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}


@pytest.fixture(autouse=True)
def database_queue(settings):
    """Certificates queued in the database, as in production, for a worker to claim."""
    settings.TASKS = DATABASE_QUEUE


def claimed_by_a_worker_that_stopped(certificate, seconds_ago):
    task = DBTaskResult.objects.get(args_kwargs__args__0=certificate.pk)
    task.claim("worker-that-stopped")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(seconds=seconds_ago))
    return task


def past_the_time_bound():
    return settings.CERTIFICATE_RENDER_TIMEOUT + STALLED_RENDER_MARGIN.total_seconds() + 1


@pytest.mark.django_db
def test_the_learners_download_page_queues_a_stalled_render_again(learner, course, client):
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(learner, course))
    lost = claimed_by_a_worker_that_stopped(certificate, seconds_ago=past_the_time_bound())
    client.force_login(learner)

    with run_on_commit():
        response = client.get(certificate.get_download_path())

    assert response.status_code == 202  # still being prepared, by another worker now
    lost.refresh_from_db()
    assert lost.status == "FAILED"
    certificate.refresh_from_db()
    assert (certificate.render_status, certificate.render_generation) == ("pending", 2)
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["args"] == [certificate.pk, 2]
    assert run_render(*again.args_kwargs["args"]) == "ready"
    assert run_render(certificate.pk, 1) == "skipped"  # the lost render, had it come back
    assert client.get(certificate.get_download_path())["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_cron_queues_only_renders_past_their_time_bound(learner, course):
    other = make_user(email="other@example.gov.au", full_name="Sam Other")
    with run_on_commit():
        stalled, _ = issue_certificate(enrol(learner, course))
        rendering, _ = issue_certificate(enrol(other, course))
    claimed_by_a_worker_that_stopped(stalled, seconds_ago=past_the_time_bound())
    still_running = claimed_by_a_worker_that_stopped(
        rendering, seconds_ago=settings.CERTIFICATE_RENDER_TIMEOUT
    )
    out = StringIO()

    with run_on_commit():
        call_command("render_certificates", "--stalled", stdout=out)

    assert out.getvalue() == "Queued 1 stalled certificate PDF again.\n"
    stalled.refresh_from_db()
    assert stalled.render_generation == 2
    still_running.refresh_from_db()
    assert still_running.status == "RUNNING"
    assert requeue_stalled_renders() == []  # nothing twice
