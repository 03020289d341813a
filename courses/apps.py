from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models and views can only be imported once the app registry is ready.
        from wagtail.signals import page_published, page_unpublished

        from . import views
        from .caching import bump_content_version
        from .items import register_item_type
        from .models import CourseIndexPage, CourseItemMixin, CoursePage, LessonPage
        from .page_context import register_context_provider

        register_item_type(LessonPage)
        register_context_provider(CourseIndexPage, views.catalogue_context)
        register_context_provider(CoursePage, views.course_page_context)
        register_context_provider(CourseItemMixin, views.item_page_context)
        register_context_provider(LessonPage, views.lesson_page_context)

        # Anonymous visitors' cached pages go stale the moment anything is (un)published.
        page_published.connect(bump_content_version, dispatch_uid="courses-bump-on-publish")
        page_unpublished.connect(bump_content_version, dispatch_uid="courses-bump-on-unpublish")
