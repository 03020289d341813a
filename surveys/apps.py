from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Course feedback surveys: Likert items and a comment, per course, answered once per
    completion; results as an infographic in the admin. Sits above courses; nothing imports it
    except content (which loads the shipped courses' default surveys)."""

    name = "surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models and views can only be imported once the app registry is ready.
        from courses.models import CoursePage
        from courses.page_context import register_context_provider

        from . import views

        register_context_provider(CoursePage, views.course_page_context)
