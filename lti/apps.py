from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Grade passback listens to the learning events courses and quizzes already send; neither
        # imports this app. Receivers live in grades, which imports models: connect once ready.
        from courses.signals import course_completed
        from quizzes.signals import attempt_submitted

        from . import grades

        attempt_submitted.connect(grades.on_attempt_submitted, dispatch_uid="lti-on_attempt_submitted")
        course_completed.connect(grades.on_course_completed, dispatch_uid="lti-on_course_completed")
