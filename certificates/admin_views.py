"""The admin's Certificates menu: issued certificates (revoke, reinstate, reissue, bulk download as a
ZIP) and the live PDF preview of a certificate template; and Settings > Credential signing keys.

Registered in certificates/wagtail_hooks.py under /admin/certificates/ (URL namespace
"certificates_admin"). Wagtail's admin URLs already require `wagtailadmin.access_admin`; the
issued-certificate views also need `certificates.manage_certificates`, which the Trainers group
has (certificates/0007) and superusers have implicitly. An organisation manager may list and
download (not revoke or reissue) their organisations' certificates; every lookup goes through
lms.scoping, so another organisation's certificate answers 404.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy

from courses.models import CoursePage
from courses.services import add_months
from lms.admin_utils import admin_context, require
from lms.models import Organisation
from lms.scoping import is_organisation_manager, scope_queryset, visible_organisations

from .models import Certificate, CertificateTemplate, CredentialSigningKey
from .pdf import RenderError, render_certificate_pdf_bounded
from .services import (
    CertificateActionError,
    certificates_for_download,
    filter_certificates,
    reinstate_certificate,
    reissue_certificate,
    revoke_certificate,
    stream_certificates_zip,
)
from .signing import rotate_signing_key

MANAGE_PERMISSION = "certificates.manage_certificates"
PER_PAGE = 50
template_policy = ModelPermissionPolicy(CertificateTemplate)


def can_manage(user):
    return user.has_perm(MANAGE_PERMISSION)


def can_list_certificates(user):
    return can_manage(user) or is_organisation_manager(user)


def visible_certificates(user):
    return scope_queryset(Certificate.objects.all(), user)


def can_edit_templates(user):
    return template_policy.user_has_any_permission(user, ["add", "change"])


def _issued_crumb():
    return [(reverse("certificates_admin:issued"), "Issued certificates")]


# --- Issued certificates ---------------------------------------------------------------------------


class CertificateFilterForm(forms.Form):
    q = forms.CharField(
        label="Name or certificate number", required=False, max_length=150, widget=forms.TextInput()
    )
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.order_by("title"), required=False, empty_label="All courses"
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All organisations"
    )
    issued_from = forms.DateField(label="Issued from", required=False, widget=AdminDateInput())
    issued_to = forms.DateField(label="Issued to", required=False, widget=AdminDateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = visible_organisations(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("issued_from"), cleaned.get("issued_to")
        if start and end and start > end:
            self.add_error("issued_to", "The end date is before the start date.")
        return cleaned

    def filters(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        filters = {key: data.get(key) for key in ("course", "organisation", "issued_from", "issued_to")}
        filters["search"] = (data.get("q") or "").strip()
        return filters


@require_http_methods(["GET"])
def issued_view(request):
    require(can_list_certificates, request)
    form = CertificateFilterForm(request.GET or None, user=request.user)
    certificates = filter_certificates(
        visible_certificates(request.user).select_related("user", "user__organisation", "revoked_by"),
        **form.filters(),
    ).order_by("-issued_at", "-pk")
    paginator = Paginator(certificates, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    querystring = query.urlencode()
    context = admin_context(
        "Issued certificates",
        "doc-full",
        filter_form=form,
        page_obj=page,
        total=paginator.count,
        querystring=querystring,
        can_manage=can_manage(request.user),
        zip_url=reverse("certificates_admin:zip") + (f"?{querystring}" if querystring else ""),
    )
    return TemplateResponse(request, "certificates/admin/issued.html", context)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Recorded for trainers. The public verification page shows only that it was revoked, "
        "and when.",
    )


@require_http_methods(["GET", "POST"])
def revoke_view(request, pk):
    require(can_manage, request)
    certificate = get_object_or_404(visible_certificates(request.user).select_related("user"), pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_certificate(certificate, request.user, form.cleaned_data["reason"])
        except CertificateActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Revoked the certificate of {certificate.learner_name} for “{certificate.course_title}”.",
            )
        return redirect("certificates_admin:issued")
    context = admin_context(
        "Revoke a certificate", "warning", parents=_issued_crumb(), form=form, certificate=certificate
    )
    return TemplateResponse(request, "certificates/admin/revoke.html", context)


@require_http_methods(["GET", "POST"])
def reinstate_view(request, pk):
    """Undo a revocation (confirm, then POST)."""
    require(can_manage, request)
    certificate = get_object_or_404(visible_certificates(request.user).select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            reinstate_certificate(certificate, request.user)
        except CertificateActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Reinstated the certificate of {certificate.learner_name} for “{certificate.course_title}”.",
            )
        return redirect("certificates_admin:issued")
    context = admin_context(
        "Reinstate a certificate", "undo", parents=_issued_crumb(), certificate=certificate
    )
    return TemplateResponse(request, "certificates/admin/reinstate.html", context)


class ReissueForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=300,
        help_text="Optional, for the record: for example “Name corrected at the learner's request”.",
    )


@require_http_methods(["GET", "POST"])
def reissue_view(request, pk):
    require(can_manage, request)
    certificate = get_object_or_404(visible_certificates(request.user).select_related("user"), pk=pk)
    form = ReissueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revision = reissue_certificate(certificate, request.user, form.cleaned_data["reason"])
        except CertificateActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Reissued certificate {certificate.code[:10]}… in the name of {revision.new_learner_name}. "
                "The new PDF is being prepared and the old one is kept on record.",
            )
        return redirect("certificates_admin:issued")
    context = admin_context(
        "Reissue a certificate",
        "repeat",
        parents=_issued_crumb(),
        form=form,
        certificate=certificate,
        current_name=certificate.user.full_name,
        revisions=certificate.revisions.select_related("reissued_by"),
    )
    return TemplateResponse(request, "certificates/admin/reissue.html", context)


@require_http_methods(["GET"])
def zip_view(request):
    """The ready PDFs matching the filters, as one ZIP file, streamed."""
    require(can_list_certificates, request)
    form = CertificateFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        messages.error(
            request, "Check the filters: " + "; ".join(e for errors in form.errors.values() for e in errors)
        )
        return redirect("certificates_admin:issued")
    certificates = list(scope_queryset(certificates_for_download(**form.filters()), request.user))
    if not certificates:
        messages.warning(request, "No certificate with a ready PDF matches those filters.")
        return redirect(
            reverse("certificates_admin:issued") + (f"?{request.GET.urlencode()}" if request.GET else "")
        )
    response = StreamingHttpResponse(stream_certificates_zip(certificates), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"certificates-{timezone.localdate():%Y-%m-%d}.zip"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Certificate-Count"] = str(len(certificates))
    return response


def can_manage_signing_keys(user):
    # The keys vouch for every credential the site issues: administrators only.
    return user.is_superuser


@require_http_methods(["GET", "POST"])
def signing_keys_view(request):
    """Settings > Credential signing keys: the keys (public halves only) and a button to rotate."""
    require(can_manage_signing_keys, request)
    if request.method == "POST":
        key = rotate_signing_key()
        messages.success(
            request, f"Key {key.kid} signs credentials from now on. The old key stays published."
        )
        return redirect("certificates_admin:signing_keys")
    context = admin_context(
        "Credential signing keys",
        "key",
        keys=CredentialSigningKey.objects.all(),
        jwks_url=reverse("well_known:jwks"),
        did_url=reverse("well_known:did_document"),
    )
    return TemplateResponse(request, "certificates/admin/signing_keys.html", context)


urlpatterns = [
    path("issued/", issued_view, name="issued"),
    path("issued/<int:pk>/revoke/", revoke_view, name="revoke"),
    path("issued/<int:pk>/reinstate/", reinstate_view, name="reinstate"),
    path("issued/<int:pk>/reissue/", reissue_view, name="reissue"),
    path("signing-keys/", signing_keys_view, name="signing_keys"),
    path("download.zip", zip_view, name="zip"),
]


# --- Template preview ---------------------------------------------------------------------------


def sample_certificate(kind):
    """An unsaved certificate to show a template with."""
    now = timezone.now()
    return Certificate(
        code="SAMPLE-not-a-real-certificate-00",
        learner_name="Alex Sample",
        course_title="Social media for public servants (sample course)",
        is_councillor=kind == CertificateTemplate.Kind.COUNCILLOR,
        organisation_name="Sample Shire Council" if kind == CertificateTemplate.Kind.COUNCILLOR else "",
        issued_at=now,
        expires_at=add_months(now, 24),
        cpd_hours=Decimal("2.5"),
    )


def make_template_preview_view(form_class):
    """A view that renders a sample certificate from the template form's submitted data, unsaved.

    The edit form posts here (its "Preview as PDF" button) into a new tab. Nothing is stored: the
    form is never saved and the rendering runs in a transaction that is rolled back.
    """

    @require_POST
    def template_preview_view(request):
        require(can_edit_templates, request)
        instance = None
        if pk := request.GET.get("pk"):
            instance = get_object_or_404(CertificateTemplate, pk=pk)
        form = form_class(request.POST, request.FILES, instance=instance, for_user=request.user)
        if not form.is_valid():
            context = admin_context("Preview not available", "warning", form=form)
            return TemplateResponse(request, "certificates/admin/preview_errors.html", context, status=400)
        try:
            with transaction.atomic():
                template = form.save(commit=False)
                pdf_bytes = render_certificate_pdf_bounded(
                    sample_certificate(template.kind), template=template
                )
                transaction.set_rollback(True)
        except RenderError as error:
            context = admin_context("Preview not available", "warning", form=form, render_error=str(error))
            return TemplateResponse(request, "certificates/admin/preview_errors.html", context, status=500)
        response = HttpResponse(pdf_bytes, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, "certificate-preview.pdf")
        response["Cache-Control"] = "private, no-store"
        return response

    return template_preview_view
