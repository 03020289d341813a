"""Organisation managers may change the due date of, cancel, and resend the invitation of the
assignments of their own organisations' people (Training > Assignments; the views scope every
lookup through lms.scoping): the group gets `courses.change_assignment`, as Trainers have since
lms/0004."""

from django.db import migrations

from lms.migration_operations import grant_group_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0009_review_email_setting"),
        ("lms", "0008_organisation_managers"),
    ]

    operations = [grant_group_permissions("Organisation managers", "courses", ["change_assignment"])]
