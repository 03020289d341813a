"""In a real Chromium, with a real platform process (tests/lti_platform/) on another site
(http://localhost:PORT, while this site is http://127.0.0.1:PORT): a teacher links a course by deep
linking, then a learner launches it. The platform's login initiation, our redirect to its
authentication endpoint, its form posting the signed id_token back to us cross-site (only a
SameSite=None; Secure state cookie survives that), and the learner landing on the course signed in.
Then the learner fails and passes the quiz and completes the course (server side, to stay fast),
and the platform's gradebook receives each score, after a token request whose assertion it checked
against our /lti/jwks.json. Last, a launch meant for another tool ends on the error page."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import LessonPage
from courses.services import complete_lesson, get_enrolment
from lti.models import LtiUserLink
from quizzes.factories import correct_option_id, make_course, wrong_option_id
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def answer(user, quiz, right):
    attempt = start_attempt(user, quiz)
    question = attempt.questions[0]
    option = correct_option_id(question) if right else wrong_option_id(question)
    submit_attempt(attempt, {str(question.pk): option})


def test_a_platform_links_and_launches_a_course_and_receives_the_grades(
    live_server, page, lti_platform, settings, assert_accessible
):
    # The live server answers on localhost, the platform's host: reach it as 127.0.0.1 instead, so
    # the platform and the tool are two sites, as they are in real life.
    tool = live_server.url.replace("://localhost:", "://127.0.0.1:")
    assert tool.startswith("http://127.0.0.1:") and lti_platform.url.startswith("http://localhost:")
    settings.SITE_BASE_URL = tool  # our redirect URI and launch URL, as registered
    lti_platform.register()
    course = make_course(title="Your role, your voice")
    tool_keys = f"{tool}/lti/jwks.json"

    # The teacher's deep linking launch: choose the course here, and the signed answer posts itself
    # to the platform (our page's form-action allows the platform's origin for it).
    hint, _, _ = lti_platform.new_launch(
        tool, deep_linking={"accept_multiple": False}, role="Instructor", tool_jwks_url=tool_keys
    )
    page.goto(lti_platform.launch_url(hint))
    expect(
        page.get_by_role("heading", level=1, name="Choose a course to add to Agency Moodle")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add to Agency Moodle").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a course to add.")
    page.get_by_role("radio", name="Your role, your voice").check()
    page.get_by_role("button", name="Add to Agency Moodle").click()
    expect(page.get_by_role("heading", level=1, name="Added: Your role, your voice")).to_be_visible()
    chosen = lti_platform.deep_links()[-1]["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [item["custom"]["course_id"] for item in chosen] == [str(course.pk)]

    # A learner opens the link the platform made from it.
    hint, sub, link_id = lti_platform.new_launch(
        tool,
        course=course,
        name="Robin Learner",
        email="robin@agency.example",
        tool_jwks_url=tool_keys,
    )

    page.goto(lti_platform.launch_url(hint))
    page.wait_for_url(re.compile(re.escape(tool + course.url) + "$"))
    expect(page.get_by_role("heading", level=1, name="Your role, your voice")).to_be_visible()
    expect(page.get_by_role("button", name="Log out Robin Learner")).to_be_visible()
    state_cookies = [c for c in page.context.cookies() if c["name"].startswith("lti_state_")]
    assert state_cookies == []  # used once, then removed

    user = LtiUserLink.objects.get(subject=sub).user
    assert user.full_name == "Robin Learner"
    enrolment = get_enrolment(user, course)
    assert enrolment is not None
    quiz = QuizPage.objects.descendant_of(course).get()
    complete_lesson(enrolment, LessonPage.objects.descendant_of(course).get())
    answer(user, quiz, right=False)
    answer(user, quiz, right=True)  # passed: the course is complete

    got = [entry for entry in lti_platform.scores() if entry["score"]["userId"] == sub]
    assert {entry["lineitem"] for entry in got} == {f"{lti_platform.url}/lineitems/{link_id}"}
    assert [
        (s["userId"], s["scoreGiven"], s["scoreMaximum"], s["activityProgress"], s["gradingProgress"])
        for s in (entry["score"] for entry in got)
    ] == [
        (sub, 0.0, 100, "InProgress", "FullyGraded"),
        (sub, 100.0, 100, "InProgress", "FullyGraded"),
        (sub, 100.0, 100, "Completed", "FullyGraded"),
    ]

    # The learner's course page shows the course completed, in the same signed-in session.
    page.reload()
    expect(page.get_by_role("button", name="Log out Robin Learner")).to_be_visible()

    # A launch this site refuses (meant for another tool) ends on a page that says why.
    hint, _, _ = lti_platform.new_launch(tool, course=course, aud="another-tool", tool_jwks_url=tool_keys)
    page.goto(lti_platform.launch_url(hint))
    expect(
        page.get_by_role("heading", level=1, name="We could not open this course from your learning system")
    ).to_be_visible()
    expect(page.get_by_text("The sign-in was meant for another tool (wrong audience).")).to_be_visible()
    assert_accessible(page)
