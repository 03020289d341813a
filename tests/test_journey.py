"""The whole learner journey through the Django test client: sign-up to a verified certificate."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from courses.models import LessonPage
from lms.models import User
from quizzes.factories import attempt_form_data, correct_option_id, wrong_option_id
from quizzes.models import Attempt, QuizPage

from .conftest import run_on_commit

PASSWORD = "Harbour-Lights-1987"


def sign_up(client, email="kim.nguyen@finance.gov.au", full_name="Kim Nguyen", role="public_servant"):
    """Sign up, then follow the confirmation link from the email (which logs the learner in)."""
    mail.outbox.clear()
    response = client.post(
        reverse("signup"),
        {"full_name": full_name, "email": email, "role": role, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email=email)
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200  # logged in by the confirmation
    return user


def take_quiz(client, quiz, answer_for):
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user__email__isnull=False, quiz=quiz, submitted_at__isnull=True)
    assert response.url == reverse("quizzes:attempt", args=[attempt.pk])
    answers = attempt_form_data(attempt, {q.pk: answer_for(q) for q in attempt.questions})
    response = client.post(reverse("quizzes:attempt", args=[attempt.pk]), answers)
    assert response.status_code == 302
    attempt.refresh_from_db()
    return attempt


@pytest.mark.django_db
def test_sign_up_to_verified_certificate(client, course):
    user = sign_up(client)
    assert user.full_name == "Kim Nguyen"

    # Enrol from the course page.
    page = client.get(course.url)
    assert b"Enrol in this course" in page.content
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302
    page = client.get(course.url)
    assert b"0 of 2 items complete (0%)" in page.content
    assert b'role="progressbar"' in page.content

    # Lessons.
    lesson = LessonPage.objects.descendant_of(course).get()
    assert client.get(lesson.url).status_code == 200
    client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    page = client.get(course.url)
    assert b"1 of 2 items complete (50%)" in page.content
    assert b"Continue where you left off" in page.content

    # The quiz, passed; that completes the course and issues the certificate.
    quiz = QuizPage.objects.descendant_of(course).get()
    with run_on_commit():  # the PDF is rendered once the completion commits
        attempt = take_quiz(client, quiz, correct_option_id)
    assert attempt.passed and attempt.score == 100
    result = client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert b"You passed: 100%" in result.content

    certificate = Certificate.objects.get(user=user)
    assert certificate.learner_name == "Kim Nguyen"
    assert certificate.course_title == course.title
    assert len(certificate.code) >= 32  # 192 random bits, URL-safe base64

    dashboard = client.get(reverse("dashboard"))
    assert certificate.get_download_path().encode() in dashboard.content

    pdf = client.get(certificate.get_download_path())
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Kim Nguyen" in text
    assert course.title in text

    client.logout()
    verify = client.get(certificate.get_verify_path())
    assert verify.status_code == 200
    assert b"Kim Nguyen" in verify.content
    assert course.title.encode() in verify.content


@pytest.mark.django_db
def test_failed_quiz_issues_no_certificate(client, course):
    user = sign_up(client)
    client.post(reverse("courses:enrol", args=[course.pk]))
    lesson = LessonPage.objects.descendant_of(course).get()
    client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    quiz = QuizPage.objects.descendant_of(course).get()
    attempt = take_quiz(client, quiz, wrong_option_id)
    assert attempt.score == 0 and not attempt.passed
    result = client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert b"Not passed yet: 0%" in result.content
    assert not Certificate.objects.filter(user=user).exists()
    assert user.enrolments.get().completed_at is None


@pytest.mark.django_db
def test_second_learner_cannot_reach_first_learners_certificate_or_attempt(client, course, other_learner):
    sign_up(client)
    client.post(reverse("courses:enrol", args=[course.pk]))
    client.post(reverse("courses:complete_lesson", args=[LessonPage.objects.descendant_of(course).get().pk]))
    attempt = take_quiz(client, QuizPage.objects.descendant_of(course).get(), correct_option_id)
    certificate = Certificate.objects.get()

    client.force_login(other_learner)
    assert client.get(certificate.get_download_path()).status_code == 404
    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404


@pytest.mark.django_db
def test_signup_errors_keep_what_was_typed(client):
    response = client.post(
        reverse("signup"),
        {
            "full_name": "Jo Bloggs",
            "email": "not-an-email",
            "role": "councillor",
            "password1": "short",
            "password2": "different",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Jo Bloggs"' in html
    assert 'value="not-an-email"' in html
    assert "Enter a valid email address" in html
    assert "aria-describedby" in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_with_an_existing_email_creates_nothing(client, learner, mailoutbox):
    response = client.post(
        reverse("signup"),
        {
            "full_name": "Dup",
            "email": learner.email.upper(),
            "role": "other",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    # The same answer as a new sign-up (tests/lms/test_accounts.py compares them); the owner is told.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.count() == 1
    assert [m.to for m in mailoutbox] == [[learner.email.upper().lower()]]


@pytest.mark.django_db
def test_quiz_submitted_incomplete_shows_errors_and_keeps_answers(client, course, learner):
    from courses.services import enrol
    from quizzes.factories import make_single_choice
    from quizzes.models import QuizQuestion

    client.force_login(learner)
    enrol(learner, course)
    quiz = QuizPage.objects.descendant_of(course).get()
    QuizQuestion.objects.create(quiz=quiz, question=make_single_choice(name="Second"), sort_order=5)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    first, second = attempt.questions
    chosen = correct_option_id(first)
    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]), attempt_form_data(attempt, {first.pk: chosen})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose an answer to this question." in html
    assert re.search(rf'value="{first.public_id(chosen)}"[^>]*checked', html)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert attempt.answers == {str(first.pk): chosen}


@pytest.mark.django_db
def test_lessons_need_enrolment(client, course, learner):
    lesson = LessonPage.objects.descendant_of(course).get()
    assert client.get(lesson.url).status_code == 302  # to login
    client.force_login(learner)
    response = client.get(lesson.url)
    assert response.status_code == 302 and response.url == course.url


@pytest.mark.django_db
def test_state_changes_require_csrf(course, learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(reverse("courses:enrol", args=[course.pk])).status_code == 403
    assert not learner.enrolments.exists()


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, learner, mailoutbox):
    client.post(reverse("password_reset"), {"email": learner.email})
    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", mailoutbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "New-Harbour-77", "password2": "New-Harbour-77"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("New-Harbour-77")
