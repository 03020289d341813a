"""Queue the daily digest of practice work waiting for review, for each reviewer who chose it
(ReviewEmailSetting). Run it daily from cron; a reviewer gets at most one digest in 20 hours, and
none when nothing new came in. The background worker (`db_worker --backend emails`) sends them."""

from django.core.management.base import BaseCommand

from courses.notifications import send_review_digests


class Command(BaseCommand):
    help = "Queue the daily digest of practice tasks waiting for review (reviewers who chose it)."

    def handle(self, *args, **options):
        queued = send_review_digests()
        self.stdout.write(f"Queued {queued} digest{'s' if queued != 1 else ''}.")
