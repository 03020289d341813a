from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Practice activities (draft a post, response scenario, plan or reflection, metrics
    exercise): course items above courses; nothing in courses, quizzes or certificates imports it."""

    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models and views can only be imported once the app registry is ready.
        from courses.page_context import register_context_provider

        from . import views
        from .models import DraftPostPage, MetricsExercisePage, ReflectionPage, ScenarioPage

        register_context_provider(DraftPostPage, views.draft_post_context)
        register_context_provider(MetricsExercisePage, views.metrics_context)
        register_context_provider(ScenarioPage, views.scenario_context)
        register_context_provider(ReflectionPage, views.reflection_context)
