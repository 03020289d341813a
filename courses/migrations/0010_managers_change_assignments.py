"""Organisation managers may change the due date of, cancel, and resend the invitation of the
assignments of their own organisations' people (Training > Assignments; the views scope every
lookup through lms.scoping): the group gets `courses.change_assignment`, as Trainers have since
lms/0004."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Organisation managers"


def change_permission(apps):
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="courses", codename="change_assignment")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(change_permission(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="courses", codename="change_assignment")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0009_review_email_setting"),
        ("lms", "0008_organisation_managers"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
