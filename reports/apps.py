from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports for trainers and organisation managers in the Wagtail admin (the Reports menu):
    per course, per organisation, per learner. Sits on top: it reads courses, quizzes and
    certificates, and no app imports it (lms links to the learner record through the URL that
    reports/wagtail_hooks.py registers in lms.admin_utils)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"
