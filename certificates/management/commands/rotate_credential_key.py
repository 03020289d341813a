"""Rotate the key that signs Open Badges credentials and status lists (certificates/signing.py): a
new key signs from now on; the old one is retired but stays published, so what it signed still
verifies. With --withdraw KID, unpublish a retired key (for example one that leaked): everything
it signed stops verifying. --list shows the keys."""

from django.core.management.base import BaseCommand, CommandError

from certificates.models import CredentialSigningKey
from certificates.signing import rotate_signing_key


class Command(BaseCommand):
    help = "Make a new credential signing key and retire the current one (kept published)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="List the keys and change nothing.")
        parser.add_argument(
            "--withdraw",
            metavar="KID",
            help="Unpublish this retired key: credentials it signed no longer verify.",
        )

    def handle(self, *args, list=False, withdraw=None, **options):  # noqa: A002 - the option's name
        if list:
            for key in CredentialSigningKey.objects.all():
                state = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "signs now"
                self.stdout.write(f"{key.kid}  created {key.created_at:%Y-%m-%d %H:%M}  {state}")
            return
        if withdraw:
            deleted, _ = CredentialSigningKey.objects.filter(kid=withdraw, retired_at__isnull=False).delete()
            if not deleted:
                raise CommandError(f"No retired key {withdraw} (rotate first to retire the signing key).")
            self.stdout.write(f"Withdrew key {withdraw}: credentials it signed no longer verify.")
            return
        key = rotate_signing_key()
        self.stdout.write(f"Credential signing key {key.kid} signs from now on; older keys stay published.")
