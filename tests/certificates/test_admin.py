"""The Certificates menu in the Wagtail admin: templates with a live preview, revoke, reissue, ZIP."""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateRevision, CertificateTemplate
from courses.factories import make_user
from lms.models import Organisation, User
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

from .conftest import certificate_for
from .test_pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser(
        email="admin@example.gov.au", password="a-Long-pass-phrase-42", full_name="Ada Admin"
    )


def template_form_data(template, **changes):
    data = {
        "name": template.name,
        "kind": template.kind,
        "is_default": "on" if template.is_default else "",
        "heading": template.heading,
        "body": template.body,
        "logo": template.logo_id or "",
        "logo_alt": template.logo_alt,
        "signatory_name": template.signatory_name,
        "signatory_title": template.signatory_title,
        "signature": template.signature_id or "",
        "primary_colour": template.primary_colour,
        "accent_colour": template.accent_colour,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def zip_names(response):
    assert response.streaming  # streamed, not built in memory first
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    return archive, sorted(archive.namelist())


# --- permissions and menu -----------------------------------------------------------------------


def test_trainers_group_may_manage_certificates(trainer):
    assert trainer.has_perm("certificates.manage_certificates")
    assert (
        Permission.objects.get(codename="manage_certificates")
        in Group.objects.get(name="Trainers").permissions.all()
    )


def test_trainer_sees_the_certificates_menu(client, trainer):
    sign_in_to_admin(client, trainer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Certificates" in html
    assert reverse("certificates_admin:issued") in html


def test_learner_never_gets_the_zip_or_the_list(client, learner, other_learner, certificate):
    client.force_login(other_learner)
    for url in [reverse("certificates_admin:zip"), reverse("certificates_admin:issued")]:
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert response.get("Content-Type") != "application/zip"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login"))


def test_admin_user_without_the_permission_is_turned_away(client, certificate):
    # Wagtail answers PermissionDenied in the admin by sending the user to the admin home page.
    editor = make_user(email="editor@example.gov.au", full_name="Eddie Editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    sign_in_to_admin(client, editor)
    for url in [
        reverse("certificates_admin:zip"),
        reverse("certificates_admin:revoke", args=[certificate.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert (
        client.post(reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "x"}).status_code
        == 302
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


# --- issued certificates: list, revoke, reissue ---------------------------------------------------


def test_trainer_lists_and_filters_certificates(client, trainer, learner, course):
    certificate = certificate_for(learner, course)
    other = certificate_for(
        make_user(email="b@example.gov.au", full_name="Bo Other"), make_course(title="Other")
    )
    sign_in_to_admin(client, trainer)
    html = client.get(reverse("certificates_admin:issued")).content.decode()
    assert "Alex Citizen" in html and "Bo Other" in html
    html = client.get(reverse("certificates_admin:issued"), {"course": course.pk}).content.decode()
    assert "Alex Citizen" in html and "Bo Other" not in html
    html = client.get(reverse("certificates_admin:issued"), {"q": other.code}).content.decode()
    assert "Bo Other" in html and "Alex Citizen" not in html
    html = client.get(reverse("certificates_admin:issued"), {"q": "alex"}).content.decode()
    assert reverse("certificates_admin:revoke", args=[certificate.pk]) in html
    assert reverse("certificates_admin:revoke", args=[other.pk]) not in html


def test_trainer_revokes_with_a_reason(client, trainer, certificate):
    sign_in_to_admin(client, trainer)
    url = reverse("certificates_admin:revoke", args=[certificate.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is required
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = client.post(url, {"reason": "Issued to the wrong person"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_by == trainer
    assert certificate.revoked_reason == "Issued to the wrong person"
    assert "Status: revoked" in client.get(certificate.get_verify_path()).content.decode()


def test_trainer_reissues_after_a_name_correction(client, trainer, learner, certificate):
    learner.full_name = "Alex Q. Citizen"
    learner.save()
    sign_in_to_admin(client, trainer)
    url = reverse("certificates_admin:reissue", args=[certificate.pk])
    page = client.get(url).content.decode()
    assert "Alex Q. Citizen" in page
    response = client.post(url, {"reason": "Middle initial added"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.learner_name == "Alex Q. Citizen"
    revision = CertificateRevision.objects.get(certificate=certificate)
    assert (revision.old_learner_name, revision.reissued_by) == ("Alex Citizen", trainer)
    assert "Middle initial added" in client.get(url).content.decode()  # history on the page


# --- bulk ZIP -----------------------------------------------------------------------------------


@pytest.fixture
def issued(course):
    """Five certificates: two organisations, two courses, three issue dates, one PDF not ready."""
    finance = Organisation.objects.create(name="Department of Finance")
    council = Organisation.objects.create(name="Shire Council", kind="council")
    other_course = make_course(title="Crisis communication")

    def issue(email, name, organisation, on_course, issued_on):
        user = make_user(email=email, full_name=name, organisation=organisation)
        certificate = certificate_for(user, on_course)
        moment = timezone.make_aware(datetime.combine(issued_on, datetime.min.time().replace(hour=10)))
        Certificate.objects.filter(pk=certificate.pk).update(issued_at=moment)
        certificate.refresh_from_db()
        return certificate

    return {
        "ann": issue("ann@finance.gov.au", "Ann Finance", finance, course, date(2026, 3, 1)),
        "ben": issue("ben@finance.gov.au", "Ben Finance", finance, other_course, date(2026, 5, 10)),
        "cat": issue("cat@shire.nsw.gov.au", "Cat Council", council, course, date(2026, 5, 20)),
        "dan": issue("dan@shire.nsw.gov.au", "Dan Council", council, course, date(2026, 7, 1)),
        "eve": issue("eve@finance.gov.au", "Eve Pending", finance, course, date(2026, 5, 15)),
        "finance": finance,
        "council": council,
        "other_course": other_course,
    }


def zip_for(client, **params):
    response = client.get(reverse("certificates_admin:zip"), params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zip_names(response)


def codes_in(names):
    # Entries are "<course>/<learner>-<first 10 characters of the code>.pdf".
    return sorted(name[-14:-4] for name in names)


ZIP_FILTERS = [
    ({}, ["ann", "ben", "cat", "dan"]),
    ({"course": "course"}, ["ann", "cat", "dan"]),
    ({"course": "other_course"}, ["ben"]),
    ({"organisation": "finance"}, ["ann", "ben"]),
    ({"organisation": "council", "course": "course"}, ["cat", "dan"]),
    ({"issued_from": "2026-05-01", "issued_to": "2026-05-31"}, ["ben", "cat"]),
    ({"organisation": "council", "issued_from": "2026-06-01"}, ["dan"]),
]


def test_zip_holds_exactly_the_filtered_ready_certificates(client, trainer, course, issued, subtests):
    # One set of rendered certificates for every filter (each render takes a while); one subtest each.
    Certificate.objects.filter(pk=issued["eve"].pk).update(render_status="pending")  # not ready: left out
    sign_in_to_admin(client, trainer)
    objects = {"course": course, **issued}
    for filters, expected in ZIP_FILTERS:
        with subtests.test(filters=filters):
            params = {key: objects[value].pk if value in objects else value for key, value in filters.items()}
            archive, names = zip_for(client, **params)
            assert codes_in(names) == sorted(issued[key].code[:10] for key in expected)
            for name in names:
                data = archive.read(name)
                assert data.startswith(b"%PDF-")
            first = next(issued[key] for key in expected)
            entry = next(name for name in names if first.code[:10] in name)
            assert first.learner_name in pdf_text(archive.read(entry))


def test_zip_with_nothing_to_download_goes_back_to_the_list(client, trainer, issued):
    sign_in_to_admin(client, trainer)
    response = client.get(reverse("certificates_admin:zip"), {"issued_from": "2030-01-01"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("certificates_admin:issued"))


# --- templates and the live preview ---------------------------------------------------------------


def test_superuser_edits_templates_and_the_edit_page_has_a_preview_button(client, superuser):
    sign_in_to_admin(client, superuser)
    template = CertificateTemplate.objects.get(kind="standard", is_default=True)
    assert client.get(reverse("certificate_templates:index")).status_code == 200
    page = client.get(reverse("certificate_templates:edit", args=[template.pk])).content.decode()
    preview_url = reverse("certificate_templates:preview") + f"?pk={template.pk}"
    assert f'formaction="{preview_url}"' in page
    assert 'formtarget="_blank"' in page

    response = client.post(
        reverse("certificate_templates:edit", args=[template.pk]),
        template_form_data(template, heading="Certificate of participation"),
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.heading == "Certificate of participation"


def test_trainer_edits_a_template_and_previews_it(client, trainer):
    """The README says trainers edit the certificate templates: the Trainers group has add, change
    and view (certificates/0009), and sees the Templates menu item, the edit form and the preview."""
    sign_in_to_admin(client, trainer)
    template = CertificateTemplate.objects.get(kind="standard", is_default=True)
    assert client.get(reverse("certificate_templates:index")).status_code == 200
    assert reverse("certificate_templates:index") in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(reverse("certificate_templates:edit", args=[template.pk])).status_code == 200

    response = client.post(
        reverse("certificate_templates:edit", args=[template.pk]),
        template_form_data(template, heading="Certificate of participation"),
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.heading == "Certificate of participation"

    response = client.post(
        reverse("certificate_templates:preview") + f"?pk={template.pk}", template_form_data(template)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Certificate of participation" in pdf_text(response.content)


def test_trainer_may_not_delete_a_template(client, trainer):
    sign_in_to_admin(client, trainer)
    template = CertificateTemplate.objects.get(kind="standard", is_default=True)
    response = client.post(reverse("certificate_templates:delete", args=[template.pk]))
    assert response.status_code in (302, 403)
    assert CertificateTemplate.objects.filter(pk=template.pk).exists()


def test_without_the_template_permissions_a_user_is_refused(client, trainer):
    trainers = Group.objects.get(name="Trainers")
    trainers.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="certificates", codename__endswith="certificatetemplate"
        )
    )
    sign_in_to_admin(client, trainer)
    assert client.get(reverse("certificate_templates:index")).status_code in (302, 403)
    response = client.post(reverse("certificate_templates:preview"), {})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert response.get("Content-Type") != "application/pdf"


def test_preview_renders_unsaved_form_data_and_saves_nothing(client, superuser, wagtail_image):
    sign_in_to_admin(client, superuser)
    template = CertificateTemplate.objects.get(kind="councillor", is_default=True)
    before = list(CertificateTemplate.objects.values())
    counts = (Certificate.objects.count(), CertificateRevision.objects.count())
    logo = wagtail_image(title="Shire crest")
    data = template_form_data(
        template,
        heading="Councillor statement of attainment",
        signatory_name="Mayor Pat Example",
        logo=logo.pk,
        primary_colour="#5a0030",
    )
    response = client.post(reverse("certificate_templates:preview") + f"?pk={template.pk}", data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = pdf_text(response.content)
    assert "Councillor statement of attainment" in text
    assert "Mayor Pat Example" in text
    assert "Alex Sample" in text
    assert "CPD HOURS: 2.5" in text.upper()
    assert list(CertificateTemplate.objects.values()) == before  # nothing persisted
    assert (Certificate.objects.count(), CertificateRevision.objects.count()) == counts


def test_preview_of_a_new_template_before_it_exists(client, superuser):
    sign_in_to_admin(client, superuser)
    count = CertificateTemplate.objects.count()
    data = template_form_data(CertificateTemplate(name="Draft", kind="standard", heading="Brand new heading"))
    response = client.post(reverse("certificate_templates:preview"), data)
    assert response.status_code == 200
    assert "Brand new heading" in pdf_text(response.content)
    assert CertificateTemplate.objects.count() == count


def test_preview_explains_form_errors(client, superuser):
    sign_in_to_admin(client, superuser)
    template = CertificateTemplate.objects.get(kind="standard", is_default=True)
    data = template_form_data(template, primary_colour="navy", body="No placeholders here")
    response = client.post(reverse("certificate_templates:preview") + f"?pk={template.pk}", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a colour as #rrggbb" in html
    assert "exactly once" in html
    template.refresh_from_db()
    assert template.primary_colour == "#00305a"
