"""Course packages in the Wagtail admin: *Export course package* on a course page, *Import course
package* on the catalogue page (content/package.py does the work)."""

import tempfile
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from courses.models import CourseIndexPage, CoursePage
from quizzes.admin_views import can_export_gift, can_import_gift

from .package import PackageError, export_course, import_package


def can_export(user, course):
    """Trainers who may edit the course, and see answer keys (a package holds them)."""
    return course.permissions_for_user(user).can_edit() and can_export_gift(user)


def can_import(user):
    """An import adds a course under the catalogue, questions of every type, images and documents."""
    catalogue = CourseIndexPage.objects.first()
    return bool(
        catalogue
        and catalogue.permissions_for_user(user).can_add_subpage()
        and can_import_gift(user)
        and policy_registry.get_by_type(get_image_model()).user_has_permission(user, "add")
        and policy_registry.get_by_type(get_document_model()).user_has_permission(user, "add")
    )


def export_view(request, page_id):
    course = get_object_or_404(CoursePage, pk=page_id)
    if not can_export(request.user, course):
        raise Http404("No such course.")  # as if it were missing: no hint that it exists
    if not course.live:
        messages.error(request, f"“{course.title}” is not published: publish it before exporting it.")
        return redirect("wagtailadmin_explore", course.pk)
    # The zip goes through a temporary file: its videos may be larger than memory should hold.
    out = tempfile.TemporaryFile()
    try:
        for warning in export_course(course, out):
            messages.warning(request, warning)  # shown on the next admin page
    except PackageError as error:
        out.close()
        messages.error(request, " ".join(error.problems))
        return redirect("wagtailadmin_explore", course.pk)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"{course.slug}.zip", content_type="application/zip"
    )


class PackageImportForm(forms.Form):
    package = forms.FileField(
        label="Course package",
        help_text="The .zip file a GovSocial Academy site's *Export course package* made.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    publish = forms.BooleanField(
        label="Publish the course at once",
        required=False,
        help_text="Leave unticked to import it as a draft, check it, and publish it (with its subpages) "
        "from the page listing.",
    )

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if PurePath(upload.name).suffix.lower() != ".zip":
            raise forms.ValidationError("Choose the .zip file of a course package.")
        return upload


class PackageImportView(WagtailAdminTemplateMixin, FormView):
    form_class = PackageImportForm
    template_name = "content/admin/package_import.html"
    page_title = "Import a course package"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        catalogue = CourseIndexPage.objects.first()
        publish = form.cleaned_data["publish"]
        if publish and not catalogue.permissions_for_user(self.request.user).can_publish_subpage():
            form.add_error("publish", "You may not publish pages here: import it as a draft.")
            return self.form_invalid(form)
        try:
            result = import_package(form.cleaned_data["package"], publish=publish, user=self.request.user)
        except PackageError as error:
            return self.render_to_response(self.get_context_data(form=form, package_errors=error.problems))
        course = result.course
        state = "published" if publish else "a draft"
        text = (
            f"Imported “{course.title}” ({state}): {result.pages} pages, {result.questions} questions, "
            f"{result.media} media files."
        )
        if result.renamed_from:
            text += (
                f" A course with the address “{result.renamed_from}” exists already, so this one is at "
                f"“{course.slug}”; the existing course is unchanged."
            )
        messages.success(self.request, text)
        for warning in result.warnings:
            messages.warning(self.request, warning)
        return redirect("wagtailadmin_explore", course.pk)


urlpatterns = [
    path("export/<int:page_id>/", export_view, name="export"),
    path("import/", PackageImportView.as_view(), name="import"),
]
