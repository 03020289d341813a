"""The lms app in Wagtail: organisations (with their verified email domains), single sign-on identity
providers (*Settings → Single sign-on*), the account approvals queue, and the permission that opens it.

Only superusers manage organisations: the Trainers group holds no permission on them (nor on
users, groups, sites or settings), so Wagtail hides the menu item and refuses the views for them.
An organisation's form also names its managers (lms.scoping), chosen among its members.
Trainers hold `lms.review_accounts` (lms/0006), which opens *Account approvals*. Identity providers
are the same: superusers only.
"""

from django import forms
from django.contrib.auth.models import Permission
from django.db.models import Count
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_utils import PermissionMenuItem
from .admin_views import approval_urlpatterns, can_review_accounts
from .models import IdentityProvider, Organisation, User
from .permissions import forget_user
from .scoping import set_organisation_managers


class ManagerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name} <{user.email}>"


class OrganisationForm(WagtailAdminModelForm):
    """Managers are chosen among the organisation's members (and whoever manages it already);
    saving keeps the "Organisation managers" group in step."""

    managers = ManagerChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see this organisation's reports, learners and certificates and assign courses "
        "to its people. Choose among its members; add the person to the organisation first.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.filter(is_active=True)
        if self.instance.pk:
            members = members.filter(organisation=self.instance) | User.objects.filter(
                managed_organisations=self.instance
            )
        else:
            members = members.none()
        self.fields["managers"].queryset = members.distinct().order_by("full_name", "email")

    def save(self, commit=True):
        organisation = super().save(commit=commit)
        if commit:
            set_organisation_managers(organisation, self.cleaned_data["managers"])
        return organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_order = 900
    add_to_admin_menu = True
    url_prefix = "organisations"
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("logo"),
            FieldPanel("logo_alt"),
            FieldPanel("managers"),
            InlinePanel(
                "email_domains",
                heading="Verified email domains",
                label="Domain",
                help_text="A learner who confirms an address at one of these domains joins the "
                "organisation without a trainer's approval. Exact matches only: add each subdomain.",
            ),
        ],
        base_form_class=OrganisationForm,
    )
    list_display = [
        "name",
        "kind",
        Column("member_count", label="Members", sort_key="member_count"),
    ]
    list_filter = ["kind"]
    search_fields = ["name"]
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Organisation.objects.annotate(member_count=Count("members")), **kwargs
        )


@hooks.register("register_admin_viewset")
def register_organisations():
    return OrganisationViewSet()


# --- Single sign-on ----------------------------------------------------------------------------------


class IdentityProviderForm(WagtailAdminModelForm):
    """The client secret is written, never shown: the field is empty on the edit form, and leaving it
    empty keeps the secret already saved."""

    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secret = self.fields["client_secret"]
        if self.instance.pk and self.instance.client_secret:
            secret.help_text = "A secret is saved. Leave this empty to keep it, or type a new one."
        else:
            secret.required = True
            secret.help_text = "From the application you registered with the provider."

    def clean_client_secret(self):
        return self.cleaned_data["client_secret"] or self.instance.client_secret


class IdentityProviderViewSet(ModelViewSet):
    model = IdentityProvider
    icon = "key"
    menu_label = "Single sign-on"
    add_to_settings_menu = True
    url_prefix = "single-sign-on"
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("organisation"),
            FieldPanel("server_url"),
            FieldPanel("client_id"),
            FieldPanel("client_secret"),
            FieldPanel("enabled"),
        ],
        base_form_class=IdentityProviderForm,
    )
    list_display = ["name", "slug", "organisation", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["name", "slug"]
    copy_view_enabled = False
    inspect_view_enabled = False


@hooks.register("register_admin_viewset")
def register_identity_providers():
    return IdentityProviderViewSet()


# --- Account approvals ----------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_account_approval_urls():
    return [
        path(
            "account-approvals/",
            include((approval_urlpatterns, "account_approvals"), namespace="account_approvals"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_account_approvals_menu_item():
    return PermissionMenuItem(
        "Account approvals",
        reverse("account_approvals:index"),
        icon_name="user",
        order=270,
        allowed=can_review_accounts,
    )


@hooks.register("register_permissions")
def register_review_permission():
    # Shown in the group editor, so administrators can grant or withdraw it.
    return Permission.objects.filter(
        content_type__app_label="lms", codename__in=["review_accounts", "view_all_learners"]
    )


@hooks.register("after_bulk_action")
def forget_users_changed_in_bulk(request, action_type, objects, action):
    """Wagtail's bulk actions on users (marking them inactive, for one) update rows without saving
    each, so no signal tells the rows kept for signed-in people (lms.permissions): forget them."""
    for changed in objects:
        if isinstance(changed, User):
            forget_user(changed.pk)
