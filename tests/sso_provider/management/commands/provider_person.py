from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from tests.sso_provider.models import Person


class Command(BaseCommand):
    help = "Create or update someone the test provider signs in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("password")
        parser.add_argument("email")
        parser.add_argument("name")
        parser.add_argument("--unverified", action="store_true", help="Send email_verified: false.")

    def handle(self, username, password, email, name, unverified, **options):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.email = email
        user.set_password(password)
        user.save()
        Person.objects.update_or_create(user=user, defaults={"name": name, "email_verified": not unverified})
