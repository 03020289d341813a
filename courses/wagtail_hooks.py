from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_urls")
def register_practice_task_urls():
    from .admin_tasks import urlpatterns

    return [path("practice-tasks/", include((urlpatterns, "practice_tasks"), namespace="practice_tasks"))]


class ReviewerMenuItem(MenuItem):
    def is_shown(self, request):
        from .admin_tasks import reviewable_lesson_ids

        return bool(reviewable_lesson_ids(request.user))


@hooks.register("register_admin_menu_item")
def register_practice_task_menu_item():
    return ReviewerMenuItem(
        "Practice tasks", reverse("practice_tasks:index"), icon_name="tick-inverse", order=250
    )
