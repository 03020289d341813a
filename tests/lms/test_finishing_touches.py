"""Small things that made the site feel unfinished (issue 15 item 7): the home page's title, the
favicon, one greeting after sign-up, the admin's certificate templates list in words, and
`add_trainer` asking for the password twice."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.urls import reverse

from certificates.models import CertificateTemplate
from courses.factories import make_user
from courses.services import enrol
from lms.models import User
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db


def title_of(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_home_page_title_names_the_site_once(client):
    title = title_of(client.get("/"))
    assert title.count("GovSocial Academy") == 1, title
    assert title == "GovSocial Academy: social media training for the Australian public sector"
    assert title_of(client.get("/courses/")) == "Courses | GovSocial Academy"  # other pages keep it


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/lms/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    icon = finders.find("lms/favicon.ico")
    with open(icon, "rb") as file:
        assert file.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/static/lms/favicon.ico"' in client.get("/").content.decode()


def test_a_new_account_is_greeted_once(client):
    client.post(
        reverse("signup"),
        {
            "email": "priya@example.gov.au",
            "full_name": "Priya Sharma",
            "role": "public_servant",
            "password1": "Long-enough-pass-2026",
            "password2": "Long-enough-pass-2026",
        },
    )
    client.post(reverse("login"), {"login": "priya@example.gov.au", "password": "Long-enough-pass-2026"})
    html = client.get(reverse("dashboard")).content.decode()
    assert html.count("Priya Sharma.") == 1, "greeted more than once"
    assert "Welcome, Priya Sharma. Your account is ready" in html
    assert "Welcome back" not in html and "Successfully signed in" not in html


def test_a_returning_learner_is_welcomed_back_once(client, learner):
    enrol(learner, make_course(quiz=False))
    client.post(reverse("login"), {"login": learner.email, "password": "a-Long-pass-phrase-42"})
    html = client.get(reverse("dashboard")).content.decode()
    assert f"Welcome back, {learner.full_name}." in html
    assert "Your account is ready" not in html and "Successfully signed in" not in html


def test_certificate_templates_list_reads_in_words(client, admin_user):
    sign_in_to_admin(client, admin_user)
    html = client.get(reverse("certificate_templates:index")).content.decode()
    assert CertificateTemplate.objects.filter(is_default=True).exists()
    cells = [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    ]
    assert "Yes, the default" in cells and "Standard" in cells
    assert "True" not in cells and "False" not in cells
    assert "Used for new certificates" in html


class Prompts:
    """Answers to getpass prompts, in order, and the prompts asked."""

    def __init__(self, answers):
        self.answers, self.asked = list(answers), []

    def __call__(self, prompt=""):
        self.asked.append(prompt)
        return self.answers.pop(0)


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)

    def answer(*answers):
        prompts = Prompts(answers)
        monkeypatch.setattr("getpass.getpass", prompts)
        return prompts

    return answer


def test_add_trainer_asks_for_the_password_twice_and_again_on_a_mismatch(terminal, capsys):
    prompts = terminal(
        "Good-Trainer-Pass-26", "Good-Trainer-Pass-62", "Good-Trainer-Pass-26", "Good-Trainer-Pass-26"
    )
    call_command("add_trainer", "tess@example.gov.au", "--name", "Tess Trainer")
    assert prompts.asked == ["Password: ", "Password (again): "] * 2
    assert "did not match" in capsys.readouterr().err
    user = User.objects.get(email="tess@example.gov.au")
    assert user.check_password("Good-Trainer-Pass-26") and user.role == User.Role.TRAINER


def test_add_trainer_gives_up_after_three_tries(terminal):
    terminal("short", "short", "a", "b", "", "")
    with pytest.raises(CommandError, match="not created"):
        call_command("add_trainer", "tess@example.gov.au", "--name", "Tess Trainer")
    assert not User.objects.filter(email="tess@example.gov.au").exists()


def test_add_trainer_without_a_terminal_needs_the_password_option(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--password"):
        call_command("add_trainer", "tess@example.gov.au", "--name", "Tess Trainer")
    with pytest.raises(CommandError, match="--password"):
        call_command("add_trainer", "tess@example.gov.au", "--name", "Tess Trainer", "--no-input")
    call_command(
        "add_trainer",
        "tess@example.gov.au",
        "--name",
        "Tess Trainer",
        "--no-input",
        "--password",
        "Pw-long-enough-1",
    )
    assert User.objects.get(email="tess@example.gov.au").check_password("Pw-long-enough-1")
    make_user(email="learner2@example.gov.au")
    call_command("add_trainer", "learner2@example.gov.au", "--no-input")  # promoting asks for nothing
    assert User.objects.get(email="learner2@example.gov.au").role == User.Role.TRAINER
