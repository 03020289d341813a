"""The platforms a drafted post can be written for, with how each counts characters (Dec 2026),
and the Trainers group's permission to update them (*Snippets > Platforms*).

Rows every draft-a-post activity needs, so they are made here rather than by load_courses; a
trainer updates a limit in the admin when a platform changes it. As in lms/0004, permissions are
created first, since on a fresh database Django creates them only after every migration.
"""

from django.db import migrations

from lms.migration_operations import create_app_permissions

PLATFORMS = [
    # name, character limit, every link counts as (0: as typed), one emoji counts as
    ("X", 280, 23, 2),
    ("Facebook", 63206, 0, 1),
    ("Instagram", 2200, 0, 1),
    ("LinkedIn", 3000, 0, 1),
    ("Threads", 500, 0, 1),
    ("Bluesky", 300, 0, 1),
    ("Mastodon", 500, 23, 1),
]
CODENAMES = ["add_platform", "change_platform", "view_platform"]


def add_platforms(apps, schema_editor):
    Platform = apps.get_model("practice", "Platform")
    for name, limit, url_length, emoji_weight in PLATFORMS:
        Platform.objects.get_or_create(
            name=name,
            defaults={"character_limit": limit, "url_length": url_length, "emoji_weight": emoji_weight},
        )
    create_app_permissions(apps, "practice")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Trainers")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="practice", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_initial"),
        ("lms", "0004_trainers_assign_permissions"),
    ]

    operations = [migrations.RunPython(add_platforms, migrations.RunPython.noop)]
