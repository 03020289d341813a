"""Trainers may revoke and reissue certificates and download them in bulk
(`certificates.manage_certificates`). As in lms/0002 and lms/0004, the permission is created here
first, since on a fresh database Django creates permissions only after every migration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Trainers"
CODENAME = "manage_certificates"


def manage_permission(apps):
    app_config = apps.get_app_config("certificates")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="certificates", codename=CODENAME)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(manage_permission(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="certificates", codename=CODENAME)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0006_default_templates"),
        ("lms", "0002_trainers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
