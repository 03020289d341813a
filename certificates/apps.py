from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Services import models, which can only be imported once the app registry is ready.
        from allauth.account.signals import email_confirmed

        from courses.signals import course_completed

        from .services import issue_on_completion, issue_on_email_confirmed

        course_completed.connect(issue_on_completion, dispatch_uid="certificates-issue-on-completion")
        email_confirmed.connect(
            issue_on_email_confirmed, dispatch_uid="certificates-issue-on-email-confirmed"
        )
