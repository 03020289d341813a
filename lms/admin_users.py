"""Wagtail's user admin adapted to our User: full name, role and organisation, no first/last name."""

from wagtail.users.forms import UserCreationForm, UserEditForm
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


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return LmsUserEditForm if for_update else LmsUserCreationForm

