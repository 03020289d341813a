"""Trainers assign training: add, change and view assignments (courses.Assignment).

`courses.add_assignment` opens "Assign a course" and "Bulk enrol from CSV" in the admin's Training
menu; `courses.view_assignment` opens the overdue report. As in lms/0002, the permissions are
created here first, since on a fresh database Django creates them only after every migration.
"""

from django.db import migrations

from lms.migration_operations import grant_group_permissions

CODENAMES = ["add_assignment", "change_assignment", "view_assignment"]


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_alter_user_is_staff"),
        ("courses", "0006_recertification_and_assignments"),
    ]

    operations = [grant_group_permissions("Trainers", "courses", CODENAMES)]
