from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only learning-record API (/api/v1/) for an agency's HR or reporting system:
    completions, certificates and progress of one organisation's people, behind per-organisation
    tokens (*Settings > API tokens*). Sits on top: it reads courses and certificates, and no app
    imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "Learning-record API"
