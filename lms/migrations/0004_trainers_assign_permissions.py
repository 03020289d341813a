"""Trainers assign training: add, change and view assignments (courses.Assignment).

`courses.add_assignment` opens "Assign a course" and "Bulk enrol from CSV" in the admin's Training
menu; `courses.view_assignment` opens the overdue report. As in lms/0002, the permissions are
created here first, since on a fresh database Django creates them only after every migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Trainers"
CODENAMES = ["add_assignment", "change_assignment", "view_assignment"]


def assignment_permissions(apps):
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="courses", codename__in=CODENAMES))
    missing = set(CODENAMES) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing after create_permissions: {sorted(missing)}")
    return permissions


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*assignment_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="courses", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_alter_user_is_staff"),
        ("courses", "0006_recertification_and_assignments"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
