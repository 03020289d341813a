"""The courses app in Wagtail: the access gate on every course page and item it serves, and the
admin's Practice tasks and Training menus (views in courses/admin_views.py)."""

from django.contrib.auth.models import Permission
from django.http import Http404
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from lms.admin_utils import PermissionMenuItem

from . import media, services
from .access import AccessRefused, ModuleLocked, open_course_item
from .admin_views import (
    WorkWaitingPanel,
    can_assign,
    can_bulk_enrol,
    can_view_reports,
    reviewable_lesson_ids,
    task_urlpatterns,
    training_urlpatterns,
)
from .models import CourseItemMixin
from .views import locked_page_response, refusal_response


@hooks.register("before_serve_page")
def gate_course_items(page, request, serve_args, serve_kwargs):
    """Serve a lesson or quiz only to a learner the gate lets in, and remember where they are.

    Privacy refusals are left to Wagtail's own view-restriction check, which runs after this hook
    and answers with its login redirect or password form."""
    if not isinstance(page, CourseItemMixin):
        return None
    try:
        access = open_course_item(request, page)
    except AccessRefused as refusal:
        if refusal.from_privacy:
            return None
        if isinstance(refusal, ModuleLocked):
            return locked_page_response(request, page, refusal)
        return refusal_response(request, refusal)
    request.course_access = access
    services.record_visit(access.enrolment, page, access.context["progress"].viewed_ids)
    return None


@hooks.register("before_serve_document")
def keep_lesson_media_in_lessons(document, request):
    """Video and caption files reach learners only through their lesson (courses.views.
    lesson_media_view, behind the access gate), so a private course's video is never public at
    /documents/. Editors who can open the admin still preview them there."""
    name = document.filename
    if (media.is_video_name(name) or media.is_captions_name(name)) and not request.user.has_perm(
        "wagtailadmin.access_admin"
    ):
        raise Http404("No such document.")


# --- Practice tasks ---------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_practice_task_urls():
    return [
        path("practice-tasks/", include((task_urlpatterns, "practice_tasks"), namespace="practice_tasks"))
    ]


@hooks.register("register_admin_menu_item")
def register_practice_task_menu_item():
    return PermissionMenuItem(
        "Practice tasks",
        reverse("practice_tasks:index"),
        icon_name="tick-inverse",
        order=250,
        allowed=lambda user: bool(reviewable_lesson_ids(user)),
    )


# --- Training: assign courses, bulk enrol, overdue report ---------------------------------------


@hooks.register("register_admin_urls")
def register_training_urls():
    return [path("training/", include((training_urlpatterns, "training"), namespace="training"))]


@hooks.register("register_admin_menu_item")
def register_training_menu():
    items = [
        PermissionMenuItem(
            "Assign a course", reverse("training:assign"), icon_name="calendar", order=100, allowed=can_assign
        ),
        PermissionMenuItem(
            "Bulk enrol from CSV",
            reverse("training:bulk_enrol"),
            icon_name="upload",
            order=200,
            allowed=can_bulk_enrol,
        ),
        PermissionMenuItem(
            "Assignments",
            reverse("training:assignments"),
            icon_name="list-ul",
            order=250,
            allowed=can_view_reports,
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


# --- the admin home page ----------------------------------------------------------------------------


@hooks.register("construct_homepage_panels")
def add_work_waiting_panel(request, panels):
    # First on the page: what a trainer or manager should act on today.
    panels.insert(0, WorkWaitingPanel())
