from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Practice activities (draft a post, response scenario, plan or reflection, metrics
    exercise): course items above courses; nothing in courses, quizzes or certificates imports it."""

    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"
