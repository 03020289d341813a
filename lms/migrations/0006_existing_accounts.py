"""Accounts move to django-allauth; nothing changes for people who already have one.

- Every existing account gets allauth's record of its email address, verified and primary, so
  certificates keep being issued to them without a confirmation email.
- Trainers' role counts as confirmed (an administrator made them trainers). Other existing roles
  stay claims: an existing councillor waits in the trainers' queue before a new councillor
  certificate is issued (certificates already issued keep their wording).
- The Trainers group may review the queue (lms.review_accounts). As in lms/0002, the permission
  is created here first, since on a fresh database Django creates it only after every migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Trainers"
CODENAME = "review_accounts"


def review_permission(apps):
    app_config = apps.get_app_config("lms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="lms", codename=CODENAME)


def forwards(apps, schema_editor):
    User = apps.get_model("lms", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    Group = apps.get_model("auth", "Group")

    have_record = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email.lower(), verified=True, primary=True)
            for pk, email in User.objects.exclude(pk__in=have_record).exclude(email="").values_list("pk", "email")
        ],
        batch_size=500,
    )
    User.objects.filter(role="trainer").update(role_status="confirmed")

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(review_permission(apps))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="lms", codename=CODENAME))


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0005_accounts_roles_organisations"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
