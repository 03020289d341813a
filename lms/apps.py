from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "GovSocial Academy"

    def ready(self):
        # The receivers use models, which can only be imported once the app registry is ready.
        from allauth.account.signals import email_confirmed, password_reset, user_signed_up
        from allauth.mfa.signals import authenticator_added
        from allauth.socialaccount.signals import social_account_added

        from .accounts import join_organisation_on_confirmation, place_on_sign_up, verify_on_password_reset
        from .mfa import record_enrolment
        from .permissions import connect_invalidation
        from .sso import confirm_vouched_address

        email_confirmed.connect(join_organisation_on_confirmation, dispatch_uid="lms-join-by-domain")
        user_signed_up.connect(place_on_sign_up, dispatch_uid="lms-place-on-sign-up")
        password_reset.connect(verify_on_password_reset, dispatch_uid="lms-verify-on-password-reset")
        social_account_added.connect(confirm_vouched_address, dispatch_uid="lms-sso-confirm-vouched-address")
        authenticator_added.connect(record_enrolment, dispatch_uid="lms-mfa-record-enrolment")
        connect_invalidation()


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our email-login User (no first/last name)."""

    user_viewset = "lms.admin_views.UserViewSet"
