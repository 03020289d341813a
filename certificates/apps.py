from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Services import models, which can only be imported once the app registry is ready.
        from allauth.account.signals import email_confirmed
        from django.db.models.signals import post_delete, post_save

        from courses.signals import course_completed

        from .models import Certificate, forget_learners_certificates
        from .services import issue_on_completion, issue_on_email_confirmed

        course_completed.connect(issue_on_completion, dispatch_uid="certificates-issue-on-completion")
        email_confirmed.connect(
            issue_on_email_confirmed, dispatch_uid="certificates-issue-on-email-confirmed"
        )
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                forget_learners_certificates, sender=Certificate, dispatch_uid=f"certificates-forget-{name}"
            )
