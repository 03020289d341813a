"""Certificates that mean something: issued only to a confirmed email address (a completion waits
until the address is confirmed), and councillor certificates only for a confirmed councillor role."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate, CertificateTemplate
from certificates.services import issue_certificate, issue_waiting_certificates
from courses.enrolment_csv import import_enrolment_csv
from courses.factories import make_user
from courses.models import LessonPage
from courses.services import complete_lesson, enrol
from lms import services
from lms.models import User
from quizzes.factories import make_course

from ..conftest import run_on_commit

pytestmark = pytest.mark.django_db

PASSWORD = "Harbour-Lights-1987"


@pytest.fixture
def short_course(db):
    """A published course with one lesson and no quiz: completing the lesson completes it."""
    return make_course(title="Posting with care", quiz=False)


def complete(user, course):
    enrolment = enrol(user, course)
    with run_on_commit():
        assert complete_lesson(enrolment, LessonPage.objects.descendant_of(course).get())
    enrolment.refresh_from_db()
    return enrolment


def verify_page(client, certificate):
    response = client.get(certificate.get_verify_path())
    assert response.status_code == 200
    return response.content.decode()


# --- a confirmed email address ------------------------------------------------------------------------


def test_the_certificate_waits_for_a_confirmed_address_then_is_issued(client, short_course, mailoutbox):
    # Sign up (the confirmation email goes out), learn and complete before confirming.
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Robin Tran",
            "email": "robin@example.gov.au",
            "role": "public_servant",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(email="robin@example.gov.au")
    (link,) = re.findall(r"http://testserver(/accounts/confirm-email/\S+/)", signup_mail(user).body)
    client.force_login(user)
    enrolment = complete(user, short_course)
    assert enrolment.is_complete
    assert not Certificate.objects.filter(user=user).exists()

    # My learning says so, with a way to send the confirmation again.
    page = client.get(reverse("dashboard")).content.decode()
    assert "waiting for you to confirm your email address" in page
    assert "Posting with care" in page
    assert 'name="action_send"' in page and f'action="{reverse("account_email")}"' in page
    mailoutbox.clear()
    resent = client.post(reverse("account_email"), {"email": user.email, "action_send": ""})
    assert resent.status_code == 302
    # (the first confirmation email was sent moments ago: allauth's cooldown holds the second back)

    with run_on_commit():
        client.post(link)

    certificate = Certificate.objects.get(user=user, enrolment=enrolment)
    assert certificate.course_title == "Posting with care"
    assert certificate.render_status == Certificate.RenderStatus.READY
    assert "waiting for you to confirm" not in client.get(reverse("dashboard")).content.decode()


def signup_mail(user):
    return next(m for m in mail.outbox if m.to == [user.email] and "/confirm-email/" in m.body)


def test_an_unconfirmed_address_gets_no_certificate_even_when_asked_directly(short_course):
    user = make_user(email="unconfirmed@example.gov.au", email_verified=False)
    enrolment = complete(user, short_course)

    assert issue_certificate(enrolment) == (None, False)
    assert issue_waiting_certificates(user) == []
    assert not Certificate.objects.exists()

    services.mark_email_verified(user)
    with run_on_commit():
        (certificate,) = issue_waiting_certificates(user)
    assert certificate.enrolment == enrolment
    assert issue_waiting_certificates(user) == []  # once


def test_an_unconfirmed_second_address_does_not_count(short_course):
    user = make_user(email="main@example.gov.au", email_verified=False)
    EmailAddress.objects.create(user=user, email="other@example.gov.au", verified=True, primary=False)

    complete(user, short_course)

    assert not Certificate.objects.exists()


def test_existing_learners_keep_getting_certificates(short_course, learner):
    # The learner fixture's address is confirmed, as lms/0006 did for every existing account.
    complete(learner, short_course)
    assert Certificate.objects.filter(user=learner).count() == 1


# --- councillor certificates only for a confirmed role ---------------------------------------------------


def test_an_unconfirmed_councillor_gets_the_standard_certificate_and_wording(client, short_course):
    claimant = make_user(email="cr.claim@example.gov.au", role=User.Role.COUNCILLOR, role_confirmed=False)
    assert claimant.claims_councillor and not claimant.is_councillor

    complete(claimant, short_course)

    certificate = Certificate.objects.get(user=claimant)
    assert not certificate.is_councillor
    assert certificate.template.kind == CertificateTemplate.Kind.STANDARD
    page = " ".join(verify_page(client, certificate).split())
    assert "genuine certificate of completion" in page
    assert "councillor" not in page.lower()
    assert "elected member" not in page


def test_a_confirmed_councillor_gets_the_councillor_certificate_and_wording(client, short_course):
    trainer = make_user(email="trainer@example.gov.au", role=User.Role.TRAINER)
    councillor = make_user(email="cr.lee@example.gov.au", role=User.Role.COUNCILLOR, role_confirmed=False)
    services.confirm_role(councillor, trainer)

    complete(councillor, short_course)

    certificate = Certificate.objects.get(user=councillor)
    assert certificate.is_councillor
    assert certificate.template.kind == CertificateTemplate.Kind.COUNCILLOR
    page = " ".join(verify_page(client, certificate).split())
    assert "genuine councillor certificate of completion" in page
    assert "elected member of local government" in page


def test_a_rejected_claim_gets_the_standard_certificate(short_course):
    trainer = make_user(email="trainer@example.gov.au", role=User.Role.TRAINER)
    claimant = make_user(email="cr@example.gov.au", role=User.Role.COUNCILLOR, role_confirmed=False)
    services.reject_role(claimant, trainer)

    complete(claimant, short_course)

    assert not Certificate.objects.get(user=claimant).is_councillor


def test_a_councillor_imported_by_a_trainer_is_confirmed(short_course):
    trainer = make_user(email="trainer@example.gov.au", role=User.Role.TRAINER)
    with run_on_commit():
        import_enrolment_csv(
            "email,full name,organisation,role\n"
            "cr.new@ballarat.vic.gov.au,Casey New,City of Ballarat,councillor\n",
            assigned_by=trainer,
        )
    councillor = User.objects.get(email="cr.new@ballarat.vic.gov.au")
    assert councillor.is_councillor and councillor.role_reviewed_by == trainer
    assert councillor.organisation.name == "City of Ballarat"  # a trainer's import may create it

    # The invitation link proves the address; then the certificate is a councillor one.
    services.mark_email_verified(councillor)
    complete(councillor, short_course)
    assert Certificate.objects.get(user=councillor).is_councillor


def test_a_signed_up_councillor_is_only_a_claim():
    client = Client()
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Casey Claim",
            "email": "casey@example.gov.au",
            "role": "councillor",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(email="casey@example.gov.au")
    assert user.role == User.Role.COUNCILLOR
    assert user.role_status == User.RoleStatus.CLAIMED and not user.is_councillor
