"""Course packages in the Wagtail admin: the views (content/admin_views.py) and their buttons on
the course page and the catalogue page (header and listing "more" menus)."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from courses.models import CourseIndexPage, CoursePage

from .admin_views import can_export, can_import, urlpatterns


@hooks.register("register_admin_urls")
def register_course_package_urls():
    return [path("course-package/", include((urlpatterns, "course_package"), namespace="course_package"))]


def page_is(page, model):
    return page.specific_class is not None and issubclass(page.specific_class, model)


def package_button(page, user, priority):
    if page_is(page, CoursePage) and page.live and can_export(user, page):
        return Button(
            "Export course package",
            url=reverse("course_package:export", args=(page.pk,)),
            icon_name="download",
            attrs={"title": f"Download '{page.get_admin_display_title()}' as a course package (.zip)"},
            priority=priority,
        )
    if page_is(page, CourseIndexPage) and can_import(user):
        return Button(
            "Import course package",
            url=reverse("course_package:import"),
            icon_name="upload",
            attrs={"title": "Add a course from another site's course package (.zip)"},
            priority=priority,
        )
    return None


@hooks.register("register_page_header_buttons")
def course_package_header_button(page, user, view_name, next_url=None):
    button = package_button(page, user, priority=64)
    return [button] if button else []


@hooks.register("register_page_listing_more_buttons")
def course_package_listing_button(page, user, next_url=None):
    button = package_button(page, user, priority=46)
    return [button] if button else []
