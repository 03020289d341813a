from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from . import ratelimit, signing
from .credentials import open_badge_credential, status_list_credential, verification_record
from .forms import VerifyCertificateForm
from .models import Certificate
from .services import download_filename, ensure_pdf_queued, request_render
from .status_list import list_exists

PREPARING_TEMPLATE = "certificates/preparing.html"


def _own_certificate(request, code):
    # Only the owner may reach it: anyone else gets the same 404 as for an unknown code.
    certificate = Certificate.objects.filter(code=code, user=request.user).first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


@require_safe
@login_required
def download_view(request, code):
    certificate = _own_certificate(request, code)
    if certificate.is_revoked:
        response = render(request, "certificates/revoked.html", {"certificate": certificate}, status=410)
        response["Cache-Control"] = "private, no-store"
        return response
    ensure_pdf_queued(certificate)
    if certificate.render_status != Certificate.RenderStatus.READY:
        failed = certificate.render_status == Certificate.RenderStatus.FAILED
        response = render(
            request,
            PREPARING_TEMPLATE,
            {"certificate": certificate, "failed": failed},
            status=503 if failed else 202,
        )
        response["Cache-Control"] = "private, no-store"
        if failed:
            response["Retry-After"] = "60"
        return response
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=download_filename(certificate),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def prepare_view(request, code):
    """The owner asks again for a PDF whose rendering failed."""
    certificate = _own_certificate(request, code)
    if certificate.render_status == Certificate.RenderStatus.FAILED and not certificate.is_revoked:
        request_render(certificate)
    return redirect(certificate.get_download_path())


# --- Public verification ---------------------------------------------------------------------------


def _rate_limited(request, as_json=False):
    limit, period = settings.CERTIFICATE_VERIFY_RATE_LIMIT
    allowed, retry_after = ratelimit.hit("certificate-verify", request, limit, period)
    if allowed:
        return None
    if as_json:
        response = JsonResponse(
            {"error": "too_many_requests", "detail": "Too many checks from your address. Try again shortly."},
            status=429,
        )
    else:
        response = render(request, "certificates/rate_limited.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _find_certificate(code):
    return Certificate.objects.select_related("course", "user").filter(code=code).first()


def _public_certificate(code):
    certificate = _find_certificate(code)
    if certificate is None:
        # The site's own 404 page, exactly as for any address that does not exist.
        raise Http404
    return certificate


NOT_FOUND_JSON = {"error": "not_found", "detail": "No certificate has this number."}


def _public_certificate_or_json_404(code):
    """(certificate, None), or (None, a JSON 404 response): a program asking for JSON gets JSON."""
    certificate = _find_certificate(code)
    if certificate is None:
        response = JsonResponse(NOT_FOUND_JSON, status=404)
        response["X-Robots-Tag"] = "noindex"
        return None, response
    return certificate, None


def _public_headers(response):
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, no_cache=True, max_age=0)  # a revocation shows at once
    return response


@require_safe
def verify_form_view(request):
    """Public: type or paste a certificate number to check it. A number that exists goes to its
    verification page; an unknown one is answered on the form (404), never with a list."""
    form = VerifyCertificateForm(request.GET or None)
    status = 200
    if form.is_bound:
        if limited := _rate_limited(request):
            return limited
        if form.is_valid():
            code = form.cleaned_data["code"]
            if Certificate.objects.filter(code=code).exists():
                return redirect("certificates:verify", code=code)
            form.add_error(
                "code",
                "No certificate has this number. Check it against the certificate: capital and small "
                "letters are different, and 0 (zero) and O, 1 and l look alike.",
            )
            status = 404
    response = render(request, "certificates/verify_form.html", {"form": form}, status=status)
    if form.is_bound:
        response = _public_headers(response)
    return response


@require_safe
def verify_view(request, code):
    """Public: anyone holding the code (printed and in the QR code) can check a certificate."""
    if limited := _rate_limited(request):
        return limited
    certificate = _public_certificate(code)
    context = {"certificate": certificate, "status": certificate.status()}
    return _public_headers(render(request, "certificates/verify.html", context))


@require_safe
def verify_json_view(request, code):
    if limited := _rate_limited(request, as_json=True):
        return limited
    certificate, missing = _public_certificate_or_json_404(code)
    if missing:
        return missing
    response = JsonResponse(verification_record(certificate), json_dumps_params={"ensure_ascii": False})
    return _public_headers(response)


def _credential_or_error(request, code):
    """(certificate, None) for a credential to serve, or (None, the answer): rate limited, unknown
    (JSON 404) or revoked (410 with the verification record: the credential is gone)."""
    if limited := _rate_limited(request, as_json=True):
        return None, limited
    certificate, missing = _public_certificate_or_json_404(code)
    if missing:
        return None, missing
    if certificate.is_revoked:
        response = JsonResponse(
            verification_record(certificate), status=410, json_dumps_params={"ensure_ascii": False}
        )
        return None, _public_headers(response)
    return certificate, None


def _signed_link(certificate):
    url = certificate.get_signed_credential_url()
    return f'<{url}>; rel="alternate"; type="{signing.VC_JWT_MEDIA_TYPE}"'


@require_safe
def credential_view(request, code):
    """The certificate as an Open Badges 3.0 credential (JSON-LD). A revoked one is gone (410)."""
    certificate, error = _credential_or_error(request, code)
    if error:
        return error
    response = JsonResponse(
        open_badge_credential(certificate),
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Link"] = _signed_link(certificate)
    return _public_headers(response)


@require_safe
def signed_credential_view(request, code):
    """The same credential signed: a VC-JWT (application/vc+jwt). A revoked one is gone (410); one
    fetched before the revocation says so through its status list."""
    certificate, error = _credential_or_error(request, code)
    if error:
        return error
    token = signing.sign_credential(open_badge_credential(certificate))
    return _public_headers(HttpResponse(token, content_type=signing.VC_JWT_MEDIA_TYPE))


@require_safe
def status_list_view(request, number):
    """A revocation status list as a signed BitstringStatusListCredential (VC-JWT). Not rate limited:
    a verifier checking many credentials fetches the same few lists, and each is one query."""
    if not list_exists(number):
        raise Http404
    token = signing.sign_credential(status_list_credential(number))
    return _public_headers(HttpResponse(token, content_type=signing.VC_JWT_MEDIA_TYPE))


# --- The issuer's public keys (at the root: /.well-known/) -----------------------------------------


def _keys_response(document, content_type):
    response = JsonResponse(document, content_type=content_type, json_dumps_params={"indent": 2})
    # Keys change only on rotation, and a new kid makes verifiers fetch again.
    patch_cache_control(response, public=True, max_age=300)
    response["Access-Control-Allow-Origin"] = "*"  # browser-based verifiers fetch these from elsewhere
    return response


@require_safe
def jwks_view(request):
    """Every key that signed or signs credentials, as a JSON Web Key Set."""
    return _keys_response(signing.jwks(), "application/jwk-set+json")


@require_safe
def did_document_view(request):
    """The site's did:web DID document, with the same keys."""
    return _keys_response(signing.did_document(), "application/did+json")
