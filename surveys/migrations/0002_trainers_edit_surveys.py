"""Trainers edit each course's feedback survey and read its results: the Trainers group gets add,
change and view on CourseSurvey (deleting one, with its responses, stays with administrators). As
in lms/0002, the permissions are created here first, since on a fresh database Django creates
permissions only after every migration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Trainers"
CODENAMES = ["add_coursesurvey", "change_coursesurvey", "view_coursesurvey"]


def survey_permissions(apps):
    app_config = apps.get_app_config("surveys")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="surveys", codename__in=CODENAMES)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*survey_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="surveys", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("lms", "0002_trainers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
