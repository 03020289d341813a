"""Every learner-side form, blank and with errors, walked through the Django test client: each
aria-describedby names an element that exists (Django's `<id>_helptext` / `<id>_error` scheme), each
help text is described-by some control, help is block markup (no list inside a <p>, no empty <p>),
and a page with errors says "Error: " in its title and links every error to a control that can take
focus (GOV.UK error summary)."""

import re

import lxml.html
import pytest
from django.core import mail
from django.urls import reverse

from courses.factories import make_user
from courses.models import LessonPage, ModulePage
from courses.services import enrol
from lms.models import Organisation
from practice.factories import make_draft_post, make_metrics_exercise, make_reflection, make_scenario
from quizzes import factories
from quizzes.factories import make_course
from quizzes.models import QuizPage, QuizQuestion
from quizzes.services import start_attempt

pytestmark = pytest.mark.django_db

FOCUSABLE = {"input", "select", "textarea", "button"}


def check_markup(response, *, errors):
    """Assert the page's form markup rules; return the parsed page."""
    assert response.status_code in (200, 400), response.status_code
    doc = lxml.html.fromstring(response.content)
    ids = set(doc.xpath("//@id"))
    described = doc.xpath("//*[@aria-describedby]")
    referenced = set()
    for element in described:
        for ref in element.get("aria-describedby").split():
            assert ref in ids, f"aria-describedby={ref!r} on #{element.get('id')} names no element"
            referenced.add(ref)
    for help_text in doc.xpath("//*[contains(concat(' ', @class, ' '), ' help ')][@id]"):
        assert help_text.get("id") in referenced, f"help text #{help_text.get('id')} describes no control"
    for paragraph in doc.xpath("//main//p[not(@aria-live)]"):  # a live region waits empty
        assert not paragraph.xpath("ul|ol|div|p"), "block markup inside a <p>"
        assert paragraph.text_content().strip() or paragraph.xpath(".//*"), "an empty <p>"
    title = doc.findtext(".//title")
    if errors:
        assert title.startswith("Error: "), title
        summary = doc.xpath("//*[@data-error-summary]")
        assert len(summary) == 1 and summary[0].get("tabindex") == "-1"
        links = summary[0].xpath(".//a[starts-with(@href, '#')]")
        for link in links:
            target = doc.get_element_by_id(link.get("href")[1:], None)
            assert target is not None, link.get("href")
            assert target.tag in FOCUSABLE and target.get("type") != "hidden", (link.get("href"), target.tag)
        for control in doc.xpath("//*[@aria-invalid='true']"):
            assert f"#{control.get('id')}" in {link.get("href") for link in links} or control.get("type") in (
                "radio",
                "checkbox",
            ), f"#{control.get('id')} is invalid and not in the summary"
    else:
        assert not title.startswith("Error"), title
        assert not doc.xpath("//*[@data-error-summary]")
    return doc


def test_sign_up_and_sign_in_forms(client):
    Organisation.objects.create(name="City of Example", kind="council")
    doc = check_markup(client.get(reverse("account_signup")), errors=False)
    password = doc.get_element_by_id("id_password1")
    help_id = "id_password1_helptext"
    assert help_id in password.get("aria-describedby").split()
    assert doc.get_element_by_id(help_id).tag == "div" and doc.get_element_by_id(help_id).xpath(".//li")
    full_name_help = doc.get_element_by_id("id_full_name_helptext").text_content()
    assert "exactly as it should print" in full_name_help.lower()
    # The first field of the form is Full name (no autofocus pulls focus further down).
    form = doc.xpath("//main//form[@action='/accounts/signup/']")[0]
    fields = form.xpath(".//*[self::input or self::select][not(@type='hidden')]")
    assert fields[0].get("id") == "id_full_name" and not doc.xpath("//*[@autofocus]")

    doc = check_markup(client.post(reverse("account_signup"), {"email": "not-an-address"}), errors=True)
    first_link = doc.xpath("//*[@data-error-summary]//a")[0]
    assert first_link.get("href") == "#id_full_name"
    assert "id_full_name_error" in doc.get_element_by_id("id_full_name").get("aria-describedby").split()

    doc = check_markup(client.post(reverse("account_login"), {"login": "", "password": ""}), errors=True)
    assert doc.xpath("//*[@data-error-summary]//a[@href='#id_login']")


def test_password_reset_forms(client):
    make_user(email="reset@example.gov.au")
    response = client.post(reverse("account_reset_password"), {"email": "not-an-address"})
    check_markup(response, errors=True)
    client.post(reverse("account_reset_password"), {"email": "reset@example.gov.au"})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(link, follow=True)
    check_markup(response, errors=False)
    response = client.post(response.redirect_chain[-1][0], {"password1": "short", "password2": "other"})
    check_markup(response, errors=True)


def test_profile_and_password_change_forms(client, learner):
    Organisation.objects.create(name="City of Example", kind="council")
    client.force_login(learner)
    check_markup(client.get(reverse("profile")), errors=False)
    check_markup(client.post(reverse("profile"), {"full_name": "  "}), errors=True)
    doc = check_markup(client.post(reverse("profile"), {"request_organisation": "1"}), errors=True)
    assert doc.xpath("//*[@data-error-summary]//a[@href='#id_organisation']")
    check_markup(client.get(reverse("account_change_password")), errors=False)
    check_markup(client.post(reverse("account_change_password"), {"oldpassword": "wrong"}), errors=True)


def test_practice_forms(client, learner):
    course = make_course(title="Practice forms", kinds=("practice",), lessons_per_module=1, quiz=False)
    module = ModulePage.objects.child_of(course).get()
    task = LessonPage.objects.child_of(module).get()
    task.task_prompt = "<p>Describe your plan.</p>"
    task.requires_approval = True
    task.save_revision().publish()
    pages = {
        "draft_post": make_draft_post(module),
        "metrics": make_metrics_exercise(module),
        "scenario": make_scenario(module),
        "reflection": make_reflection(module),
    }
    enrol(learner, course)
    client.force_login(learner)
    check_markup(client.get(task.url), errors=False)
    check_markup(client.post(reverse("courses:submit_task", args=[task.pk]), {}), errors=True)
    for name, page in pages.items():
        check_markup(client.get(page.url), errors=False)
        data = {"action": "submit"} if name == "draft_post" else {}
        check_markup(client.post(reverse(f"practice:{name}", args=[page.pk]), data), errors=True)


def test_quiz_form_links_every_error_to_a_control(client, learner):
    course = make_course(title="Quiz forms")
    quiz = QuizPage.objects.descendant_of(course).get()
    for n, make in enumerate(factories.ALL_TYPE_MAKERS[1:], start=1):
        QuizQuestion.objects.create(quiz=quiz, question=make(), sort_order=n)
    enrol(learner, course)
    attempt = start_attempt(learner, quiz)
    client.force_login(learner)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    doc = check_markup(client.get(url), errors=False)
    # Each question is a heading a screen-reader user can jump to.
    headings = doc.xpath("//form[@id='attempt-form']//legend/h2")
    numbers = range(1, len(attempt.questions) + 1)
    assert [h.text_content().split(" (")[0] for h in headings] == [f"Question {n}" for n in numbers]
    doc = check_markup(client.post(url, {"submit": ""}), errors=True)  # a browser always sends something
    assert len(doc.xpath("//*[@data-error-summary]//a")) == len(attempt.questions) == 7
