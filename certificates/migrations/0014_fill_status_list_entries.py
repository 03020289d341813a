"""Give every certificate issued before status lists a random entry of its own, as new ones get
(Certificate._insert_with_status_list_entry): distinct random indexes, list 1 first, a new list
each time one is half full. Revoked ones need nothing more: the bits are read from revoked_at."""

import random

from django.db import migrations

# As in certificates.models (a migration keeps its own copy of what it relies on).
STATUS_LIST_SIZE = 131_072
STATUS_LIST_FILL = STATUS_LIST_SIZE // 2


def fill_entries(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    waiting = list(Certificate.objects.filter(status_list_index__isnull=True).order_by("pk"))
    chooser = random.SystemRandom()
    list_number = 1
    while waiting:
        taken = set(
            Certificate.objects.filter(status_list=list_number).values_list("status_list_index", flat=True)
        )
        room = max(STATUS_LIST_FILL - len(taken), 0)
        batch, waiting = waiting[:room], waiting[room:]
        free = [index for index in range(STATUS_LIST_SIZE) if index not in taken]
        for certificate, index in zip(batch, chooser.sample(free, len(batch)), strict=True):
            certificate.status_list = list_number
            certificate.status_list_index = index
        Certificate.objects.bulk_update(batch, ["status_list", "status_list_index"], batch_size=500)
        list_number += 1


class Migration(migrations.Migration):
    dependencies = [("certificates", "0013_signing_keys_and_status_list_entries")]

    operations = [migrations.RunPython(fill_entries, migrations.RunPython.noop, elidable=True)]
