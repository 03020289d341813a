"""`manage.py reset_mfa EMAIL`: for a staff member locked out of two-step sign-in (phone and
recovery codes lost). An administrator confirms who is asking, by phone or in person, first."""

from django.core.management.base import BaseCommand, CommandError

from lms.models import User
from lms.services import reset_two_step


class Command(BaseCommand):
    help = (
        "Remove someone's authenticator app, security keys and recovery codes. They log in with "
        "their password and, if they use the admin, set up a new authenticator app before it opens."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        removed = reset_two_step(user)
        if removed:
            self.stdout.write(
                self.style.SUCCESS(f"Two-step sign-in reset for {user.full_name} <{user.email}>.")
            )
            self.stdout.write(
                "Their next login asks for the password only; the admin then asks them to set up an app."
            )
        else:
            self.stdout.write(f"{user.full_name} <{user.email}> had no two-step sign-in to reset.")
