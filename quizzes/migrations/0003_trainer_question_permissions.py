"""Trainers manage every question type and grant learners extra time on quizzes.

lms/0002 gave the Trainers group the four permissions on question categories and single choice
questions; this grants the same on the question types added since and on quiz extensions. As in
lms/0002, the permissions are created here first, since on a fresh database Django creates them
only after every migration has run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Trainers"

MODELS = [
    "multipleresponsequestion",
    "truefalsequestion",
    "shortanswerquestion",
    "numericquestion",
    "matchingquestion",
    "orderingquestion",
    "quizextension",
]
ACTIONS = ["add", "change", "delete", "view"]


def trainer_permissions(apps):
    app_config = apps.get_app_config("quizzes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    permissions = list(
        Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    )
    missing = set(codenames) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing after create_permissions: {sorted(missing)}")
    return permissions


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*trainer_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="quizzes",
                codename__in=[f"{action}_{model}" for model in MODELS for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_question_types_and_quiz_settings"),
        ("lms", "0002_trainers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
