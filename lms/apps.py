from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "GovSocial Academy"


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our email-login User (no first/last name)."""

    user_viewset = "lms.admin_views.UserViewSet"
