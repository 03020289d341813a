"""Grade passback (Assignment and Grade Services) to the real test platform: the tool gets an access
token with a JWT assertion the platform checks against the tool's keys, and posts scores the
platform records; a platform that refuses keeps its scores queued until it takes them."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import LessonPage
from courses.services import complete_lesson, get_enrolment
from lti.grades import LINEITEM_TAG
from lti.jose import tool_jwks
from lti.models import LtiGradeTarget, LtiResourceLink, LtiScore, LtiUserLink
from quizzes.factories import correct_option_id, wrong_option_id
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt

from ..conftest import run_on_commit
from .test_launch import start

pytestmark = pytest.mark.django_db


def launched_learner(client, lti_platform, course):
    """A learner who opened the course from the platform (so their grade goes there)."""
    lti_platform.register()
    # The tool's public keys pasted into the platform's registration (as Moodle allows): the
    # browser test has the platform fetch them from /lti/jwks.json instead.
    hint, sub, link_id = lti_platform.new_launch(settings.SITE_BASE_URL, course=course, tool_jwks=tool_jwks())
    assert client.post("/lti/launch/", start(client, lti_platform, hint)).status_code == 302
    return LtiUserLink.objects.get(subject=sub).user, sub, link_id


def received(lti_platform, sub):
    return [entry for entry in lti_platform.scores() if entry["score"]["userId"] == sub]


def answer(user, quiz, right):
    attempt = start_attempt(user, quiz)
    question = attempt.questions[0]
    option = correct_option_id(question) if right else wrong_option_id(question)
    return submit_attempt(attempt, {str(question.pk): option}).attempt


def test_quiz_results_and_the_completion_reach_the_platforms_gradebook(client, lti_platform, course):
    user, sub, link_id = launched_learner(client, lti_platform, course)
    quiz = QuizPage.objects.descendant_of(course).get()
    with run_on_commit():
        complete_lesson(get_enrolment(user, course), LessonPage.objects.descendant_of(course).get())
        answer(user, quiz, right=False)
    with run_on_commit():
        answer(user, quiz, right=True)  # passes: the course is complete
    got = received(lti_platform, sub)
    assert [entry["lineitem"] for entry in got] == [f"{lti_platform.url}/lineitems/{link_id}"] * 3
    assert {entry["content_type"] for entry in got} == {"application/vnd.ims.lis.v1.score+json"}
    assert [
        (s["scoreGiven"], s["scoreMaximum"], s["activityProgress"], s["gradingProgress"])
        for s in (entry["score"] for entry in got)
    ] == [
        (0.0, 100, "InProgress", "FullyGraded"),
        (100.0, 100, "InProgress", "FullyGraded"),
        (100.0, 100, "Completed", "FullyGraded"),
    ]
    assert got[1]["score"]["comment"].endswith("passed (100.00%).")
    assert got[0]["score"]["timestamp"] < got[1]["score"]["timestamp"] < got[2]["score"]["timestamp"]
    assert set(LtiScore.objects.values_list("status", flat=True)) == {LtiScore.Status.SENT}


def test_scores_wait_while_the_platform_refuses_and_go_when_it_takes_them(client, lti_platform, course):
    user, sub, _ = launched_learner(client, lti_platform, course)
    quiz = QuizPage.objects.descendant_of(course).get()
    lti_platform.refuse_scores(503)
    try:
        with run_on_commit():
            answer(user, quiz, right=False)
        score = LtiScore.objects.get()
        assert score.status == LtiScore.Status.RETRYING and score.attempts == 1
        assert "HTTP 503" in score.last_error
        assert received(lti_platform, sub) == []
        with pytest.raises(CommandError, match="did not take them"):
            call_command("send_lti_scores")
        score.refresh_from_db()
        assert score.attempts == 2
    finally:
        lti_platform.refuse_scores(0)
    call_command("send_lti_scores")
    score.refresh_from_db()
    assert score.status == LtiScore.Status.SENT and score.last_error == ""
    assert [entry["score"]["scoreGiven"] for entry in received(lti_platform, sub)] == [0.0]
    call_command("send_lti_scores")  # nothing twice
    assert len(received(lti_platform, sub)) == 1


def test_a_link_without_a_line_item_gets_ours_once_and_its_scores_go_there(client, lti_platform, course):
    lti_platform.register()
    link_id = "hand-made-link"  # two learners open the same link the platform made without a line item
    learners = []
    for _ in range(2):
        hint, sub, _ = lti_platform.new_launch(
            settings.SITE_BASE_URL,
            course=course,
            link_id=link_id,
            tool_jwks=tool_jwks(),
            without_lineitem=True,
        )
        assert client.post("/lti/launch/", start(client, lti_platform, hint)).status_code == 302
        learners.append((LtiUserLink.objects.get(subject=sub).user, sub))
    link = LtiResourceLink.objects.get(resource_link_id=link_id)
    assert link.lineitems_url == f"{lti_platform.url}/lineitems" and link.lineitem_url == ""
    assert set(LtiGradeTarget.objects.filter(resource_link=link).values_list("scores_url", flat=True)) == {""}

    quiz = QuizPage.objects.descendant_of(course).get()
    for user, _ in learners:
        with run_on_commit():
            answer(user, quiz, right=True)
    ours = [item for item in lti_platform.lineitems() if item["resourceLinkId"] == link_id]
    assert len(ours) == 1  # one line item for the link, not one per learner
    [item] = ours
    assert (item["scoreMaximum"], item["label"], item["tag"]) == (100, course.title, LINEITEM_TAG)
    link.refresh_from_db()
    assert link.lineitem_url == item["id"]
    for _, sub in learners:
        assert [(e["lineitem"], e["score"]["scoreGiven"]) for e in received(lti_platform, sub)] == [
            (item["id"], 100.0)
        ]

    # Our copy of the URL lost (say the platform's answer never arrived): found again, not made twice.
    LtiResourceLink.objects.filter(pk=link.pk).update(lineitem_url="")
    with run_on_commit():
        answer(learners[0][0], quiz, right=False)
    assert len([i for i in lti_platform.lineitems() if i["resourceLinkId"] == link_id]) == 1
    assert received(lti_platform, learners[0][1])[-1]["lineitem"] == item["id"]
    assert LtiResourceLink.objects.get(pk=link.pk).lineitem_url == item["id"]
    assert set(LtiScore.objects.values_list("status", flat=True)) == {LtiScore.Status.SENT}


def test_a_learner_who_never_came_from_a_platform_queues_no_score(learner, course):
    quiz = QuizPage.objects.descendant_of(course).get()
    with run_on_commit():
        answer(learner, quiz, right=True)
    assert not LtiScore.objects.exists()
