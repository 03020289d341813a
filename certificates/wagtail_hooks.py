"""The Certificates menu in the Wagtail admin: templates (wording, signatory, colours, with a live PDF
preview), issued certificates (revoke, reissue) and the bulk ZIP download."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from lms.admin_utils import PermissionMenuItem

from .admin_views import (
    can_edit_templates,
    can_list_certificates,
    can_manage_signing_keys,
    make_template_preview_view,
    urlpatterns,
)
from .models import PLACEHOLDERS, CertificateTemplate


class PdfPreviewPanel(Panel):
    """A "Preview as PDF" button: submits the form as it is (unsaved) to the preview view, in a new tab."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "certificates/admin/preview_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            url = reverse("certificate_templates:preview")
            if self.instance is not None and self.instance.pk:
                url += f"?pk={self.instance.pk}"
            context["preview_url"] = url
            return context


class CertificateTemplateViewSet(ModelViewSet):
    model = CertificateTemplate
    name = "certificate_templates"
    url_prefix = "certificates/templates"
    icon = "doc-full-inverse"
    menu_label = "Templates"
    add_to_admin_menu = False
    # Words, not Python's True/False: "Default" says which template each kind of certificate uses.
    list_display = [
        "name",
        Column("kind", label="Kind", accessor=lambda template: template.get_kind_display(), sort_key="kind"),
        Column(
            "is_default",
            label="Used for new certificates",
            accessor=lambda template: "Yes, the default" if template.is_default else "No",
            sort_key="is_default",
        ),
        "updated_at",
    ]
    list_filter = ["kind", "is_default"]
    search_fields = ["name", "heading"]
    copy_view_enabled = True
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("kind"), FieldPanel("is_default")], heading="Template"
        ),
        MultiFieldPanel(
            [FieldPanel("heading"), FieldPanel("body")],
            heading="Wording",
            help_text="Placeholders: "
            + "; ".join(f"{{{key}}} {label}" for key, label in PLACEHOLDERS.items()),
        ),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldPanel("logo_alt"),
                FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")]),
                FieldPanel("signature"),
            ],
            heading="Logo and signatory",
        ),
        FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")], heading="Colours"),
        PdfPreviewPanel(heading="Preview"),
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("preview/", self.preview_view, name="preview")]

    @cached_property
    def preview_view(self):
        return make_template_preview_view(self.get_form_class())


certificate_template_viewset = CertificateTemplateViewSet()


@hooks.register("register_admin_viewset")
def register_certificate_templates():
    return certificate_template_viewset


@hooks.register("register_admin_urls")
def register_certificate_admin_urls():
    return [
        path("certificates/", include((urlpatterns, "certificates_admin"), namespace="certificates_admin"))
    ]


@hooks.register("register_admin_menu_item")
def register_certificates_menu():
    items = [
        PermissionMenuItem(
            "Issued certificates",
            reverse("certificates_admin:issued"),
            icon_name="doc-full",
            order=100,
            allowed=can_list_certificates,
        ),
        PermissionMenuItem(
            "Templates",
            reverse(certificate_template_viewset.get_url_name("index")),
            icon_name="doc-full-inverse",
            order=200,
            allowed=can_edit_templates,
        ),
    ]
    return SubmenuMenuItem("Certificates", Menu(items=items), icon_name="doc-full", order=270)


@hooks.register("register_settings_menu_item")
def register_signing_keys_menu():
    return PermissionMenuItem(
        "Credential signing keys",
        reverse("certificates_admin:signing_keys"),
        icon_name="key",
        order=900,
        allowed=can_manage_signing_keys,
    )


@hooks.register("register_permissions")
def register_certificate_permissions():
    # Shown in the group editor, so administrators can grant or withdraw it.
    return Permission.objects.filter(content_type__app_label="certificates", codename="manage_certificates")
