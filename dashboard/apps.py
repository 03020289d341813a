from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """What gathers every app's records for one person: My learning and the records export.
    It may import every app; no app imports it."""

    name = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"
