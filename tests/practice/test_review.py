"""Reviewing practice work in the admin's Practice tasks screen: the prompt, the work as written,
the automatic checks, the rubric and feedback; the learner sees scores and feedback; every try is
kept; attachments are checked and private; nobody reaches another learner's submission."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import TaskSubmission
from courses.services import course_progress, review_task, score_rubric
from practice.factories import make_draft_post, make_metrics_exercise, make_reflection, make_scenario
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

RUBRIC = [
    (
        "criterion",
        {
            "criterion": "Clear call to action",
            "levels": [
                {"label": "Not yet", "points": 0, "description": ""},
                {"label": "Meets", "points": 2, "description": "One clear action."},
                {"label": "Exceeds", "points": 3, "description": ""},
            ],
        },
    ),
    (
        "criterion",
        {
            "criterion": "Plain language",
            "levels": [
                {"label": "Not yet", "points": 0, "description": ""},
                {"label": "Meets", "points": 1, "description": ""},
            ],
        },
    ),
]
PLAN = (
    "<p>Week one: opening times.</p><ul><li>Monday post</li><li>Friday reminder</li></ul>"
    "<table><tr><th>Week</th><th>Theme</th></tr><tr><td>1</td><td>Safety</td></tr></table>"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def review_url(submission):
    return reverse("practice_tasks:review", args=[submission.pk])


def submit_reflection(client, page, text=PLAN, **files):
    return client.post(reverse("practice:reflection", args=[page.pk]), {"text": text, **files})


def test_rubric_scoring_adds_the_chosen_levels():
    criteria = [
        {"criterion": "A", "levels": [{"label": "No", "points": 0}, {"label": "Yes", "points": 4}]},
        {"criterion": "B", "levels": [{"label": "Low", "points": 1}, {"label": "High", "points": 3}]},
    ]
    scores, total, maximum = score_rubric(criteria, [1, 0])
    assert (total, maximum) == (5, 7)
    assert scores[1] == {"criterion": "B", "level": "Low", "points": 1, "max_points": 3}
    with pytest.raises(ValueError):
        score_rubric(criteria, [2, 0])
    with pytest.raises(ValueError):
        score_rubric(criteria, [1])


def test_review_screen_shows_prompt_work_checks_and_rubric(client, enrolled, module, trainer):
    page = make_draft_post(module, requires_approval=True, rubric=RUBRIC)
    client.post(
        reverse("practice:draft_post", args=[page.pk]),
        {"post": "Pools open Saturday.\nBring a hat! #SummerSafety", "action": "submit"},
    )
    submission = TaskSubmission.objects.get()
    sign_in_to_admin(client, trainer)
    html = client.get(review_url(submission)).content.decode()
    assert "Tell residents the pool opens on Saturday." in html  # the prompt
    assert "Pools open Saturday.<br>Bring a hat!" in html  # the post as written
    assert "Automatic checks" in html and "of 280 characters on X" in html
    assert "Clear call to action" in html and "Exceeds (3 points)" in html


def test_rubric_review_scores_and_the_learner_sees_them(client, enrolled, module, trainer, learner):
    page = make_reflection(module, rubric=RUBRIC)
    submit_reflection(client, page)
    submission = TaskSubmission.objects.get()
    sign_in_to_admin(client, trainer)
    html = client.get(review_url(submission)).content.decode()
    assert "<li>Monday post</li>" in html and "<td>Safety</td>" in html  # formatted as written
    # A rubric needs a level for each criterion.
    response = client.post(review_url(submission), {"decision": "approve"})
    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.status == TaskSubmission.Status.PENDING
    client.post(
        review_url(submission), {"decision": "approve", "rubric_0": "1", "rubric_1": "1", "feedback": "Good."}
    )
    submission.refresh_from_db()
    assert submission.status == TaskSubmission.Status.APPROVED
    assert (submission.score, submission.max_score) == (3, 4)
    assert course_progress(submission.enrolment).is_complete
    client.force_login(learner)
    html = client.get(page.url).content.decode()
    assert "3 of 4 points" in html and "Good." in html and "Meets" in html


def test_resubmission_keeps_the_history_of_every_try(client, enrolled, module, trainer, learner):
    page = make_reflection(module)
    submit_reflection(client, page, "First plan: one post a week about the pool and its hours.")
    submission = TaskSubmission.objects.get()
    review_task(submission, trainer, approve=False, feedback="Add a measure of success.")
    submit_reflection(client, page, "Second plan: one post a week, measured by clicks to the booking page.")
    submission.refresh_from_db()
    assert submission.tries == 2 and submission.status == TaskSubmission.Status.PENDING
    assert submission.reviewer_feedback == ""
    first, second = submission.records.order_by("number")
    assert first.text.startswith("First plan") and first.status == "changes"
    assert first.reviewer_feedback == "Add a measure of success." and first.reviewer == trainer
    assert second.text.startswith("Second plan") and second.status == "pending"
    sign_in_to_admin(client, trainer)
    html = client.get(review_url(submission)).content.decode()
    assert "Earlier tries" in html and "First plan" in html and "Add a measure of success." in html
    client.force_login(learner)
    assert "Your tries (2)" in client.get(page.url).content.decode()


def test_each_activity_type_has_its_own_review_view_of_the_work(client, enrolled, module, trainer, learner):
    metrics = make_metrics_exercise(module, requires_approval=True)
    scenario = make_scenario(module, requires_approval=True)
    figures = metrics.figures_for(learner)
    client.post(reverse("practice:metrics", args=[metrics.pk]), {"answer_0": "10", "answer_1": "1.5"})
    client.post(reverse("practice:scenario", args=[scenario.pk]), {"path": "0,0", "action": "finish"})
    by_page = {s.lesson_id: s for s in TaskSubmission.objects.all()}
    assert by_page[metrics.pk].status == by_page[scenario.pk].status == TaskSubmission.Status.PENDING
    sign_in_to_admin(client, trainer)
    html = client.get(review_url(by_page[metrics.pk])).content.decode()
    assert "Click-through rate" in html and str(figures["impressions"]) in html
    html = client.get(review_url(by_page[scenario.pk])).content.decode()
    assert "Which street?" in html and "job 42" in html


# --- Attachments ----------------------------------------------------------------------------------


def test_attachments_are_checked_for_type_and_size(client, enrolled, module):
    page = make_reflection(module, allow_attachment=True)
    fake = SimpleUploadedFile("shot.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = submit_reflection(client, page, attachment=fake)
    assert response.status_code == 400 and "Attach an image" in response.content.decode()
    huge = SimpleUploadedFile("shot.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png")
    response = submit_reflection(client, page, attachment=huge)
    assert response.status_code == 400 and "5 MB or less" in response.content.decode()
    assert not TaskSubmission.objects.exists()


def test_attachments_are_private_to_the_learner_and_reviewers(
    client, enrolled, module, trainer, other_learner
):
    page = make_reflection(module, allow_attachment=True)
    submit_reflection(client, page, attachment=SimpleUploadedFile("shot.png", PNG, content_type="image/png"))
    record = TaskSubmission.objects.get().records.get()
    assert record.attachment.name.startswith("submissions/")
    url = reverse("courses:submission_attachment", args=[record.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png" and "no-store" in response["Cache-Control"]
    sign_in_to_admin(client, trainer)
    assert client.get(url).status_code == 200
    client.force_login(other_learner)
    missing = client.get(reverse("courses:submission_attachment", args=[record.pk + 999]))
    assert client.get(url).status_code == missing.status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_another_learners_submission_is_never_reachable(client, enrolled, module, other_learner):
    page = make_reflection(module)
    submit_reflection(client, page, "My own plan with enough words to count as a real answer here.")
    submission = TaskSubmission.objects.get()
    client.force_login(other_learner)
    # Not enrolled: the activity page sends them to enrol; enrolled, they see only their own.
    from courses.services import enrol

    enrol(other_learner, module.course)
    html = client.get(page.url).content.decode()
    assert "My own plan" not in html
    # The admin review screen refuses a learner, and the attachment gives the same 404 as a missing one.
    assert client.get(review_url(submission)).status_code in (302, 403)
    assert (
        client.get(reverse("courses:submission_attachment", args=[submission.records.get().pk])).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["draft_post", "metrics", "scenario", "reflection"])
def test_an_unpublished_or_missing_activity_is_the_same_404(client, enrolled, module, name):
    makers = {
        "draft_post": make_draft_post,
        "metrics": make_metrics_exercise,
        "scenario": make_scenario,
        "reflection": make_reflection,
    }
    page = makers[name](module)
    page.unpublish()
    unpublished = client.post(reverse(f"practice:{name}", args=[page.pk]), {})
    missing = client.post(reverse(f"practice:{name}", args=[page.pk + 1000]), {})
    # Another activity type's id is as missing as a missing one.
    other = make_reflection(module, title="Other") if name != "reflection" else make_scenario(module)
    wrong_type = client.post(reverse(f"practice:{name}", args=[other.pk]), {})
    assert unpublished.status_code == missing.status_code == wrong_type.status_code == 404
    assert not TaskSubmission.objects.exists()
