from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate the provider's database, then serve it: one process where two used to start."

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, address, **options):
        call_command("migrate", verbosity=0)
        call_command("runserver", address, use_reloader=False)
