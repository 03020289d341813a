"""Organisations and the user admin in Wagtail.

Only superusers manage organisations: the Trainers group holds no permission on them (nor on
users, groups, sites or settings), so Wagtail hides the menu item and refuses the views for them.
"""

from django.db.models import Count
from wagtail import hooks
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
