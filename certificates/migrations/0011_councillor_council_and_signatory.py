"""A councillor's certificate carries their council (name copied at issue, logo from the council),
and the shipped templates get a signatory block: the default templates with no signatory print
"Registrar, GovSocial Academy" until an administrator names a person. Existing councillor
certificates take their holder's council."""

import django.db.models.deletion
from django.db import migrations, models


SIGNATORY_NAME = "Registrar"
SIGNATORY_TITLE = "GovSocial Academy"


def fill(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    CertificateTemplate.objects.filter(is_default=True, signatory_name="").update(
        signatory_name=SIGNATORY_NAME, signatory_title=SIGNATORY_TITLE
    )
    Certificate = apps.get_model("certificates", "Certificate")
    for certificate in Certificate.objects.filter(
        is_councillor=True, user__organisation__kind="council"
    ).select_related("user__organisation"):
        organisation = certificate.user.organisation
        Certificate.objects.filter(pk=certificate.pk).update(
            organisation=organisation, organisation_name=organisation.name
        )


def unfill(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    CertificateTemplate.objects.filter(signatory_name=SIGNATORY_NAME, signatory_title=SIGNATORY_TITLE).update(
        signatory_name="", signatory_title=""
    )


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0010_certificate_identity_salt'),
        ('lms', '0008_organisation_managers'),
    ]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='organisation',
            field=models.ForeignKey(blank=True, help_text="A councillor's council, whose logo the certificate prints.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='lms.organisation'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='organisation_name',
            field=models.CharField(blank=True, help_text="The council's name when issued (councillors).", max_length=200, verbose_name='council'),
        ),
        migrations.RunPython(fill, unfill),
    ]
