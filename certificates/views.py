from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from .models import Certificate
from .services import store_certificate_pdf


@login_required
def download_view(request, code):
    certificate = Certificate.objects.filter(code=code, user=request.user).first()
    if certificate is None:
        raise Http404("No such certificate.")
    if not certificate.pdf:
        store_certificate_pdf(certificate)
    filename = f"certificate-{certificate.course_title[:60]}.pdf".replace(" ", "-").lower()
    return FileResponse(certificate.pdf.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/pdf")


def verify_view(request, code):
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return render(request, "certificates/not_found.html", {"code": code}, status=404)
    return render(request, "certificates/verify.html", {"certificate": certificate})
