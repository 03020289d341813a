"""Queue certificate PDFs that are not ready: those still pending (for example when queueing failed
while the database was unavailable) and, with --failed, those whose rendering gave up. With
--stalled, only those whose worker stopped mid-render (safe to run from cron every few minutes)."""

from django.core.management.base import BaseCommand

from certificates.models import Certificate
from certificates.services import request_render, requeue_stalled_renders


class Command(BaseCommand):
    help = "Queue the PDFs of certificates that are pending (and, with --failed, failed) for rendering."

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="Also retry certificates marked failed.")
        parser.add_argument(
            "--stalled",
            action="store_true",
            help="Only those whose worker stopped mid-render (for cron: renders in progress are left alone).",
        )

    def handle(self, *args, failed=False, stalled=False, **options):
        if stalled:
            count = len(requeue_stalled_renders())
            self.stdout.write(f"Queued {count} stalled certificate PDF{'s' if count != 1 else ''} again.")
            return
        statuses = [Certificate.RenderStatus.PENDING]
        if failed:
            statuses.append(Certificate.RenderStatus.FAILED)
        certificates = Certificate.objects.filter(render_status__in=statuses, revoked_at__isnull=True)
        count = 0
        for certificate in certificates.order_by("pk").iterator():
            request_render(certificate)
            count += 1
        self.stdout.write(f"Queued {count} certificate PDF{'s' if count != 1 else ''} for rendering.")
