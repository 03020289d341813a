"""Every learner-facing page and state in one browser and one live server (issue 15.9): axe-core's
WCAG 2.0/2.1/2.2 A and AA rules find nothing at 1280 and 390 px, and no page scrolls sideways at
1280, 390 or 320 px (WCAG 1.4.10 reflow). Each state is built once (the ORM, then one load) and
checked at every width by resizing the loaded page, which keeps the sweep fast. Problems are
collected and reported together, so one run lists them all."""

import re
from datetime import timedelta

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from certificates.models import Certificate
from certificates.services import run_render
from courses.factories import make_user
from courses.models import Assignment, LessonPage, ModulePage, TaskSubmission
from courses.services import enrol
from practice.factories import make_draft_post, make_metrics_exercise, make_reflection, make_scenario
from quizzes import factories
from quizzes.factories import make_course, make_quiz
from quizzes.models import Attempt, QuizPage, QuizQuestion
from quizzes.services import start_attempt, submit_attempt
from tests.quizzes.test_attempts import right_answer
from tests.two_step import PASSWORD, give_authenticator_app

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE_WIDTHS = (1280, 390)
REFLOW_WIDTHS = (1280, 390, 320)
OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= window.innerWidth) return null;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
  return root.scrollWidth + " px wide: " + wide.join(", ");
}"""


def signed_in_context(browser, base_url, user):
    """A browser context with the user's session (Django's test client logs in; no login form)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-AU", base_url=base_url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    return context


def build_states():
    """The pages and states to check, as (name, who, path or action)."""
    # A course with a lesson, a quiz and a locked practice module (sequential modules).
    course = make_course(title="Posting with care", kinds=("knowledge", "practice"), lessons_per_module=1)
    course.sequential_modules = True
    course.save_revision().publish()
    knowledge, practice_module = ModulePage.objects.child_of(course).order_by("path")
    lesson = LessonPage.objects.child_of(knowledge).get()
    photo = get_image_model().objects.create(title="Wide photo", file=get_test_image_file(size=(1600, 900)))
    lesson.body = [
        *lesson.body.raw_data,
        {"type": "image", "value": {"image": photo.pk, "alt_text": "A council page's post", "caption": ""}},
        {
            "type": "callout",
            "value": {"tone": "info", "heading": "Who this applies to", "text": "<p>Staff.</p>"},
        },
    ]
    lesson.save_revision().publish()
    locked_lesson = LessonPage.objects.child_of(practice_module).get()
    quiz = QuizPage.objects.descendant_of(course).get()
    timed = make_quiz(knowledge, title="Timed check", time_limit_minutes=20, more_time_minutes=5)
    for n, make in enumerate(factories.ALL_TYPE_MAKERS[1:], start=1):
        QuizQuestion.objects.create(quiz=timed, question=make(), sort_order=n)
    timed.save_revision().publish()

    # A practice course with every activity and a task a trainer reviews.
    practice = make_course(title="Practice in public", kinds=("practice",), lessons_per_module=1, quiz=False)
    module = ModulePage.objects.child_of(practice).get()
    task = LessonPage.objects.child_of(module).get()
    task.requires_approval = True
    task.task_prompt = "<p>Describe your plan for next month.</p>"
    task.save_revision().publish()
    activities = [
        make_draft_post(module),
        make_metrics_exercise(module),
        make_scenario(module),
        make_reflection(module),
    ]

    learner = make_user(email="full@example.gov.au", full_name="Priya Full")
    enrolment = enrol(learner, course)
    enrol(learner, practice)
    Assignment.objects.create(enrolment=enrolment, due_date=timezone.localdate() + timedelta(days=7))
    failed = start_attempt(learner, quiz)
    submit_attempt(failed, {str(q.pk): factories.wrong_option_id(q) for q in failed.questions})
    passed = start_attempt(learner, quiz)
    submit_attempt(passed, {str(q.pk): factories.correct_option_id(q) for q in passed.questions})
    in_progress = start_attempt(learner, timed)
    certificates = {
        status: Certificate.objects.create(
            user=learner,
            course=practice,
            learner_name=learner.full_name,
            course_title=practice.title,
            render_status=Certificate.RenderStatus.PENDING,
            render_generation=1,
            **fields,
        )
        for status, fields in {
            "valid": {},
            "expired": {"expires_at": timezone.now() - timedelta(days=1)},
            "revoked": {"revoked_at": timezone.now(), "revoked_reason": "Issued in error."},
        }.items()
    }
    # A learner who finished: a certificate whose PDF is ready, and one whose render failed.
    finisher = make_user(email="done@example.gov.au", full_name="Lee Done")
    enrol(finisher, practice)
    enrol(finisher, course)
    finished = {
        status: Certificate.objects.create(
            user=finisher,
            course=finished_course,
            learner_name=finisher.full_name,
            course_title=finished_course.title,
            render_status=status,
            render_generation=1,
        )
        for status, finished_course in (
            (Certificate.RenderStatus.PENDING, practice),
            (Certificate.RenderStatus.FAILED, course),
        )
    }
    ready = finished[Certificate.RenderStatus.PENDING]
    run_render(ready.pk, 1)
    ready.refresh_from_db()
    assert ready.is_ready
    newcomer = make_user(email="new@example.gov.au", full_name="Sam New")
    # Someone who asked to reset their password (never signed in here: signing in would change
    # what the link's key was made from).
    forgetful = make_user(email="forgot@example.gov.au", full_name="Jo Forgot")
    new_password_path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(forgetful),
            "key": default_token_generator.make_token(forgetful),
        },
    )
    two_step = make_user(email="mfa@example.gov.au", full_name="Mo Factor")
    give_authenticator_app(two_step)

    def submit_empty(button):
        def act(page):
            page.get_by_role("button", name=button).click()
            expect(page.locator("[data-error-summary]")).to_be_focused()

        return act

    def sign_up_help_is_read_out(page):
        expect(page.get_by_label("Full name")).to_have_accessible_description(
            "Exactly as it should print on your certificates."
        )
        expect(page.get_by_label("Password", exact=True)).to_have_accessible_description(
            re.compile("at least 8 characters")
        )
        first_field = page.locator("main form input:not([type=hidden]), main form select").first
        expect(first_field).to_have_id("id_full_name")

    def lesson_reads_cleanly(page):
        breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
        assert "›" not in breadcrumbs.aria_snapshot()  # the separator is decoration
        expect(page.get_by_role("complementary", name="Info: Who this applies to")).to_have_count(1)
        image = page.get_by_role("img", name="A council page's post")
        assert image.get_attribute("srcset") and image.evaluate("el => el.currentSrc.includes('width-')")

    def the_new_password_form_shows(page):
        expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()

    def certificate_ready_to_download(page):
        expect(
            page.get_by_role("link", name=f"download the PDF certificate for {practice.title}")
        ).to_have_count(1)

    def sign_in_two_step(page):
        page.get_by_label("Email address").fill(two_step.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_label("Code")).to_be_visible()

    anyone, full, new, done = "anyone", "full", "new", "done"
    return {"full": learner, "new": newcomer, "done": finisher}, [
        ("home", anyone, "/", None),
        ("catalogue", anyone, "/courses/", None),
        ("catalogue, nothing found", anyone, "/courses/?q=zzqxv", None),
        ("sign-up", anyone, "/accounts/signup/", sign_up_help_is_read_out),
        ("sign-up with errors", anyone, "/accounts/signup/", submit_empty("Create account")),
        ("password reset", anyone, "/accounts/password/reset/", None),
        ("set a new password", anyone, new_password_path, the_new_password_form_shows),
        ("set a new password with errors", anyone, new_password_path, submit_empty("Save password")),
        ("certificate valid", anyone, f"/certificates/verify/{certificates['valid'].code}/", None),
        ("certificate expired", anyone, f"/certificates/verify/{certificates['expired'].code}/", None),
        ("certificate revoked", anyone, f"/certificates/verify/{certificates['revoked'].code}/", None),
        ("certificate unknown", anyone, "/certificates/verify/NO-SUCH-CODE/", None),
        ("sign-in", anyone, "/accounts/login/", None),
        ("sign-in with errors", anyone, "/accounts/login/", submit_empty("Log in")),
        ("two-step sign-in", anyone, "/accounts/login/", sign_in_two_step),
        ("My learning, empty", new, "/my-learning/", None),
        ("course before enrolment", new, course.url, None),
        ("My learning, full", full, "/my-learning/", None),
        ("course after enrolment", full, course.url, None),
        ("lesson", full, lesson.url, lesson_reads_cleanly),
        ("locked module", full, locked_lesson.url, None),
        ("quiz intro", full, quiz.url, None),
        ("timed attempt, unanswered", full, f"/quizzes/attempts/{in_progress.pk}/", None),
        (
            "timed attempt with errors",
            full,
            f"/quizzes/attempts/{in_progress.pk}/",
            submit_empty("Submit answers"),
        ),
        ("result, not passed", full, f"/quizzes/attempts/{failed.pk}/result/", None),
        ("result, passed", full, f"/quizzes/attempts/{passed.pk}/result/", None),
        ("practice task", full, task.url, None),
        ("practice task with errors", full, task.url, submit_empty("Submit for review")),
        *[(f"activity: {page.title}", full, page.url, None) for page in activities],
        ("profile", full, "/accounts/profile/", None),
        ("two-step settings", full, "/accounts/2fa/", None),
        ("certificate preparing", full, f"/certificates/{certificates['valid'].code}/download/", None),
        ("My learning, certificate ready", done, "/my-learning/", certificate_ready_to_download),
        (
            "certificate could not be prepared",
            done,
            f"/certificates/{finished[Certificate.RenderStatus.FAILED].code}/download/",
            None,
        ),
    ]


def tab_to(page, target, key="Tab", limit=60):
    """Press Tab (or another key) until the target has focus: keyboard only, no clicks."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    pytest.fail(f"{key} never reached {target}")


def choose_radio(page, group_first, target):
    """Tab into a radio group, then arrow down to the target (which checks it)."""
    tab_to(page, group_first)
    tab_to(page, target, key="ArrowDown", limit=10)
    page.keyboard.press("Space")  # checks the first radio too (arrowing onto one already checks it)
    expect(target).to_be_checked()


def do_scenario_by_keyboard(page, url):
    """A whole response scenario with the keyboard only: a wrong turn, the way back, the path
    that passes, and finishing it."""
    page.goto(url)
    radios = page.get_by_role("radio")
    choose_radio(page, radios.first, page.get_by_label("Collections are on schedule."))
    tab_to(page, page.get_by_role("button", name="Reply"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Not the outcome you want")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Start the scenario again"))
    page.keyboard.press("Enter")
    expect(page.get_by_label(re.compile("Which street"))).to_be_visible()
    choose_radio(page, page.get_by_role("radio").first, page.get_by_label(re.compile("Which street")))
    tab_to(page, page.get_by_role("button", name="Reply"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Smith St. Third week running!")).to_be_visible()
    choose_radio(page, page.get_by_role("radio").first, page.get_by_label(re.compile("job 42")))
    tab_to(page, page.get_by_role("button", name="Reply"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("A good outcome")).to_be_visible()
    tab_to(page, page.get_by_label(re.compile("In your own words")))
    page.keyboard.type("Sorry, we'll sort it today.")
    tab_to(page, page.get_by_role("button", name=re.compile("Finish|Submit for review")))
    page.keyboard.press("Enter")
    expect(page.get_by_text("is complete").first).to_be_visible()


def do_quiz_by_keyboard(page, attempt):
    """A whole quiz of every question type with the keyboard only: Tab to each control, arrows
    in a radio group, Space for a checkbox, typing for text and to pick in a select; Enter submits."""
    page.goto(f"/quizzes/attempts/{attempt.pk}/")
    data = factories.attempt_form_data(attempt, {q.pk: right_answer(q) for q in attempt.questions})
    for name, value in data.items():
        controls = page.locator(f"[name='{name}']")
        kind = controls.first.evaluate("el => el.type")
        if kind == "radio":
            choose_radio(page, controls.first, page.locator(f"[name='{name}'][value='{value}']"))
        elif kind == "checkbox":
            for one in value:
                box = page.locator(f"[name='{name}'][value='{one}']")
                tab_to(page, box)
                page.keyboard.press("Space")
                expect(box).to_be_checked()
        else:
            tab_to(page, controls.first)
            page.keyboard.type(str(value))
            expect(controls.first).to_have_value(str(value))
    tab_to(page, page.get_by_role("button", name="Submit answers"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("you passed")).to_be_visible()


def test_every_learner_page_is_accessible_and_reflows(live_server, browser, axe):
    users, states = build_states()
    scenario_url = next(path for name, _, path, _ in states if name == "activity: A complaint about bins")
    base = live_server.url
    contexts = {"anyone": browser.new_context(locale="en-AU", base_url=base)}
    contexts.update({who: signed_in_context(browser, base, user) for who, user in users.items()})
    pages = {who: context.new_page() for who, context in contexts.items()}
    problems = []
    for name, who, path, act in states:
        page = pages[who]
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(path)
        if act:
            act(page)
        for width in REFLOW_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                problems.append(f"{name} at {width} px: scrolls sideways, {overflow}")
            if width in AXE_WIDTHS:
                results = axe.run(page)
                if results.violations_count:
                    problems.append(f"{name} at {width} px:\n{results.generate_report()}")
    assert not problems, "\n".join(problems)
    assert len(states) >= 30

    do_scenario_by_keyboard(pages["full"], scenario_url)
    assert (
        TaskSubmission.objects.get(lesson__title="A complaint about bins").status
        == TaskSubmission.Status.APPROVED
    )
    timed = Attempt.objects.get(quiz__title="Timed check", user=users["full"])
    do_quiz_by_keyboard(pages["full"], timed)
    timed.refresh_from_db()
    assert timed.score == 100
    for context in contexts.values():
        context.close()
