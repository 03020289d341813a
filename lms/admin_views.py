"""Wagtail's user admin adapted to our User: full name, role and organisation, no first or last
name."""

from django.utils.functional import cached_property
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

LMS_FIELDS = ["full_name", "role", "organisation"]


class LmsUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields - {"first_name", "last_name"} | set(LMS_FIELDS)


class LmsUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields - {"first_name", "last_name"} | set(LMS_FIELDS)


class UserIndexView(WagtailUserIndexView):
    """Search by email or full name; sort the Name column by full name (Wagtail's own view sorts
    and searches by first and last name, which our User does not have)."""

    search_fields = ["email", "full_name"]

    @cached_property
    def columns(self):
        columns = super().columns
        for column in columns:
            if column.name == "name":
                column.sort_key = "name"
        return columns

    def order_queryset(self, queryset):
        if self.ordering in ("name", "-name"):
            descending = "-" if self.ordering.startswith("-") else ""
            return queryset.order_by(f"{descending}full_name", f"{descending}email")
        return super().order_queryset(queryset)


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView

    def get_form_class(self, for_update=False):
        return LmsUserEditForm if for_update else LmsUserCreationForm
