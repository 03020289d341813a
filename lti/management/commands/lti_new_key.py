from django.core.management.base import BaseCommand

from lti.jose import new_tool_key
from lti.models import LtiToolKey


class Command(BaseCommand):
    help = (
        "Make a new RS256 key pair for this site as an LTI tool (key rotation): it signs from now on, "
        "and earlier keys stop signing but stay published at /lti/jwks.json, so what they signed still "
        "verifies."
    )

    def handle(self, *args, **options):
        key = new_tool_key()
        LtiToolKey.objects.exclude(pk=key.pk).update(active=False)
        self.stdout.write(f"New tool key {key.kid}: it signs from now on; earlier keys stay published.")
