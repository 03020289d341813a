"""Issuing certificates, rendering and storing their PDFs, and what trainers do with them.

Certificates are issued when courses says a course is completed (the course_completed signal,
connected in apps.py), and only to a learner whose email address is confirmed: a completion by a
learner who has not confirmed it waits, and its certificate is issued when the address is
confirmed (allauth's email_confirmed signal, also connected in apps.py). The PDF is rendered off
the request path: `issue_certificate` stores the site's address as the request sees it
(Certificate.base_url, lms/site_url.py: the PDF and its email link there) and enqueues
`render_certificate_task` (always after the transaction commits, so a worker in another process
finds the row), which calls `run_render` once per attempt. Each attempt renders in a child
process with a time bound; the bytes are written to
storage under a new name only when they are complete, then the row is switched to that file. A
failed attempt writes nothing and is retried up to CERTIFICATE_RENDER_MAX_ATTEMPTS times, then the
certificate is marked failed.
"""

import logging
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from courses.models import Enrolment
from courses.services import add_months
from lms.emails import render_email
from lms.exports import ChunkSink
from lms.models import Organisation
from lms.services import email_is_verified
from lms.site_url import absolute_url, base_url_to_store

from .models import Certificate, CertificateRevision, CertificateTemplate
from .pdf import render_certificate_pdf_bounded
from .signals import certificate_issued, certificate_reinstated, certificate_revoked

logger = logging.getLogger(__name__)

RETRY_DELAY = timedelta(seconds=15)  # times the attempt number, when the backend can defer
# A render stops at CERTIFICATE_RENDER_TIMEOUT; one a worker claimed longer ago than that plus this
# margin lost its worker (killed, out of memory, machine gone) and will never finish on its own.
STALLED_RENDER_MARGIN = timedelta(seconds=30)


def download_filename(certificate):
    """An ASCII file name for the PDF: certificate-social-media-basics.pdf."""
    slug = slugify(certificate.course_title)[:60].strip("-") or "course"
    return f"certificate-{slug}.pdf"


# --- Issuing ------------------------------------------------------------------------------------------


def issue_certificate(enrolment):
    """Issue the certificate for the enrolment's current cycle exactly once, and queue its PDF.

    Returns (certificate, created); (None, False) while the learner's email address is not
    confirmed (issue_waiting_certificates issues it once it is). The councillor wording is used
    only for a councillor whose role was confirmed (User.is_councillor). The PDF is rendered by a
    background task; until it is stored the certificate's render_status is "pending".
    """
    existing = Certificate.objects.filter(enrolment=enrolment, cycle=enrolment.cycle).first()
    if existing:
        return existing, False
    user = enrolment.user
    if not email_is_verified(user):
        return None, False
    course = enrolment.course
    now = timezone.now()
    kind = CertificateTemplate.Kind.COUNCILLOR if user.is_councillor else CertificateTemplate.Kind.STANDARD
    template = CertificateTemplate.objects.filter(kind=kind, is_default=True).first()
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                enrolment=enrolment,
                cycle=enrolment.cycle,
                user=user,
                course=course,
                learner_name=user.full_name,
                course_title=course.title,
                is_councillor=user.is_councillor,
                **council_of(user),
                expires_at=renewal_due(enrolment, now),
                cpd_hours=course.cpd_hours if course.cpd_hours and course.cpd_hours > 0 else 0,
                template=template,
                base_url=base_url_to_store(),
                render_status=Certificate.RenderStatus.PENDING,
                render_generation=1,
            )
            certificate_issued.send(sender=Certificate, certificate=certificate)
    except IntegrityError:  # a concurrent completion issued it first
        return Certificate.objects.get(enrolment=enrolment, cycle=enrolment.cycle), False
    schedule_render(certificate.pk, certificate.render_generation)
    return certificate, True


def council_of(user):
    """{"organisation", "organisation_name"} to print on a confirmed councillor's certificate:
    their organisation when it is a council; empty for everyone else."""
    organisation = user.organisation if user.is_councillor else None
    if organisation is None or organisation.kind != Organisation.Kind.COUNCIL:
        return {"organisation": None, "organisation_name": ""}
    return {"organisation": organisation, "organisation_name": organisation.name}


def renewal_due(enrolment, now):
    """When the certificate expires: the enrolment's renewal date, set when the course was
    completed (or, for a certificate issued otherwise, the course's renewal period from now)."""
    months = enrolment.course.renewal_months
    if not months:
        return None
    return enrolment.renewal_due_at or add_months(now, months)


def issue_on_completion(sender, enrolment, **kwargs):
    """Receiver of courses.signals.course_completed."""
    issue_certificate(enrolment)


def waiting_for_email(user):
    """Completed enrolments (current cycle) with no certificate yet: the ones a confirmed email
    address would release. Empty when the address is confirmed."""
    if email_is_verified(user):
        return Enrolment.objects.none()
    return _completed_without_certificate(user)


def _completed_without_certificate(user):
    issued = Certificate.objects.filter(enrolment=OuterRef("pk"), cycle=OuterRef("cycle"))
    return (
        Enrolment.objects.filter(user=user, completed_at__isnull=False)
        .exclude(Exists(issued))
        .select_related("course", "user")
    )


def issue_waiting_certificates(user):
    """Issue the certificates a learner earned before their email address was confirmed.
    Returns the certificates issued now."""
    if not email_is_verified(user):
        return []
    issued = []
    for enrolment in _completed_without_certificate(user):
        certificate, created = issue_certificate(enrolment)
        if created:
            issued.append(certificate)
    return issued


def issue_on_email_confirmed(sender, request, email_address, **kwargs):
    """Receiver of allauth's email_confirmed."""
    if email_address.user_id:
        issue_waiting_certificates(email_address.user)


# --- Rendering ----------------------------------------------------------------------------------------


TASK_BACKEND = "certificates"  # the database queue; a worker runs `db_worker --backend certificates`


@task(backend=TASK_BACKEND)
def render_certificate_task(certificate_id: int, generation: int) -> str:
    """Render and store one certificate's PDF (one attempt; it re-enqueues itself to retry).
    Arguments are plain ids, never model instances."""
    return run_render(certificate_id, generation)


def schedule_render(certificate_id, generation, attempt=0):
    """Enqueue a render once the current transaction commits (at once outside a transaction)."""
    task_to_run = render_certificate_task
    if attempt and task_to_run.get_backend().supports_defer:
        task_to_run = task_to_run.using(run_after=timezone.now() + RETRY_DELAY * attempt)
    transaction.on_commit(lambda: task_to_run.enqueue(certificate_id, generation), robust=True)


def request_render(certificate):
    """Render the certificate's PDF again (a new generation supersedes any render in flight), with
    the site's address as the request asking for it sees it (Certificate.base_url)."""
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(
            base_url=base_url_to_store(certificate.base_url),
            render_generation=F("render_generation") + 1,
            render_status=Certificate.RenderStatus.PENDING,
            render_attempts=0,
            render_error="",
        )
        generation = Certificate.objects.values_list("render_generation", flat=True).get(pk=certificate.pk)
    schedule_render(certificate.pk, generation)
    certificate.refresh_from_db()
    return generation


def ensure_pdf_queued(certificate):
    """Queue a render for a certificate whose PDF should exist and does not: marked ready but
    the file is gone, or issued before background rendering and never queued."""
    ready = certificate.render_status == Certificate.RenderStatus.READY
    missing_file = ready and (not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name))
    never_queued = certificate.render_generation == 0 and not ready
    if missing_file or never_queued:
        request_render(certificate)
    elif certificate.render_status == Certificate.RenderStatus.PENDING:
        requeue_stalled_renders(certificate)


def requeue_stalled_renders(certificate=None):
    """Render again the certificates (or this one) whose render lost its worker mid-way: the
    database queue leaves such a task "running" for ever, and the learner would see "being
    prepared" for ever. The task is marked failed and a still-pending certificate gets a new render
    (a new generation, so the lost one could never store a file). Returns the certificates queued
    again. `render_certificates --stalled` runs it from cron; the download page for its own."""
    cutoff = timezone.now() - timedelta(seconds=settings.CERTIFICATE_RENDER_TIMEOUT) - STALLED_RENDER_MARGIN
    stalled = DBTaskResult.objects.running().filter(
        task_path=render_certificate_task.module_path, started_at__lt=cutoff
    )
    if certificate is not None:
        stalled = stalled.filter(args_kwargs__args__0=certificate.pk)
    requeued = []
    for result in stalled:
        given_up = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="certificates.services.WorkerStopped",
            traceback="The worker stopped during the render.",
        )
        certificate_id, generation = result.args_kwargs["args"][:2]
        lost = Certificate.objects.filter(
            pk=certificate_id, render_generation=generation, render_status=Certificate.RenderStatus.PENDING
        ).first()
        if given_up and lost is not None:  # another caller may have taken this one at the same moment
            logger.warning("Certificate %s: its worker stopped during the render; queued again.", lost.pk)
            request_render(lost)
            requeued.append(lost)
    return requeued


def run_render(certificate_id, generation):
    """One attempt at rendering and storing a certificate's PDF. Returns what happened:
    "ready", "retrying", "failed", or "skipped" (superseded, already done, or gone)."""
    certificate = (
        Certificate.objects.select_related(
            "template", "template__logo", "template__signature", "user", "organisation__logo"
        )
        .filter(pk=certificate_id)
        .first()
    )
    if (
        certificate is None
        or certificate.render_generation != generation
        or certificate.render_status != Certificate.RenderStatus.PENDING
    ):
        return "skipped"
    Certificate.objects.filter(pk=certificate.pk).update(render_attempts=F("render_attempts") + 1)
    attempt = certificate.render_attempts + 1
    try:
        pdf_bytes = render_certificate_pdf_bounded(certificate)
    except Exception as error:  # noqa: BLE001 - any failure of an attempt is retried, then recorded
        return _attempt_failed(certificate, generation, attempt, error)

    if not _store_pdf(certificate, generation, pdf_bytes):
        return "skipped"
    certificate.refresh_from_db()
    email_certificate_once(certificate)
    return "ready"


def _attempt_failed(certificate, generation, attempt, error):
    message = f"Attempt {attempt}: {error}"[:300]
    current = Certificate.objects.filter(pk=certificate.pk, render_generation=generation)
    if attempt < settings.CERTIFICATE_RENDER_MAX_ATTEMPTS:
        logger.warning("Certificate %s: PDF render failed, will retry. %s", certificate.pk, message)
        current.update(render_error=message)
        schedule_render(certificate.pk, generation, attempt=attempt)
        return "retrying"
    logger.error(
        "Certificate %s: PDF render failed %s times; giving up. %s", certificate.pk, attempt, message
    )
    current.filter(render_status=Certificate.RenderStatus.PENDING).update(
        render_status=Certificate.RenderStatus.FAILED, render_error=message
    )
    return "failed"


def _store_pdf(certificate, generation, pdf_bytes):
    """Write the complete PDF under a new name, then point the row at it (if this render is still
    the current one). The previous file is removed unless a reissue keeps it for the record."""
    field = certificate.pdf.field
    storage = certificate.pdf.storage
    new_name = storage.save(
        field.generate_filename(certificate, f"{certificate.code}.pdf"), ContentFile(pdf_bytes)
    )
    with transaction.atomic():
        old_name = Certificate.objects.values_list("pdf", flat=True).get(pk=certificate.pk)
        switched = Certificate.objects.filter(
            pk=certificate.pk, render_generation=generation, render_status=Certificate.RenderStatus.PENDING
        ).update(
            pdf=new_name,
            render_status=Certificate.RenderStatus.READY,
            rendered_at=timezone.now(),
            render_error="",
        )
    if not switched:  # superseded by a newer render while this one ran
        storage.delete(new_name)
        return False
    if old_name and old_name != new_name:
        kept = CertificateRevision.objects.filter(
            certificate_id=certificate.pk, old_pdf_name=old_name
        ).exists()
        if not kept:
            storage.delete(old_name)
    return True


def email_certificate_once(certificate):
    """Email the PDF to the learner the first time it is ready. Returns True if sent now."""
    if certificate.is_revoked or not certificate.user.email:
        return False
    claimed = Certificate.objects.filter(pk=certificate.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    context = {
        "certificate": certificate,
        "user": certificate.user,
        "verify_url": certificate.get_verify_url(),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "dashboard_url": absolute_url("/my-learning/", base=certificate.base_url),
    }
    message = render_email("certificates/email/certificate_ready", context, certificate.user.email)
    try:
        with certificate.pdf.open("rb") as pdf:
            message.attach(download_filename(certificate), pdf.read(), "application/pdf")
        message.send()
    except Exception:  # noqa: BLE001 - the certificate is fine; allow a later try
        logger.exception("Certificate %s: could not email the PDF", certificate.pk)
        Certificate.objects.filter(pk=certificate.pk).update(emailed_at=None)
        return False
    return True


# --- Trainer actions -----------------------------------------------------------------------------


class CertificateActionError(ValueError):
    """A trainer action that does not apply to this certificate (for example already revoked)."""


def revoke_certificate(certificate, by, reason):
    """Revoke: the verification page says so from now on. Returns the updated certificate."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateActionError("Give a reason for revoking the certificate.")
    now = timezone.now()
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason, revoked_by=by
        )
        if not updated:
            raise CertificateActionError("This certificate is already revoked.")
        certificate.refresh_from_db()
        certificate_revoked.send(sender=Certificate, certificate=certificate)
    return certificate


def reinstate_certificate(certificate, by):
    """Undo a revocation made in error: valid again on the verification page, and its bit in the
    status list back to 0 (both read revoked_at). Returns the updated certificate."""
    with transaction.atomic():
        # Locked so the revocation undone (its date goes with the signal) is the one cleared.
        revoked_at = (
            Certificate.objects.select_for_update()
            .filter(pk=certificate.pk, revoked_at__isnull=False)
            .values_list("revoked_at", flat=True)
            .first()
        )
        if revoked_at is None:
            raise CertificateActionError("This certificate is not revoked.")
        Certificate.objects.filter(pk=certificate.pk).update(
            revoked_at=None, revoked_reason="", revoked_by=None
        )
        logger.info("Certificate %s reinstated by user %s", certificate.pk, getattr(by, "pk", None))
        certificate.refresh_from_db()
        certificate_reinstated.send(
            sender=Certificate, certificate=certificate, revoked_at=revoked_at, reinstated_by=by
        )
    return certificate


def reissue_certificate(certificate, by, reason=""):
    """Reissue with the learner's current name (and a councillor's current council): same code, a
    new PDF, the old one kept on record.

    Returns the CertificateRevision recording the change.
    """
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)
        if locked.is_revoked:
            raise CertificateActionError("A revoked certificate cannot be reissued.")
        new_name = locked.user.full_name
        revision = CertificateRevision.objects.create(
            certificate=locked,
            old_learner_name=locked.learner_name,
            new_learner_name=new_name,
            old_pdf_name=locked.pdf.name or "",
            reason=(reason or "").strip()[:300],
            reissued_by=by,
        )
        Certificate.objects.filter(pk=locked.pk).update(
            learner_name=new_name, **(council_of(locked.user) if locked.is_councillor else {})
        )
        request_render(locked)
    certificate.refresh_from_db()
    return revision


def filter_certificates(
    certificates, course=None, organisation=None, issued_from=None, issued_to=None, search=""
):
    """Certificates of a course, of an organisation's members, issued in a date range (inclusive,
    in the site's time zone) and/or matching a name, email or certificate number."""
    if course is not None:
        certificates = certificates.filter(course=course)
    if organisation is not None:
        certificates = certificates.filter(user__organisation=organisation)
    if issued_from is not None:
        certificates = certificates.filter(issued_at__date__gte=issued_from)
    if issued_to is not None:
        certificates = certificates.filter(issued_at__date__lte=issued_to)
    if search:
        certificates = certificates.filter(
            Q(learner_name__icontains=search) | Q(code=search) | Q(user__email__iexact=search)
        )
    return certificates


def certificates_for_download(**filters):
    """Issued certificates whose PDF is ready, filtered for a bulk download."""
    certificates = Certificate.objects.filter(render_status=Certificate.RenderStatus.READY).exclude(pdf="")
    certificates = filter_certificates(certificates, **filters)
    return certificates.select_related("user").order_by("course_title", "learner_name", "pk")


def zip_entry_name(certificate):
    name = slugify(certificate.learner_name)[:50].strip("-") or "learner"
    course = slugify(certificate.course_title)[:50].strip("-") or "course"
    return f"{course}/{name}-{certificate.code[:10]}.pdf"


def stream_certificates_zip(certificates, chunk_size=64 * 1024):
    """Yield a ZIP file of the certificates' PDFs piece by piece (never all in memory)."""
    sink = ChunkSink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            storage = certificate.pdf.storage
            if not storage.exists(certificate.pdf.name):
                continue
            info = zipfile.ZipInfo(zip_entry_name(certificate), date_time=_zip_time(certificate.issued_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            with storage.open(certificate.pdf.name, "rb") as source, archive.open(info, "w") as target:
                while chunk := source.read(chunk_size):
                    target.write(chunk)
                    if data := sink.take():
                        yield data
            if data := sink.take():
                yield data
    if data := sink.take():
        yield data


def _zip_time(moment):
    local = timezone.localtime(moment)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)
