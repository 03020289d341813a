"""Exports never carry a spreadsheet formula; search takes any input; emails are plain text."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from courses.assignments import invitation_email
from courses.models import CoursePage
from lms.exports import neutralise_cell

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_are_neutralised(value):
    assert neutralise_cell(value) == "'" + value


def test_numbers_and_plain_text_are_left_alone():
    assert neutralise_cell(-57.74) == -57.74
    assert neutralise_cell("-57.74") == "-57.74"
    assert neutralise_cell("Kim Nguyen") == "Kim Nguyen"
    assert neutralise_cell(None) == ""


def test_the_records_csv_neutralises_what_a_learner_typed(client, learner):
    learner.full_name = '=HYPERLINK("http://evil.example","click")'
    learner.save()
    client.force_login(learner)
    response = client.get(reverse("my_records", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") or "=HYPERLINK" in cell for cell in cells)


@pytest.mark.parametrize("query", ['"', "'", '"unclosed', "AND", "(", "*", "NEAR(", "-", "a:b", "<script>"])
def test_catalogue_search_answers_any_input(client, course, query):
    response = client.get("/courses/", {"q": query})
    assert response.status_code == 200
    assert b"<script>" not in response.content


def test_catalogue_search_still_finds_words_next_to_punctuation(client, course):
    response = client.get("/courses/", {"q": '"basics"'})
    assert course.title.encode() in response.content


def test_email_subjects_and_bodies_are_not_html_escaped(learner, course):
    CoursePage.objects.filter(pk=course.pk).update(title="Q&A: O'Brien's <social> media")
    course.refresh_from_db()
    learner.full_name = "Siobhán O'Brien"
    from courses.assignments import assign_course

    (assignment,) = assign_course(course, [learner], __import__("datetime").date(2031, 1, 1), None)
    message = invitation_email(learner, assignment)
    assert message.subject == "You have been enrolled in “Q&A: O'Brien's <social> media” at GovSocial Academy"
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    assert mail.outbox == []  # built, not sent
