"""Rendering off the request path: the task, its retries and time bound, storage, email, reissue."""

import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task_backends

from certificates import pdf as certificates_pdf
from certificates.models import Certificate, CertificateRevision
from certificates.services import (
    CertificateActionError,
    issue_certificate,
    reissue_certificate,
    render_certificate_task,
    request_render,
    revoke_certificate,
    run_render,
)
from courses.services import enrol

from ..conftest import run_on_commit
from .test_pdf import pdf_text

DUMMY_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "certificates": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
}


def stored_files(code):
    return sorted(Path(settings.PRIVATE_MEDIA_ROOT).rglob(f"{code}*"))


@pytest.fixture
def queued(settings):
    """Tasks are queued (the dummy backend), as with a worker in another process."""
    settings.TASKS = DUMMY_TASKS
    backend = task_backends["certificates"]
    backend.clear()
    return backend


@pytest.fixture
def broken_renderer(monkeypatch):
    # Runs in the forked render process, which inherits the patch.
    def broken(html):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr(certificates_pdf, "html_to_pdf", broken)


# Pending, then ready


def test_issue_queues_the_render_after_commit_and_the_pdf_is_pending(
    queued, learner, course, client, django_capture_on_commit_callbacks
):
    enrolment = enrol(learner, course)  # (enrolling has on-commit work of its own: the progress stamp)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate, created = issue_certificate(enrolment)
    assert created
    assert queued.results == []  # nothing is queued before the transaction commits
    # The render, and the learner's progress stamp (My learning keeps their certificates under it).
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert [r.args for r in queued.results] == [[certificate.pk, 1]]
    assert queued.results[0].task.func is render_certificate_task.func

    certificate.refresh_from_db()
    assert certificate.render_status == "pending"
    assert not certificate.pdf
    client.force_login(learner)
    response = client.get(certificate.get_download_path())
    assert response.status_code == 202
    assert "Your certificate is being prepared" in response.content.decode()

    # The worker runs it.
    assert run_render(*queued.results[0].args) == "ready"
    certificate.refresh_from_db()
    assert certificate.render_status == "ready"
    assert certificate.render_attempts == 1
    assert certificate.rendered_at is not None
    assert client.get(certificate.get_download_path())["Content-Type"] == "application/pdf"


def test_immediate_backend_has_it_ready_at_once(certificate):
    assert certificate.render_status == "ready"
    assert certificate.render_attempts == 1
    assert certificate.render_generation == 1
    assert stored_files(certificate.code) == [Path(certificate.pdf.path)]


def test_bounded_renders_warm_the_renderer_once_then_lay_out_in_children(certificate, monkeypatch):
    # The worker lays out a small page itself, once; each certificate is laid out in a forked child,
    # which inherits the loaded fonts and stylesheets instead of loading them again.
    certificates_pdf.warm_up_renderer.cache_clear()
    laid_out_here = []
    real_html_to_pdf = certificates_pdf.html_to_pdf
    monkeypatch.setattr(
        certificates_pdf, "html_to_pdf", lambda html: laid_out_here.append(html) or real_html_to_pdf(html)
    )
    first = certificates_pdf.render_certificate_pdf_bounded(certificate)
    second = certificates_pdf.render_certificate_pdf_bounded(certificate)
    assert laid_out_here == [certificates_pdf.WARM_UP_HTML]
    assert first.startswith(b"%PDF-") and second.startswith(b"%PDF-")
    assert certificate.learner_name in pdf_text(first)


def test_a_second_run_of_the_same_render_changes_nothing(certificate):
    name = certificate.pdf.name
    assert run_render(certificate.pk, certificate.render_generation) == "skipped"
    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    assert certificate.render_attempts == 1


def test_a_superseded_render_writes_nothing(certificate):
    old_generation = certificate.render_generation
    Certificate.objects.filter(pk=certificate.pk).update(render_status="pending", render_generation=5)
    before = stored_files(certificate.code)
    assert run_render(certificate.pk, old_generation) == "skipped"
    assert stored_files(certificate.code) == before


# Failure: retried, then marked failed, never a file


def test_a_render_that_raises_is_retried_then_failed_leaving_no_file(
    broken_renderer, learner, course, client
):
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(learner, course))
    certificate.refresh_from_db()
    assert certificate.render_status == "failed"
    assert certificate.render_attempts == settings.CERTIFICATE_RENDER_MAX_ATTEMPTS == 3
    assert "RuntimeError: the renderer fell over" in certificate.render_error
    assert not certificate.pdf
    assert stored_files(certificate.code) == []
    assert mail.outbox == []
    client.force_login(learner)
    with run_on_commit():
        assert client.get(certificate.get_download_path()).status_code == 503


def test_a_render_past_the_time_bound_is_stopped_retried_and_failed(monkeypatch, settings, learner, course):
    settings.CERTIFICATE_RENDER_TIMEOUT = 0.3
    monkeypatch.setattr(certificates_pdf, "html_to_pdf", lambda html: time.sleep(60))
    started = time.monotonic()
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(learner, course))
    assert time.monotonic() - started < 20  # three bounded attempts, not three minutes
    certificate.refresh_from_db()
    assert certificate.render_status == "failed"
    assert certificate.render_attempts == 3
    assert "longer than 0.3 s" in certificate.render_error
    assert stored_files(certificate.code) == []


def test_a_retry_waits_when_the_backend_can_defer(
    queued, broken_renderer, learner, course, django_capture_on_commit_callbacks
):
    certificate, _ = issue_certificate(enrol(learner, course))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_render(certificate.pk, 1) == "retrying"
    retry = queued.results[-1]
    assert retry.args == [certificate.pk, 1]
    assert retry.task.run_after is not None and retry.task.run_after > timezone.now()
    certificate.refresh_from_db()
    assert certificate.render_status == "pending"  # not failed yet
    assert certificate.render_attempts == 1
    assert "Attempt 1: RuntimeError" in certificate.render_error


def test_a_failed_pdf_renders_again_when_asked(broken_renderer, monkeypatch, learner, course):
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(learner, course))
    monkeypatch.undo()
    with run_on_commit():
        request_render(certificate)
    certificate.refresh_from_db()
    assert certificate.render_status == "ready"
    assert certificate.render_attempts == 1
    assert len(mail.outbox) == 1


# Email


def test_the_pdf_is_emailed_once_when_first_ready(learner, course):
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(learner, course))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert "Social media basics" in message.subject
    assert certificate.get_verify_url() in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("certificate-social-media-basics.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert "Alex Citizen" in pdf_text(content)
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None

    with run_on_commit():
        request_render(certificate)  # rendered again (say the file was lost): no second email
    with run_on_commit():
        issue_certificate(enrol(learner, course))
    assert len(mail.outbox) == 1


def test_a_failed_email_is_not_marked_as_sent(monkeypatch, learner, course):
    def refuse(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(learner, course))
    certificate.refresh_from_db()
    assert certificate.render_status == "ready"
    assert certificate.emailed_at is None


# Revoke and reissue


def test_revoke_records_who_when_and_why(certificate, trainer):
    revoke_certificate(certificate, trainer, "  Completed by someone else  ")
    certificate.refresh_from_db()
    assert certificate.revoked_by == trainer
    assert certificate.revoked_reason == "Completed by someone else"
    assert certificate.status() == "revoked"
    with pytest.raises(CertificateActionError):
        revoke_certificate(certificate, trainer, "again")
    with pytest.raises(CertificateActionError):
        reissue_certificate(certificate, trainer)


def test_revoke_needs_a_reason(certificate, trainer):
    with pytest.raises(CertificateActionError):
        revoke_certificate(certificate, trainer, "  ")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_reissue_keeps_the_code_prints_the_new_name_and_records_history(certificate, learner, trainer):
    code, old_pdf = certificate.code, certificate.pdf.name
    assert "Alex Citizen" in pdf_text(certificate.pdf.open("rb").read())
    learner.full_name = "Alexandra Citizen-Smith"
    learner.save()

    with run_on_commit():
        revision = reissue_certificate(certificate, trainer, "Name corrected at the learner's request")

    certificate.refresh_from_db()
    assert certificate.code == code
    assert certificate.learner_name == "Alexandra Citizen-Smith"
    assert certificate.render_status == "ready"
    assert certificate.render_generation == 2
    assert certificate.pdf.name != old_pdf
    with certificate.pdf.open("rb") as new_pdf:
        text = pdf_text(new_pdf.read())
    assert "Alexandra Citizen-Smith" in text
    assert "Alex Citizen\n" not in text
    assert code in text
    assert list(CertificateRevision.objects.filter(certificate=certificate)) == [revision]
    assert revision.old_learner_name == "Alex Citizen"
    assert revision.new_learner_name == "Alexandra Citizen-Smith"
    assert revision.old_pdf_name == old_pdf
    assert revision.reissued_by == trainer
    assert revision.reason == "Name corrected at the learner's request"
    assert certificate.pdf.storage.exists(old_pdf)  # the old PDF is kept for the record
    assert len(mail.outbox) == 1  # emailed when first ready, not again


def test_rerendering_replaces_the_file_and_removes_the_old_one(certificate):
    old = certificate.pdf.name
    with run_on_commit():
        request_render(certificate)
    certificate.refresh_from_db()
    assert certificate.pdf.name != old
    assert not certificate.pdf.storage.exists(old)
    assert stored_files(certificate.code) == [Path(certificate.pdf.path)]


def test_render_certificates_command_queues_pending_and_failed(certificate, queued):
    Certificate.objects.filter(pk=certificate.pk).update(render_status="failed")
    out = StringIO()
    call_command("render_certificates", stdout=out)
    assert "Queued 0 certificate PDFs" in out.getvalue()
    call_command("render_certificates", "--failed", stdout=out)
    assert "Queued 1 certificate PDF for" in out.getvalue()
    certificate.refresh_from_db()
    assert certificate.render_status == "pending"
    assert certificate.render_generation == 2
