"""Trainers edit the certificate templates (wording, logo, signatory, colours), as the README says:
the Trainers group gets add, change and view on CertificateTemplate. Deleting a template stays with
administrators (a template in use falls back to the default). As in 0007, the permissions are created
here first, since on a fresh database Django creates permissions only after every migration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Trainers"
CODENAMES = ["add_certificatetemplate", "change_certificatetemplate", "view_certificatetemplate"]


def template_permissions(apps):
    app_config = apps.get_app_config("certificates")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="certificates", codename__in=CODENAMES)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*template_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="certificates", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0008_fill_enrolment_renewal_due_at"),
        ("lms", "0002_trainers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
