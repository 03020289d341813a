"""Trainers manage every question type and grant learners extra time on quizzes.

lms/0002 gave the Trainers group the four permissions on question categories and single choice
questions; this grants the same on the question types added since and on quiz extensions. As in
lms/0002, the permissions are created here first, since on a fresh database Django creates them
only after every migration has run.
"""

from django.db import migrations

from lms.migration_operations import grant_group_permissions

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


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_question_types_and_quiz_settings"),
        ("lms", "0002_trainers_group"),
    ]

    operations = [
        grant_group_permissions(
            "Trainers", "quizzes", [f"{action}_{model}" for model in MODELS for action in ACTIONS]
        )
    ]
