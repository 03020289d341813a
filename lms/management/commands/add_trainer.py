import getpass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from lms.models import User
from lms.services import mark_email_verified, set_confirmed_role

TRAINERS_GROUP = "Trainers"


class Command(BaseCommand):
    help = (
        "Create a trainer account (or promote an existing user) who can author courses in the admin. "
        "The operator running it vouches for the email address, which counts as confirmed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", help="Full name (required for a new account).")
        parser.add_argument("--password", help="Password for a new account (prompted if omitted).")

    def handle(self, *args, email, name, password, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"'{email}' is not a valid email address.") from error
        group = Group.objects.filter(name=TRAINERS_GROUP).first()
        if group is None:
            raise CommandError("The Trainers group is missing: run `manage.py migrate` first.")
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                if not name:
                    raise CommandError("A new trainer needs --name (their full name).")
                if not password:
                    password = getpass.getpass("Password: ")
                user = User.objects.create_user(email=email, password=password, full_name=name)
                verb = "Created"
            else:
                verb = "Promoted"
            set_confirmed_role(user, User.Role.TRAINER)
            mark_email_verified(user)
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{verb} trainer {user.full_name} <{user.email}>."))
