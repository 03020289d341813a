from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models and views can only be imported once the app registry is ready.
        from lms.request_cache import register_prefetch

        from . import services, views
        from .caching import connect_invalidation, prefetch_common, prefetch_learner
        from .items import register_item_type
        from .models import CourseIndexPage, CourseItemMixin, CoursePage, HomePage, LessonPage
        from .page_context import register_context_provider
        from .routing import prefetch_enrolment, prefetch_route

        register_item_type(LessonPage)
        register_context_provider(HomePage, views.home_context)
        register_context_provider(CourseIndexPage, views.catalogue_context)
        register_context_provider(CoursePage, views.course_page_context)
        register_context_provider(CourseItemMixin, views.item_page_context)
        register_context_provider(LessonPage, views.lesson_page_context)

        connect_invalidation()
        services.connect_progress_invalidation()
        register_prefetch(prefetch_common)
        register_prefetch(prefetch_learner, with_user=True)
        register_prefetch(prefetch_route)
        register_prefetch(prefetch_enrolment, with_user=True)
