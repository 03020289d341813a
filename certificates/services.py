"""Issuing certificates and storing their PDFs."""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from .models import Certificate


def issue_certificate(enrolment):
    """Issue the enrolment's certificate exactly once. Returns (certificate, created)."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing, False
    user = enrolment.user
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                enrolment=enrolment,
                user=user,
                course=enrolment.course,
                learner_name=user.full_name,
                course_title=enrolment.course.title,
                is_councillor=user.is_councillor,
            )
    except IntegrityError:  # a concurrent completion issued it first
        return Certificate.objects.get(enrolment=enrolment), False
    store_certificate_pdf(certificate)
    return certificate, True


def store_certificate_pdf(certificate):
    """Render the PDF and store it through the storage API (rendered once, then streamed)."""
    from .pdf import render_certificate_pdf

    pdf_bytes = render_certificate_pdf(certificate)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(pdf_bytes), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate
