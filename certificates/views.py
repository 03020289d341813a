from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from .models import Certificate
from .services import store_certificate_pdf


def download_filename(certificate):
    """An ASCII file name for the PDF: certificate-social-media-basics.pdf."""
    slug = slugify(certificate.course_title)[:60].strip("-") or "course"
    return f"certificate-{slug}.pdf"


@require_safe
@login_required
def download_view(request, code):
    # Only the owner may download: anyone else gets the same 404 as for an unknown code.
    certificate = Certificate.objects.filter(code=code, user=request.user).first()
    if certificate is None:
        raise Http404("No such certificate.")
    if not certificate.pdf or not certificate.pdf.storage.exists(certificate.pdf.name):
        store_certificate_pdf(certificate)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=download_filename(certificate),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def verify_view(request, code):
    """Public: anyone holding the code (printed and in the QR code) can check a certificate."""
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        response = render(request, "certificates/not_found.html", status=404)
    else:
        response = render(request, "certificates/verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response
