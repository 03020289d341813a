"""Renewal moved from the certificate to the enrolment (courses.Enrolment.renewal_due_at), so that
courses decides when a course may be retaken without importing certificates. Existing completed
enrolments take the expiry of their current cycle's certificate."""

from django.db import migrations


def copy_expiry(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    Enrolment = apps.get_model("courses", "Enrolment")
    for enrolment_id, cycle, expires_at in Certificate.objects.filter(
        enrolment__isnull=False, expires_at__isnull=False
    ).values_list("enrolment_id", "cycle", "expires_at"):
        Enrolment.objects.filter(pk=enrolment_id, cycle=cycle, completed_at__isnull=False).update(
            renewal_due_at=expires_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0007_trainers_manage_certificates"),
        ("courses", "0007_renewal_due_at"),
    ]

    operations = [migrations.RunPython(copy_expiry, migrations.RunPython.noop)]
