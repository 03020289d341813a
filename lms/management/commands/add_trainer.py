import getpass
import sys

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from lms.models import User
from lms.services import mark_email_verified, set_confirmed_role

TRAINERS_GROUP = "Trainers"
PASSWORD_TRIES = 3


class Command(BaseCommand):
    help = (
        "Create a trainer account (or promote an existing user) who can author courses in the admin. "
        "The operator running it vouches for the email address, which counts as confirmed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", help="Full name (required for a new account).")
        parser.add_argument(
            "--password",
            help="Password for a new account, for scripts (prompted twice, hidden, if omitted and run "
            "in a terminal).",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never prompt: a new account then needs --password.",
        )

    def ask_password(self, user):
        """Ask for the password twice, hidden, until both match and it passes the site's password
        rules (a few tries, as createsuperuser does)."""
        for _ in range(PASSWORD_TRIES):
            password = getpass.getpass("Password: ")
            if not password:
                self.stderr.write("The password cannot be empty.")
                continue
            if getpass.getpass("Password (again): ") != password:
                self.stderr.write("The passwords did not match. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError("No password set: the account was not created.")

    def handle(self, *args, email, name, password, interactive=True, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"'{email}' is not a valid email address.") from error
        group = Group.objects.filter(name=TRAINERS_GROUP).first()
        if group is None:
            raise CommandError("The Trainers group is missing: run `manage.py migrate` first.")
        if not User.objects.filter(email__iexact=email).exists():
            if not name:
                raise CommandError("A new trainer needs --name (their full name).")
            if not password:
                if not interactive or not sys.stdin.isatty():
                    raise CommandError(
                        "A new trainer needs a password: give --password, or run it in a terminal."
                    )
                password = self.ask_password(User(email=email, full_name=name))
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=password, full_name=name)
                verb = "Created"
            else:
                verb = "Promoted"
            set_confirmed_role(user, User.Role.TRAINER)
            mark_email_verified(user)
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{verb} trainer {user.full_name} <{user.email}>."))
