"""The house designs as editable templates (one default per kind), and certificates issued before
background rendering: those with a stored PDF are ready (and count as delivered, so they are not
emailed now); their CPD hours are copied from the course."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

STANDARD = {
    "name": "Standard certificate",
    "kind": "standard",
    "heading": "Certificate of completion",
    "body": "This certifies that\n{name}\nhas completed the course\n{course}",
}
COUNCILLOR = {
    "name": "Councillor certificate",
    "kind": "councillor",
    "heading": "Councillor certificate of completion",
    "body": (
        "This certifies that\n{name}\n"
        "an elected member of local government, has completed the course\n{course}"
    ),
}


def create_defaults(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    for values in (STANDARD, COUNCILLOR):
        if not CertificateTemplate.objects.filter(kind=values["kind"], is_default=True).exists():
            CertificateTemplate.objects.create(
                **values, primary_colour="#00305a", accent_colour="#a8812a", is_default=True
            )

    Certificate = apps.get_model("certificates", "Certificate")
    CoursePage = apps.get_model("courses", "CoursePage")
    Certificate.objects.exclude(pdf="").update(render_status="ready")
    for certificate in Certificate.objects.exclude(pdf="").filter(emailed_at__isnull=True).only("issued_at"):
        Certificate.objects.filter(pk=certificate.pk).update(emailed_at=certificate.issued_at)
    Certificate.objects.filter(course__isnull=False).update(
        cpd_hours=Subquery(CoursePage.objects.filter(pk=OuterRef("course_id")).values("cpd_hours")[:1])
    )


def remove_defaults(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    CertificateTemplate.objects.filter(name__in=[STANDARD["name"], COUNCILLOR["name"]]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0005_templates_rendering_revocation"),
        ("courses", "0006_recertification_and_assignments"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
