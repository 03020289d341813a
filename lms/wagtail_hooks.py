"""The lms app in Wagtail: organisations (with their verified email domains), the account approvals
queue, and the permission that opens it.

Only superusers manage organisations: the Trainers group holds no permission on them (nor on
users, groups, sites or settings), so Wagtail hides the menu item and refuses the views for them.
Trainers hold `lms.review_accounts` (lms/0006), which opens *Account approvals*.
"""

from django.contrib.auth.models import Permission
from django.db.models import Count
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_utils import PermissionMenuItem
from .admin_views import approval_urlpatterns, can_review_accounts
from .models import Organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_order = 900
    add_to_admin_menu = True
    url_prefix = "organisations"
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        InlinePanel(
            "email_domains",
            heading="Verified email domains",
            label="Domain",
            help_text="A learner who confirms an address at one of these domains joins the "
            "organisation without a trainer's approval. Exact matches only: add each subdomain.",
        ),
    ]
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
    return Permission.objects.filter(content_type__app_label="lms", codename="review_accounts")
