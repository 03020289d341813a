from django.core.management.base import BaseCommand, CommandError

from xapi.services import is_enabled, outbox_counts, send_pending


class Command(BaseCommand):
    help = (
        "Send the xAPI statements waiting in the outbox to the learning record store (XAPI_LRS_URL), "
        "oldest first. Exits with an error when the LRS cannot take them; they stay queued."
    )

    def handle(self, *args, **options):
        if not is_enabled():
            raise CommandError("xAPI is off: set XAPI_LRS_URL to the learning record store's xAPI endpoint.")
        sent, error = send_pending()
        counts = outbox_counts()
        waiting = counts["pending"] + counts["retrying"]
        self.stdout.write(f"Sent {sent} statement(s); {waiting} waiting.")
        if error is not None:
            raise CommandError(f"The learning record store did not take them: {error}")
