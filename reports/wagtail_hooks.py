"""The Reports menu (courses, organisations, learners), its URLs under /admin/reports/, the learner
record's URL for lms.admin_utils, and a "Learner record" button in the admin's user listing."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.widgets.button import ListingButton

from courses.scoping import can_open_reports, may_see_learner
from lms.admin_utils import PermissionMenuItem, register_learner_record_url
from lms.scoping import can_see_learners

from .admin_views import urlpatterns

register_learner_record_url(lambda user_id: reverse("reports:learner", args=[user_id]))


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/", include((urlpatterns, "reports"), namespace="reports"))]


@hooks.register("register_admin_menu_item")
def register_reports_menu():
    items = [
        PermissionMenuItem(
            "Course reports", reverse("reports:index"), icon_name="table", order=100, allowed=can_open_reports
        ),
        PermissionMenuItem(
            "Organisation reports",
            reverse("reports:organisations"),
            icon_name="group",
            order=200,
            allowed=can_see_learners,
        ),
        PermissionMenuItem(
            "Learner records",
            reverse("reports:learners"),
            icon_name="user",
            order=300,
            allowed=can_open_reports,
        ),
    ]
    # The submenu shows when one of its items does (Wagtail hides an empty one).
    return SubmenuMenuItem("Reports", Menu(items=items), icon_name="table", order=255)


@hooks.register("register_user_listing_buttons")
def learner_record_button(user, request_user):
    if may_see_learner(request_user, user):
        yield ListingButton("Learner record", reverse("reports:learner", args=[user.pk]), priority=5)
