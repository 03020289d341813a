"""*Settings > API tokens* (administrators only: nobody else holds the api app's permissions).

Creating a token shows its secret once, on the page that answers the form; only a digest is kept.
The edit form renames a token, changes its scopes or expiry, or revokes it (revoking keeps the row,
so the listing still says who had access until when)."""

from django import forms
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from lms.admin_utils import admin_context

from .models import ApiToken
from .services import create_token, revoke_token


class ApiTokenForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the token may read. Give a system only what it needs.",
    )
    revoke = forms.BooleanField(
        required=False,
        label="Revoke this token",
        help_text="It stops working at once. This cannot be undone: issue a new token instead.",
    )

    class Meta:
        model = ApiToken
        fields = ["organisation", "name", "scopes", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A token stays with its organisation: issue a new one for another.
            self.fields["organisation"].disabled = True
            if self.instance.revoked_at:
                self.fields["revoke"].disabled = True
                self.fields["revoke"].initial = True
        else:
            del self.fields["revoke"]

    def save(self, commit=True):
        token = super().save(commit=commit)
        if commit and self.cleaned_data.get("revoke") and token.revoked_at is None:
            revoke_token(token, by=self.for_user)
        return token


class ApiTokenCreateView(CreateView):
    """Creates the token through the service and shows its secret on this one page."""

    def form_valid(self, form):
        data = form.cleaned_data
        token, secret = create_token(
            data["organisation"], data["name"], data["scopes"], self.request.user, data["expires_at"]
        )
        log(instance=token, action="wagtail.create", user=self.request.user)
        context = admin_context(
            "API token created",
            "key",
            parents=[(reverse("api_tokens:index"), "API tokens")],
            token=token,
            secret=secret,
            api_url=self.request.build_absolute_uri(reverse("api:index")),
        )
        response = TemplateResponse(self.request, "api/admin/token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenViewSet(ModelViewSet):
    model = ApiToken
    edit_handler = ObjectList(
        [FieldPanel(name) for name in ["organisation", "name", "scopes", "expires_at", "revoke"]],
        base_form_class=ApiTokenForm,
    )
    add_view_class = ApiTokenCreateView
    icon = "key"
    menu_label = "API tokens"
    add_to_settings_menu = True
    url_prefix = "api-tokens"
    name = "api_tokens"
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "name",
        "organisation",
        Column("prefix", label="Starts with"),
        Column("scope_list", label="Scopes", accessor="scopes"),
        Column("status", label="Status"),
        DateColumn("last_used_at", label="Last used"),
        DateColumn("created_at", label="Created"),
    ]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]


@hooks.register("register_admin_viewset")
def register_api_tokens():
    return ApiTokenViewSet()
