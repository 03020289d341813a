"""Trainers edit each course's feedback survey and read its results: the Trainers group gets add,
change and view on CourseSurvey (deleting one, with its responses, stays with administrators). As
in lms/0002, the permissions are created here first, since on a fresh database Django creates
permissions only after every migration."""

from django.db import migrations

from lms.migration_operations import grant_group_permissions

CODENAMES = ["add_coursesurvey", "change_coursesurvey", "view_coursesurvey"]


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("lms", "0002_trainers_group"),
    ]

    operations = [grant_group_permissions("Trainers", "surveys", CODENAMES)]
