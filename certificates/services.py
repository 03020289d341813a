"""Issuing certificates and storing their PDFs."""

import calendar

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Certificate


def add_months(moment, months):
    """The same day and time `months` later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def issue_certificate(enrolment):
    """Issue the certificate for the enrolment's current cycle exactly once.

    Returns (certificate, created).
    """
    existing = Certificate.objects.filter(enrolment=enrolment, cycle=enrolment.cycle).first()
    if existing:
        return existing, False
    user = enrolment.user
    course = enrolment.course
    now = timezone.now()
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
                expires_at=add_months(now, course.renewal_months) if course.renewal_months else None,
            )
    except IntegrityError:  # a concurrent completion issued it first
        return Certificate.objects.get(enrolment=enrolment, cycle=enrolment.cycle), False
    store_certificate_pdf(certificate)
    return certificate, True


def store_certificate_pdf(certificate):
    """Render the PDF and store it through the storage API (rendered once, then streamed)."""
    from .pdf import render_certificate_pdf

    pdf_bytes = render_certificate_pdf(certificate)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(pdf_bytes), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate
