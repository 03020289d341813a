"""A salt per certificate for the hashed recipient identity of its Open Badges credential. Existing
certificates each get their own salt (a callable default would give every row the same one); their
codes and verification links do not change."""

import secrets

from django.db import migrations, models

import certificates.models


def fill_salts(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    for pk in Certificate.objects.filter(identity_salt="").values_list("pk", flat=True).iterator():
        Certificate.objects.filter(pk=pk).update(identity_salt=secrets.token_hex(16))


class Migration(migrations.Migration):
    dependencies = [("certificates", "0009_trainers_edit_certificate_templates")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="identity_salt",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_salts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="identity_salt",
            field=models.CharField(
                default=certificates.models.new_identity_salt,
                editable=False,
                help_text="Salt of the hashed recipient identity in its Open Badges credential.",
                max_length=64,
            ),
        ),
    ]
