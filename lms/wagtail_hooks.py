"""Organisations and the Training menu in the Wagtail admin.

Only superusers manage organisations: the Trainers group holds no permission on them (nor on
users, groups, sites or settings), so Wagtail hides the menu item and refuses the views for them.
"""

from django.contrib.auth.models import Permission
from django.db.models import Count
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_order = 900
    add_to_admin_menu = True
    url_prefix = "organisations"
    form_fields = ["name", "kind"]
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


# --- Training: assign courses, bulk enrol, overdue report (lms/admin_training.py) ----------------


@hooks.register("register_admin_urls")
def register_training_urls():
    from .admin_training import urlpatterns

    return [path("training/", include((urlpatterns, "training"), namespace="training"))]


@hooks.register("register_admin_menu_item")
def register_training_menu():
    from .admin_training import PermissionMenuItem, can_assign, can_view_reports

    items = [
        PermissionMenuItem(
            "Assign a course", reverse("training:assign"), icon_name="calendar", order=100, allowed=can_assign
        ),
        PermissionMenuItem(
            "Bulk enrol from CSV",
            reverse("training:bulk_enrol"),
            icon_name="upload",
            order=200,
            allowed=can_assign,
        ),
        PermissionMenuItem(
            "Overdue", reverse("training:overdue"), icon_name="warning", order=300, allowed=can_view_reports
        ),
    ]
    return SubmenuMenuItem("Training", Menu(items=items), icon_name="tasks", order=260)


@hooks.register("register_permissions")
def register_assignment_permissions():
    # Shown in the group editor, so administrators can grant or withdraw them.
    return Permission.objects.filter(
        content_type__app_label="courses",
        codename__in=["add_assignment", "change_assignment", "view_assignment"],
    )
