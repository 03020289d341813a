"""Organisation managers: Organisation.managers, the "Organisation managers" group (admin access,
assign courses and see assignments, scoped to their organisations by lms.scoping), and
`lms.view_all_learners`, given to the Trainers group so trainers keep seeing everyone.

As in lms/0002, the permissions are created here first, since on a fresh database Django creates
them only after every migration.
"""

from django.conf import settings
from django.db import migrations, models

from lms.migration_operations import create_app_permissions

TRAINERS = "Trainers"
MANAGERS = "Organisation managers"
MANAGER_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("courses", "add_assignment"),
    ("courses", "view_assignment"),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_label in ["lms", "courses", "wagtailadmin"]:
        create_app_permissions(apps, app_label)

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    trainers, _ = Group.objects.get_or_create(name=TRAINERS)
    trainers.permissions.add(permission("lms", "view_all_learners"))
    managers, _ = Group.objects.get_or_create(name=MANAGERS)
    managers.permissions.add(*(permission(app, codename) for app, codename in MANAGER_PERMISSIONS))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=MANAGERS).delete()
    trainers = Group.objects.filter(name=TRAINERS).first()
    if trainers:
        trainers.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="lms", codename="view_all_learners"
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ('lms', '0007_identity_providers'),
        ('courses', '0006_recertification_and_assignments'),
        ('wagtailadmin', '0006_formstate'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='organisation',
            options={'ordering': ['name'], 'permissions': [('view_all_learners', "See every organisation's learners, reports and certificates")]},
        ),
        migrations.AddField(
            model_name='organisation',
            name='managers',
            field=models.ManyToManyField(blank=True, help_text="Members who see this organisation's reports, learners and certificates and assign courses to its people (and nothing about other organisations).", related_name='managed_organisations', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(forwards, backwards),
    ]
