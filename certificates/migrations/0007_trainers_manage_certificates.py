"""Trainers may revoke and reissue certificates and download them in bulk
(`certificates.manage_certificates`). As in lms/0002 and lms/0004, the permission is created here
first, since on a fresh database Django creates permissions only after every migration."""

from django.db import migrations

from lms.migration_operations import grant_group_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0006_default_templates"),
        ("lms", "0002_trainers_group"),
    ]

    operations = [grant_group_permissions("Trainers", "certificates", ["manage_certificates"])]
