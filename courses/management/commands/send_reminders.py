"""Email learners about assigned training that is due soon or overdue, and certificates that are
about to expire or have expired. Run it daily from cron; each reminder goes out at most once per
stage and enrolment cycle, so running it more often (or twice at once) sends nothing twice."""

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError

from courses.reminders import DUE_SOON_DAYS, Stage, reminders_due, send_reminder


class Command(BaseCommand):
    help = (
        f"Email reminders: assigned courses due within {DUE_SOON_DAYS} days or overdue, and "
        "certificates expiring soon or expired. Each is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the reminders that would be sent; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        reminders = reminders_due()
        counts = dict.fromkeys(Stage.values, 0)
        failed = skipped = 0
        if dry_run:
            for reminder in reminders:
                self.stdout.write(f"Would send {reminder.describe()}")
                counts[reminder.stage] += 1
        else:
            with get_connection() as connection:
                for reminder in reminders:
                    try:
                        sent = send_reminder(reminder, connection=connection)
                    except Exception as error:
                        failed += 1
                        self.stderr.write(f"Failed ({error}): {reminder.describe()}; will retry next run.")
                        continue
                    if sent:
                        counts[reminder.stage] += 1
                        if options["verbosity"] > 1:
                            self.stdout.write(f"Sent {reminder.describe()}")
                    else:
                        skipped += 1  # sent meanwhile by another run
        verb = "Would send" if dry_run else "Sent"
        breakdown = ", ".join(f"{Stage(stage).label.lower()} {count}" for stage, count in counts.items())
        summary = f"{verb} {sum(counts.values())} reminder(s): {breakdown}."
        if skipped:
            summary += f" {skipped} already sent by another run."
        self.stdout.write(self.style.SUCCESS(summary) if not failed else summary)
        if failed:
            raise CommandError(f"{failed} reminder(s) could not be sent; they will be retried next run.")
