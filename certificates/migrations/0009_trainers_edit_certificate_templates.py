"""Trainers edit the certificate templates (wording, logo, signatory, colours), as the README says:
the Trainers group gets add, change and view on CertificateTemplate. Deleting a template stays with
administrators (a template in use falls back to the default). As in 0007, the permissions are created
here first, since on a fresh database Django creates permissions only after every migration."""

from django.db import migrations

from lms.migration_operations import grant_group_permissions

CODENAMES = ["add_certificatetemplate", "change_certificatetemplate", "view_certificatetemplate"]


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0008_fill_enrolment_renewal_due_at"),
        ("lms", "0002_trainers_group"),
    ]

    operations = [grant_group_permissions("Trainers", "certificates", CODENAMES)]
