from django.core.management.base import BaseCommand, CommandError

from lti.grades import outbox_counts, send_pending


class Command(BaseCommand):
    help = (
        "Send the scores waiting for LTI platforms' gradebooks, oldest first. Exits with an error when "
        "a platform cannot take them; they stay queued."
    )

    def handle(self, *args, **options):
        sent, error = send_pending()
        counts = outbox_counts()
        waiting = counts["pending"] + counts["retrying"]
        self.stdout.write(f"Sent {sent} score(s); {waiting} waiting.")
        if error is not None:
            raise CommandError(f"A platform did not take them: {error}")
