from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "xapi"
    verbose_name = "xAPI"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Receivers live in services, which import models: connect them once the registry is ready.
        from certificates.signals import certificate_issued, certificate_reinstated, certificate_revoked
        from courses.signals import (
            course_completed,
            enrolled,
            lesson_completed,
            lesson_viewed,
            task_reviewed,
            task_submitted,
        )
        from quizzes.signals import attempt_started, attempt_submitted

        from . import services

        for signal, receiver in (
            (enrolled, services.on_enrolled),
            (lesson_viewed, services.on_lesson_viewed),
            (lesson_completed, services.on_lesson_completed),
            (task_submitted, services.on_task_submitted),
            (task_reviewed, services.on_task_reviewed),
            (course_completed, services.on_course_completed),
            (attempt_started, services.on_attempt_started),
            (attempt_submitted, services.on_attempt_submitted),
            (certificate_issued, services.on_certificate_issued),
            (certificate_revoked, services.on_certificate_revoked),
            (certificate_reinstated, services.on_certificate_reinstated),
        ):
            signal.connect(receiver, dispatch_uid=f"xapi-{receiver.__name__}")
