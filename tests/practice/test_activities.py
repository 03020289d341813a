"""Learners doing each activity: draft a post, metrics exercise, response scenario, plan or
reflection; completion, automatic marking, history of tries and model answers."""

import pytest
from django.urls import reverse

from courses.models import LessonCompletion, TaskSubmission
from courses.services import TaskNeedsApproval, complete_lesson, course_progress
from practice.factories import make_draft_post, make_metrics_exercise, make_reflection, make_scenario
from practice.models import MetricsExercisePage, ScenarioPage
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

GOOD_POST = "Our pools open on Saturday from 6 am. Check times at council.nsw.gov.au/pools #SummerSafety"


def post(client, page, name, data, **kwargs):
    return client.post(reverse(f"practice:{name}", args=[page.pk]), data, **kwargs)


# --- Draft a post -----------------------------------------------------------------------------------


def test_checking_a_post_shows_results_and_a_preview_and_saves_nothing(client, enrolled, module):
    page = make_draft_post(module, require_link=True)
    response = post(
        client, page, "draft_post", {"post": "Email me at jo@example.com #poolsopen", "action": "check"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "jo@example.com" in html and "#poolsopen" in html and "The brief asks for a link" in html
    assert "Preview on X" in html
    assert not TaskSubmission.objects.exists()


def test_a_post_that_fails_the_checks_cannot_be_submitted(client, enrolled, module):
    page = make_draft_post(module, requires_approval=False)
    response = post(client, page, "draft_post", {"post": "x" * 300, "action": "submit"})
    assert response.status_code == 400 and "Fix what the checks found" in response.content.decode()
    assert not TaskSubmission.objects.exists()


def test_automatic_checks_only_complete_a_passing_post(client, enrolled, module):
    page = make_draft_post(module, requires_approval=False)
    response = post(client, page, "draft_post", {"post": GOOD_POST, "action": "submit"})
    assert response.status_code == 302
    submission = TaskSubmission.objects.get()
    assert submission.status == TaskSubmission.Status.APPROVED and submission.text == GOOD_POST
    assert [r["key"] for r in submission.check_results][0] == "length"
    assert course_progress(enrolled).is_complete


def test_a_reviewed_post_waits_for_a_trainer(client, enrolled, module):
    page = make_draft_post(module, requires_approval=True)
    post(client, page, "draft_post", {"post": GOOD_POST, "action": "submit"})
    submission = TaskSubmission.objects.get()
    assert submission.status == TaskSubmission.Status.PENDING
    assert page.pk in course_progress(enrolled).pending_ids
    assert not LessonCompletion.objects.exists()
    html = client.get(page.url).content.decode()
    assert "Waiting for review" in html and "Your submitted post" in html


def test_activities_cannot_be_marked_complete_by_the_button(client, enrolled, module):
    page = make_draft_post(module, requires_approval=False)
    with pytest.raises(TaskNeedsApproval):
        complete_lesson(enrolled, page)
    client.post(reverse("courses:complete_lesson", args=[page.pk]))
    assert not LessonCompletion.objects.exists()
    assert "Mark as complete" not in client.get(page.url).content.decode()


def test_model_answer_only_after_a_submission(client, enrolled, module):
    page = make_draft_post(module, requires_approval=True, model_answer="<p>MODEL-ANSWER-TEXT</p>")
    assert "MODEL-ANSWER-TEXT" not in client.get(page.url).content.decode()
    post(client, page, "draft_post", {"post": GOOD_POST, "action": "check"})
    assert "MODEL-ANSWER-TEXT" not in client.get(page.url).content.decode()
    post(client, page, "draft_post", {"post": GOOD_POST, "action": "submit"})
    assert "MODEL-ANSWER-TEXT" in client.get(page.url).content.decode()


# --- Metrics exercise ---------------------------------------------------------------------------------


def answers(page, user, delta=0.0):
    figures = page.figures_for(user)
    engagement = (figures["likes"] + figures["comments"] + figures["shares"]) / figures["reach"] * 100
    ctr = figures["clicks"] / figures["impressions"] * 100
    return {"answer_0": f"{engagement + delta:.2f}", "answer_1": f"{ctr + delta:.2f}%"}


def test_metrics_marked_on_the_server_within_tolerance(client, enrolled, module, learner):
    page = make_metrics_exercise(module)
    response = post(client, page, "metrics", answers(page, learner, delta=0.5))
    assert response.status_code == 302
    submission = TaskSubmission.objects.get()
    assert submission.status == TaskSubmission.Status.CHANGES
    assert not course_progress(enrolled).is_complete
    html = client.get(page.url).content.decode()
    assert "is not right" in html and "10.0" not in html  # the expected value is not given away
    post(client, page, "metrics", answers(page, learner, delta=0.09))
    submission.refresh_from_db()
    assert submission.status == TaskSubmission.Status.APPROVED and submission.tries == 2
    assert [r.status for r in submission.records.order_by("number")] == ["changes", "approved"]
    assert course_progress(enrolled).is_complete


def test_metrics_answer_must_be_a_number(client, enrolled, module):
    page = make_metrics_exercise(module)
    post(client, page, "metrics", {"answer_0": "ten", "answer_1": ""})
    # An empty answer is a form error (nothing saved); "ten" would be marked wrong.
    assert not TaskSubmission.objects.exists()
    post(client, page, "metrics", {"answer_0": "ten", "answer_1": "1"})
    assert TaskSubmission.objects.get().check_results[0]["message"] == "Give a number."


def test_randomised_figures_differ_per_learner_and_stay_the_same_per_learner(module, learner, other_learner):
    page = make_metrics_exercise(module, randomise_percent=20)
    assert page.figures_for(learner) == MetricsExercisePage.objects.get(pk=page.pk).figures_for(learner)
    assert page.figures_for(learner) != page.figures_for(other_learner)
    assert make_metrics_exercise(module, title="Fixed").figures_for(learner) == page.base_figures()


def test_a_formula_with_an_unknown_figure_is_refused_in_the_editor(module):
    from django.core.exceptions import ValidationError

    page = MetricsExercisePage(
        title="Bad",
        body=[],
        figures=[("figure", {"name": "reach", "label": "Reach", "value": 10})],
        questions=[
            ("question", {"label": "Rate", "formula": "followers / reach", "tolerance": "0.1", "unit": ""})
        ],
    )
    with pytest.raises(ValidationError, match="followers"):
        page.clean()


# --- Scenario -----------------------------------------------------------------------------------------


def test_scenario_branches_and_a_pass_ending_completes_it(client, enrolled, module):
    page = make_scenario(module)
    first = client.get(page.url).content.decode()
    assert "weren&#x27;t collected" in first or "weren't collected" in first
    step = post(client, page, "scenario", {"path": "", "choice": "0"})
    html = step.content.decode()
    assert "Smith St" in html and "They give the street" in html
    end = post(client, page, "scenario", {"path": "0", "choice": "0"}).content.decode()
    assert "A good outcome" in end
    response = post(client, page, "scenario", {"path": "0,0", "action": "finish", "own_reply": "Sorry!"})
    assert response.status_code == 302
    submission = TaskSubmission.objects.get()
    assert submission.status == TaskSubmission.Status.APPROVED
    assert submission.answer["outcome"] == "pass" and submission.text == "Sorry!"
    assert course_progress(enrolled).is_complete


def test_a_fail_ending_is_recorded_and_can_be_tried_again(client, enrolled, module):
    page = make_scenario(module)
    end = post(client, page, "scenario", {"path": "", "choice": "1"}).content.decode()
    assert "More residents pile on" in end and "Not the outcome you want" in end
    post(client, page, "scenario", {"path": "1", "action": "finish"})
    submission = TaskSubmission.objects.get()
    assert submission.status == TaskSubmission.Status.CHANGES and not course_progress(enrolled).is_complete
    post(client, page, "scenario", {"path": "0,0", "action": "finish"})
    submission.refresh_from_db()
    assert submission.status == TaskSubmission.Status.APPROVED and submission.records.count() == 2


@pytest.mark.parametrize("path", ["0,0,0", "5", "0,9", "x", "-1", "0,"])
def test_a_tampered_path_gets_nowhere(client, enrolled, module, path):
    page = make_scenario(module)
    response = post(client, page, "scenario", {"path": path, "action": "finish"})
    assert response.status_code == 302 and not TaskSubmission.objects.exists()
    response = post(client, page, "scenario", {"path": path, "choice": "0"})
    assert response.status_code in (302, 400) and not TaskSubmission.objects.exists()


def test_an_unfinished_path_cannot_be_submitted(client, enrolled, module):
    page = make_scenario(module)
    post(client, page, "scenario", {"path": "0", "action": "finish"})
    assert not TaskSubmission.objects.exists()


def test_scenario_editor_refuses_broken_trees(module):
    from django.core.exceptions import ValidationError

    from practice.factories import COMPLAINT_STEPS, comment, reply

    def scenario(steps):
        return ScenarioPage(title="S", body=[], steps=steps)

    missing = [("step", {**COMPLAINT_STEPS[0][1], "name": "start"})]
    with pytest.raises(ValidationError, match="no step of that name"):
        scenario(missing).clean()
    no_pass = [
        (
            "step",
            {
                "name": "start",
                "comments": [comment("A", "b")],
                "question": "?",
                "choices": [reply("x", "y"), reply("z", "w")],
            },
        )
    ]
    with pytest.raises(ValidationError, match="ends in a pass"):
        scenario(no_pass).clean()
    loop = [
        (
            "step",
            {
                "name": "start",
                "comments": [comment("A", "b")],
                "question": "?",
                "choices": [reply("x", "y", "start"), reply("z", "w", "", "pass")],
            },
        )
    ]
    with pytest.raises(ValidationError, match="always end"):
        scenario(loop).clean()


# --- Reflection ---------------------------------------------------------------------------------------


def test_a_reflection_needs_enough_words_and_waits_for_review(client, enrolled, module):
    page = make_reflection(module, min_words=10)
    assert page.requires_approval
    response = post(client, page, "reflection", {"text": "Too short."})
    assert response.status_code == 400 and "at least 10 words" in response.content.decode()
    table = (
        "<table><tr><th scope='col'>Week</th><th>Post</th></tr><tr><td>1</td>"
        "<td>Pool opening times and safety tips for families</td></tr></table><script>alert(1)</script>"
    )
    assert post(client, page, "reflection", {"text": table}).status_code == 302
    submission = TaskSubmission.objects.get()
    assert submission.text == table and submission.status == TaskSubmission.Status.PENDING
    html = client.get(page.url).content.decode()
    assert "<td>Pool opening times" in html and "<script>alert(1)" not in html


def test_an_automatic_activity_shows_its_model_answer_only_once_complete(client, enrolled, module, learner):
    page = make_metrics_exercise(module, model_answer="<p>MODEL-ANSWER-TEXT</p>")
    post(client, page, "metrics", answers(page, learner, delta=1))
    assert TaskSubmission.objects.get().status == TaskSubmission.Status.CHANGES
    assert "MODEL-ANSWER-TEXT" not in client.get(page.url).content.decode()
    post(client, page, "metrics", answers(page, learner))
    assert "MODEL-ANSWER-TEXT" in client.get(page.url).content.decode()


def test_a_reflection_written_in_plain_text_keeps_its_table_and_list(client, enrolled, module, trainer):
    page = make_reflection(module, min_words=10)
    text = (
        "My plan for the month:\n\n| Week | Topic |\n| --- | --- |\n| 1 | Pool opening times |\n"
        "| 2 | Water safety for kids |\n\n- Reply to questions daily\n- Count clicks to the booking page"
    )
    assert post(client, page, "reflection", {"text": text}).status_code == 302
    assert TaskSubmission.objects.get().text == text  # stored as typed
    html = client.get(page.url).content.decode()
    assert "<th>Topic</th>" in html and "<td>Water safety for kids</td>" in html
    assert "<li>Reply to questions daily</li>" in html
    sign_in_to_admin(client, trainer)
    review = client.get(reverse("practice_tasks:review", args=[TaskSubmission.objects.get().pk]))
    assert "<td>Pool opening times</td>" in review.content.decode()
