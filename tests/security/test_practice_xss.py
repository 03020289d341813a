"""The XSS corpus through every practice activity's fields: what a learner types (a post, its alt
text, a scenario's own reply, metrics answers, a reflection) and what a trainer types into an
activity (titles, scenario comments and replies, figure and question labels, rubric criteria)
never runs where it is shown: the activity pages, the admin's review and editor, the reports,
the records export and the certificate PDF."""

import csv
import io

import pytest
from django.urls import reverse

from certificates.pdf import render_certificate_pdf
from courses.models import ModulePage, TaskSubmission
from courses.services import enrol, review_task
from practice.factories import (
    COMPLAINT_STEPS,
    ENGAGEMENT_FIGURES,
    ENGAGEMENT_QUESTIONS,
    make_draft_post,
    make_metrics_exercise,
    make_reflection,
    make_scenario,
)
from quizzes.factories import make_course

from ..certificates.test_pdf import pdf_text
from ..conftest import run_on_commit
from .test_xss import CORPUS, assert_inert

pytestmark = pytest.mark.django_db


def tainted(value, payload):
    """A copy of a StreamField value with the payload added to every string in it."""
    if isinstance(value, dict):
        return {
            k: v if k in ("name", "next_step", "outcome", "formula", "tolerance") else tainted(v, payload)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [tainted(v, payload) for v in value]
    if isinstance(value, tuple):
        return (value[0], tainted(value[1], payload))
    if isinstance(value, str) and not value.replace(".", "").isdigit():
        return f"{value} {payload}"
    return value


@pytest.fixture
def payload():
    return CORPUS


@pytest.fixture
def activities(payload, learner, client):
    learner.full_name = f"Kim {payload}"
    learner.save()
    course = make_course(title=f"Practice {payload}", kinds=("practice",), lessons_per_module=0, quiz=False)
    module = ModulePage.objects.child_of(course).get()
    rubric = [
        (
            "criterion",
            {
                "criterion": f"Tone {payload}",
                "levels": [
                    {"label": f"Low {payload}", "points": 0, "description": payload},
                    {"label": "High", "points": 2, "description": ""},
                ],
            },
        )
    ]
    pages = {
        "post": make_draft_post(
            module,
            title=f"Post {payload}",
            requires_approval=True,
            rubric=rubric,
            words_to_avoid="synergy",
            model_answer="<p>Model</p>",
        ),
        "scenario": make_scenario(
            module,
            title=f"Scenario {payload}",
            steps=tainted(COMPLAINT_STEPS, payload),
            requires_approval=True,
        ),
        "metrics": make_metrics_exercise(
            module,
            title=f"Metrics {payload}",
            figures=tainted(ENGAGEMENT_FIGURES, payload),
            questions=tainted(ENGAGEMENT_QUESTIONS, payload),
            requires_approval=True,
        ),
        "reflection": make_reflection(module, title=f"Reflection {payload}", rubric=rubric),
    }
    enrolment = enrol(learner, course)
    client.force_login(learner)
    client.post(
        reverse("practice:draft_post", args=[pages["post"].pk]),
        {"post": f"Pools open Saturday {payload}", "action": "submit"},
    )
    client.post(
        reverse("practice:scenario", args=[pages["scenario"].pk]),
        {"path": "0,0", "action": "finish", "own_reply": f"Sorry {payload}"},
    )
    client.post(
        reverse("practice:metrics", args=[pages["metrics"].pk]), {"answer_0": "10", "answer_1": payload[:40]}
    )
    client.post(
        reverse("practice:reflection", args=[pages["reflection"].pk]),
        {"text": f"<p>My plan for four weeks of posts about the pools and the library.</p>{payload}"},
    )
    submissions = {s.lesson_id: s for s in TaskSubmission.objects.filter(enrolment=enrolment)}
    return {
        "course": course,
        "pages": pages,
        "enrolment": enrolment,
        "submissions": {name: submissions[page.pk] for name, page in pages.items()},
    }


def test_every_activity_stored_what_was_typed(activities, payload):
    submissions = activities["submissions"]
    assert payload in submissions["post"].text and payload in submissions["reflection"].text
    assert submissions["scenario"].text == f"Sorry {payload}"
    assert submissions["metrics"].answer["answers"]["1"] == payload[:40]


def test_activity_pages_escape_the_payload(client, activities):
    for name, page in activities["pages"].items():
        response = client.get(page.url)
        assert response.status_code == 200, name
        assert_inert(response.content.decode(), f"{name} page")


def test_check_results_and_scenario_steps_escape_the_payload(client, activities, payload):
    pages = activities["pages"]
    TaskSubmission.objects.all().delete()  # let the learner try again
    checked = client.post(
        reverse("practice:draft_post", args=[pages["post"].pk]),
        {"post": f"{payload} call 0412 345 678", "action": "check"},
    )
    assert_inert(checked.content.decode(), "post check results")
    step = client.post(reverse("practice:scenario", args=[pages["scenario"].pk]), {"path": "", "choice": "0"})
    assert step.status_code == 200
    assert_inert(step.content.decode(), "scenario step")


def test_admin_review_and_editor_escape_the_payload(admin_client, activities):
    for name, submission in activities["submissions"].items():
        response = admin_client.get(reverse("practice_tasks:review", args=[submission.pk]))
        assert response.status_code == 200, name
        assert_inert(response.content.decode(), f"{name} review")
    assert_inert(admin_client.get(reverse("practice_tasks:index")).content.decode(), "practice tasks")
    for name, page in activities["pages"].items():
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200, name
        assert_inert(response.content.decode(), f"{name} editor")


def test_reviewed_work_and_reports_escape_the_payload(admin_client, client, activities, admin_user, payload):
    submission = activities["submissions"]["reflection"]
    review_task(submission, admin_user, approve=False, feedback=f"Redo {payload}", rubric_levels=[0])
    assert_inert(client.get(activities["pages"]["reflection"].url).content.decode(), "reviewed reflection")
    learner = activities["enrolment"].user
    for where, url in {
        "course report": reverse("reports:course", args=[activities["course"].pk]),
        "learner record": reverse("reports:learner", args=[learner.pk]),
    }.items():
        response = admin_client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)


def test_exports_keep_the_payload_as_text(client, activities, payload):
    records = client.get(reverse("my_records", args=["json"])).json()
    tries = {task["lesson"]: task["tries"] for task in records["practice_tasks"]}
    assert tries[f"Post {payload}"][0]["text"] == f"Pools open Saturday {payload}"  # data, as typed
    assert all("expected" not in str(t["answer"]) for t in tries[f"Metrics {payload}"])  # no answer key
    rows = list(csv.reader(io.StringIO(client.get(reverse("my_records", args=["csv"])).content.decode())))
    assert any(payload in cell for row in rows for cell in row)


def test_a_certificate_earned_through_activities_prints_the_payload_literally(
    activities, admin_user, payload
):
    with run_on_commit():
        for submission in activities["submissions"].values():
            submission.refresh_from_db()
            review_task(
                submission,
                admin_user,
                approve=True,
                rubric_levels=[1] if submission.lesson.specific.rubric else None,
            )
    certificate = activities["enrolment"].certificates.get()
    text = "".join(pdf_text(render_certificate_pdf(certificate)).split())
    assert "".join(f"Kim {payload}".split()) in text and "".join(f"Practice {payload}".split()) in text
