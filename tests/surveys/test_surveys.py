"""Course feedback surveys (issue 12, item 7): Likert items and a comment per course, answered once
per completion and optional; results per course (shares per answer, responses, comments) as a page
and as CSV/XLSX; trainers edit them; shipped courses get a default survey from load_courses."""

import csv
import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from courses.factories import make_user
from courses.models import LessonPage
from courses.services import complete_lesson, enrol, start_retake
from quizzes.factories import make_course
from surveys.models import CourseSurvey, SurveyAnswer, SurveyItem, SurveyResponse
from surveys.services import AlreadyAnswered, submit_survey, survey_results
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

STATEMENTS = ["The course was relevant to my work.", "The lessons were clear."]


@pytest.fixture
def course(db):
    return make_course(title="Q&A basics", quiz=False)


@pytest.fixture
def survey(course):
    survey = CourseSurvey(course=course, comment_prompt="Anything else?")
    survey.items = [SurveyItem(statement=text, sort_order=n) for n, text in enumerate(STATEMENTS)]
    survey.save()
    return survey


def completed(user, course):
    enrolment = enrol(user, course)
    for lesson in LessonPage.objects.descendant_of(course):
        complete_lesson(enrolment, lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    return enrolment


@pytest.fixture
def trainer(db):
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def item_field(survey, index):
    return f"item_{survey.items.all()[index].pk}"


# --- answering ------------------------------------------------------------------------------------


def test_a_learner_who_completed_the_course_answers_once(client, learner, course, survey):
    completed(learner, course)
    client.force_login(learner)
    page = client.get(course.url).content.decode()
    survey_url = reverse("surveys:answer", args=[course.pk])
    assert survey_url in page

    form = client.get(survey_url).content.decode()
    assert "<legend>The course was relevant to my work.</legend>" in form
    assert "Strongly agree" in form and "Anything else? (optional)" in form
    data = {item_field(survey, 0): "5", item_field(survey, 1): "2", "comment": "Great <b>course</b>"}
    response = client.post(survey_url, data)
    assert response.status_code == 302 and response["Location"] == course.url
    response = SurveyResponse.objects.get()
    assert response.comment == "Great <b>course</b>"  # stored as typed
    assert sorted(response.answers.values_list("value", flat=True)) == [2, 5]

    again = client.post(survey_url, {item_field(survey, 0): "1"})  # a second answer is refused
    assert again.status_code == 302
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 2
    assert survey_url not in client.get(course.url).content.decode()  # no more invitation


def test_my_learning_invites_until_answered(client, learner, course, survey):
    other = make_course(title="No survey here", quiz=False)
    completed(learner, other)
    enrolment = completed(learner, course)
    client.force_login(learner)
    survey_url = reverse("surveys:answer", args=[course.pk])
    page = client.get(reverse("dashboard")).content.decode()
    assert page.count("Tell us what you thought") == 1 and survey_url in page
    submit_survey(survey, enrolment, {})
    assert "Tell us what you thought" not in client.get(reverse("dashboard")).content.decode()


def test_every_question_is_optional(client, learner, course, survey):
    completed(learner, course)
    client.force_login(learner)
    response = client.post(reverse("surveys:answer", args=[course.pk]), {item_field(survey, 1): "4"})
    assert response.status_code == 302
    assert list(SurveyAnswer.objects.values_list("item__statement", "value")) == [(STATEMENTS[1], 4)]


def test_not_before_completion_nor_for_others(client, learner, other_learner, course, survey):
    enrol(learner, course)  # enrolled, not complete
    client.force_login(learner)
    assert client.get(reverse("surveys:answer", args=[course.pk])).status_code == 404
    assert reverse("surveys:answer", args=[course.pk]) not in client.get(course.url).content.decode()
    client.force_login(other_learner)  # not enrolled: sent to the course to enrol
    assert client.get(reverse("surveys:answer", args=[course.pk]))["Location"] == course.url
    client.logout()
    assert client.get(reverse("surveys:answer", args=[course.pk])).status_code == 302  # to log in
    assert SurveyResponse.objects.count() == 0


def test_once_per_completion_a_retake_may_answer_again(learner, survey, course):
    enrolment = completed(learner, course)
    submit_survey(survey, enrolment, {survey.items.first().pk: 4})
    with pytest.raises(AlreadyAnswered):
        submit_survey(survey, enrolment, {survey.items.first().pk: 1})
    start_retake(enrolment)
    enrolment = completed(learner, course)
    submit_survey(survey, enrolment, {survey.items.first().pk: 5})
    assert list(SurveyResponse.objects.order_by("cycle").values_list("cycle", flat=True)) == [1, 2]


def test_a_closed_survey_invites_nobody(client, learner, course, survey):
    survey.is_open = False
    survey.save()
    completed(learner, course)
    client.force_login(learner)
    assert client.get(reverse("surveys:answer", args=[course.pk])).status_code == 404


# --- results ----------------------------------------------------------------------------------------


@pytest.fixture
def answered(survey, course):
    """Four responses, hand-made: statement 1 gets 5, 5, 4, 2; statement 2 gets 3, 3 (two skipped)."""
    people = [make_user(email=f"p{n}@example.gov.au", full_name=f"Person {n}") for n in range(4)]
    first, second = survey.items.all()
    comments = ['=HYPERLINK("http://x","y")', "<script>alert(1)</script>", "", "Line one\nline two"]
    plans = [{first.pk: 5, second.pk: 3}, {first.pk: 5, second.pk: 3}, {first.pk: 4}, {first.pk: 2}]
    for person, plan, comment in zip(people, plans, comments, strict=True):
        submit_survey(survey, completed(person, course), plan, comment)
    return survey


def test_results_are_the_shares_of_each_answer(answered):
    results = survey_results(answered)
    assert results.responses == 4
    first, second = results.items
    assert first.answered == 4 and second.answered == 2
    assert [(s.label, s.count, s.percent) for s in first.shares] == [
        ("Strongly disagree", 0, 0),
        ("Disagree", 1, 25),
        ("Neither agree nor disagree", 0, 0),
        ("Agree", 1, 25),
        ("Strongly agree", 2, 50),
    ]
    assert first.agree_percent == 75 and second.agree_percent == 0
    assert [s.percent for s in second.shares] == [0, 0, 100, 0, 0]
    assert [comment for _, comment in results.comments][2] == '=HYPERLINK("http://x","y")'  # newest first
    assert len(results.comments) == 3


def test_results_page_is_an_escaped_infographic_for_trainers(client, trainer, answered):
    sign_in_to_admin(client, trainer)
    html = client.get(reverse("surveys_admin:results", args=[answered.pk])).content.decode()
    assert "<strong>4</strong> responses" in html
    assert "75% agree or strongly agree (4 answered)" in html
    assert 'style="width: 50%"' in html and 'aria-hidden="true"' in html  # the bar, beside its table
    assert re.search(r"Strongly agree</th><td>2</td><td>50%</td>", html)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Line one\nline two" in html  # kept, shown with pre-line
    listing = client.get(reverse("course_surveys:index")).content.decode()
    assert reverse("surveys_admin:results", args=[answered.pk]) in listing


def test_results_download_as_csv_and_xlsx_with_formulas_neutralised(client, trainer, answered):
    sign_in_to_admin(client, trainer)
    response = client.get(reverse("surveys_admin:export", args=[answered.pk, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Submitted", *STATEMENTS, "Comment"]
    assert len(rows) == 5
    assert rows[1][1:3] == ["Strongly agree", "Neither agree nor disagree"]
    assert rows[3][2] == ""  # skipped
    assert '\'=HYPERLINK("http://x","y")' in [row[-1] for row in rows]
    assert rows[1][0] == timezone.localdate().isoformat()

    response = client.get(reverse("surveys_admin:export", args=[answered.pk, "xlsx"]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "'=HYPERLINK" in sheet and "<script>" not in sheet
    assert client.get(reverse("surveys_admin:export", args=[answered.pk, "pdf"])).status_code == 404


def test_learners_and_managers_cannot_see_results(client, learner, answered):
    client.force_login(learner)
    response = client.get(reverse("surveys_admin:results", args=[answered.pk]))
    assert response.status_code in (302, 403)
    assert b"HYPERLINK" not in response.content


# --- editing -----------------------------------------------------------------------------------------


def test_a_trainer_edits_the_statements(client, trainer, survey):
    sign_in_to_admin(client, trainer)
    url = reverse("course_surveys:edit", args=[survey.pk])
    assert client.get(url).status_code == 200
    first, second = survey.items.all()
    data = {
        "course": survey.course_id,
        "intro": "Two minutes, please.",
        "comment_prompt": "What would you change?",
        "is_open": "on",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "2",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-id": first.pk,
        "items-0-statement": first.statement,
        "items-0-ORDER": "1",
        "items-1-id": second.pk,
        "items-1-statement": second.statement,
        "items-1-ORDER": "2",
        "items-1-DELETE": "1",
        "items-2-statement": "I would recommend it.",
        "items-2-ORDER": "3",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    survey.refresh_from_db()
    assert survey.comment_prompt == "What would you change?"
    assert list(survey.items.values_list("statement", flat=True)) == [STATEMENTS[0], "I would recommend it."]


# --- the shipped courses' default survey ------------------------------------------------------------
