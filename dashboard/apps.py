from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """What gathers every app's records for one person: My learning and the records export.
    It may import every app; no app imports it."""

    name = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.request_cache import register_prefetch

        from .services import prefetch_my_learning

        register_prefetch(prefetch_my_learning, with_user=True)
