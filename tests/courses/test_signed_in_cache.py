"""Signed-in pages from the shared cache (issue 16): the course outline is kept per course and
content version, each learner's progress per enrolment under a stamp of their own; publishing,
completing, submitting a quiz, reviewing and retaking start them afresh, and no learner ever sees what was
cached for another. Database queries per signed-in page stay the same whatever the course's size
and the learner's history."""

import re
from datetime import date

import pytest
from django.contrib import messages
from django.contrib.auth.models import Group, Permission
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import reissue_certificate, revoke_certificate
from courses.assignments import assign_course, cancel_assignment, change_due_date
from courses.factories import add_child, catalogue
from courses.models import LessonPage, ModulePage
from courses.services import complete_lesson, enrol, start_retake
from lms.models import Organisation
from lms.permissions import CachedPermissionsBackend
from lms.services import approve_membership, request_membership
from quizzes.factories import correct_option_id, make_course
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt
from tests.conftest import run_on_commit

pytestmark = pytest.mark.django_db


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def card_of(html, title):
    card = next(c for c in html.split('<li class="card')[1:] if f">{title}</a></h3>" in c)
    return " ".join(card.split())


def nav_summary(html):
    match = re.search(r"(\d+) of (\d+) required items? complete", html)
    assert match, "no progress summary on the page"
    return match.group(0)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_two_learners_loading_the_same_pages_in_turn_each_see_only_their_own(learner, other_learner):
    course = make_course(title="Shared course", lessons_per_module=2, quiz=False)
    first, second = lessons_of(course)
    complete_lesson(enrol(learner, course), first)
    enrol(other_learner, course)
    alex, sam = signed_in(learner), signed_in(other_learner)
    for _ in range(2):  # the second round is served from what the first one cached
        for client, name, other_name, percent, summary in (
            (alex, learner.full_name, other_learner.full_name, 50, "1 of 2 required items complete"),
            (sam, other_learner.full_name, learner.full_name, 0, "0 of 2 required items complete"),
        ):
            html = client.get(catalogue().url).content.decode()
            assert f"Enrolled · {percent}% done" in card_of(html, "Shared course")
            for url in (second.url, course.url, reverse("dashboard")):
                html = client.get(url).content.decode()
                assert name in html and other_name not in html
            assert summary in nav_summary(client.get(second.url).content.decode())


def test_completing_a_lesson_and_passing_a_quiz_refresh_the_cached_progress(client, learner):
    course = make_course(title="Quiz course")
    (lesson,) = lessons_of(course)
    quiz = QuizPage.objects.descendant_of(course).get()
    enrol(learner, course)
    client.force_login(learner)
    assert "Enrolled · 0% done" in card_of(client.get(catalogue().url).content.decode(), "Quiz course")
    client.post(reverse("courses:complete_lesson", args=[lesson.pk]))
    assert "Enrolled · 50% done" in card_of(client.get(catalogue().url).content.decode(), "Quiz course")
    assert nav_summary(client.get(quiz.url).content.decode()) == "1 of 2 required items complete"
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, {str(q.pk): correct_option_id(q) for q in attempt.questions})
    assert "Completed" in card_of(client.get(catalogue().url).content.decode(), "Quiz course")


def test_publishing_refreshes_the_cached_outline(client, learner):
    course = make_course(title="Growing course", quiz=False)
    enrol(learner, course)
    client.force_login(learner)
    assert "New lesson" not in client.get(course.url).content.decode()
    module = ModulePage.objects.child_of(course).get()
    new = add_child(module, LessonPage(title="New lesson", body=[("text", "<p>Fresh.</p>")]))
    html = client.get(course.url).content.decode()
    assert "New lesson" in html
    assert "Enrolled · 0% done" in card_of(client.get(catalogue().url).content.decode(), "Growing course")
    new.unpublish()
    assert "New lesson" not in client.get(course.url).content.decode()


def test_a_page_unpublished_after_it_was_cached_is_not_found(client, learner):
    course = make_course(title="Short-lived course", lessons_per_module=2, quiz=False)
    first, second = lessons_of(course)
    enrol(learner, course)
    client.force_login(learner)
    assert client.get(second.url).status_code == 200  # its route is now in the shared cache
    second.unpublish()
    assert client.get(second.url).status_code == 404
    assert client.get(first.url).status_code == 200


def page_queries(client, url, at_most):
    """Queries of a reload (warm cache), failing (with the queries listed) over `at_most`."""
    client.get(url)  # warm the shared cache, as every later visit finds it
    with at_most(BOUND) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def journey_pages(course):
    return {
        "lesson": lessons_of(course)[-1].url,
        "course": course.url,
        "My learning": reverse("dashboard"),
        "catalogue": catalogue().url,
        "quiz intro": QuizPage.objects.descendant_of(course).get().url,
    }


def test_signed_in_pages_take_as_many_queries_for_a_big_course_and_a_long_history(
    learner, other_learner, django_assert_max_num_queries
):
    small = make_course(title="Small course", lessons_per_module=1)
    enrol(learner, small)
    big = make_course(title="Big course", kinds=("knowledge", "skill", "practice"), lessons_per_module=4)
    for number in range(3):
        make_course(title=f"Other course {number}", lessons_per_module=2)
    busy = enrol(other_learner, big)
    for other in catalogue().get_children().live().specific():
        if other.pk not in (small.pk, big.pk):
            complete_lesson(enrol(other_learner, other), lessons_of(other)[0])
    for lesson in lessons_of(big)[:-1]:
        complete_lesson(busy, lesson)
    new, busy_client = signed_in(learner), signed_in(other_learner)
    for name, url in journey_pages(small).items():
        few = page_queries(new, url, django_assert_max_num_queries)
        many = page_queries(busy_client, journey_pages(big)[name], django_assert_max_num_queries)
        assert many <= few, f"{name}: {many} queries for a big course and history, {few} for a small one"


# Queries per signed-in page with a warm cache (issue 16; README, Performance of signed-in pages):
# lesson, course, quiz intro, My learning and catalogue alike.
BOUND = 6


def test_a_reissue_and_a_retake_are_seen_at_once(client, learner, admin_user):
    course = make_course(title="Renewed course", quiz=False)
    (lesson,) = lessons_of(course)
    enrolment = enrol(learner, course)
    client.force_login(learner)
    client.get(lesson.url)  # progress and the route are now cached
    with run_on_commit():
        complete_lesson(enrolment, lesson)
    assert "Completed" in card_of(client.get(catalogue().url).content.decode(), "Renewed course")
    certificate = Certificate.objects.get(enrolment=enrolment)
    learner.full_name = "Alex Q. Citizen"
    learner.save()
    reissue_certificate(certificate, admin_user, "Middle initial added")
    assert "Welcome back, Alex Q. Citizen." in client.get(reverse("dashboard")).content.decode()
    assert "Alex Q. Citizen" in client.get(certificate.get_verify_path()).content.decode()
    enrolment.refresh_from_db()
    start_retake(enrolment)
    assert "Enrolled · 0% done" in card_of(client.get(catalogue().url).content.decode(), "Renewed course")
    assert nav_summary(client.get(lesson.url).content.decode()) == "0 of 1 required items complete"


def test_a_lesson_read_after_the_one_before_takes_as_few_queries(learner, django_assert_max_num_queries):
    """Moving on to a lesson not opened before writes the visit (the enrolment and the view row):
    with the learner's progress cached that stays within the bound."""
    course = make_course(title="Three lessons", lessons_per_module=3, quiz=False)
    first, second, third = lessons_of(course)
    enrol(learner, course)
    client = signed_in(learner)
    Client().get(third.url)  # anybody's visit caches the route (who asks is not part of it)
    client.get(first.url)
    client.get(second.url)
    client.get(first.url)  # the progress after both views is cached now
    with django_assert_max_num_queries(BOUND):
        assert client.get(third.url).status_code == 200


def outline_item(html, title):
    item = next(i for i in html.split('<li class="outline-item')[1:] if title in i)
    return " ".join(item.split("</li>")[0].split())


def test_the_cached_outline_beside_a_lesson_is_each_learners_own(learner, other_learner):
    course = make_course(title="Outline course", lessons_per_module=2, quiz=False)
    first, second = lessons_of(course)
    complete_lesson(enrol(learner, course), first)
    enrol(other_learner, course)
    alex, sam = signed_in(learner), signed_in(other_learner)
    for _ in range(2):  # the second round reads the fragments the first one cached
        alex_html = alex.get(second.url).content.decode()
        sam_html = sam.get(second.url).content.decode()
        assert "complete)" in outline_item(alex_html, first.title)
        assert "complete)" not in outline_item(sam_html, first.title)
        assert "1 of 2 required items complete" in alex_html and "0 of 2 required items complete" in sam_html
    # The same learner on another page: the outline marks where they are now.
    html = alex.get(first.url).content.decode()
    assert "you are here" in outline_item(html, first.title)
    assert "you are here" not in outline_item(html, second.title)


def test_a_published_change_to_a_lesson_body_is_shown_at_once_and_a_draft_only_in_preview(client, learner):
    course = make_course(title="Edited course", quiz=False)
    (lesson,) = lessons_of(course)
    enrol(learner, course)
    client.force_login(learner)
    assert "Think before you post." in client.get(lesson.url).content.decode()  # the body is cached now
    lesson.body = [("text", "<p>Drafted words.</p>")]
    revision = lesson.save_revision()
    draft = revision.as_object()
    assert "Drafted words." in draft.make_preview_request().content.decode()
    assert "Drafted words." not in client.get(lesson.url).content.decode()
    revision.publish()
    html = client.get(lesson.url).content.decode()
    assert "Drafted words." in html and "Think before you post." not in html


def test_permissions_come_from_the_cache_until_they_change(client, learner):
    """The editor's user bar (the admin permission) on every page is read from the shared cache:
    joining or leaving a group with admin access, or the group losing it, shows at once."""
    course = make_course(title="Permission course", quiz=False)
    enrol(learner, course)
    client.force_login(learner)
    assert "wagtail-userbar" not in client.get(course.url).content.decode()  # cached: no admin access
    editors = Group.objects.create(name="Page editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    learner.groups.add(editors)
    assert "wagtail-userbar" in client.get(course.url).content.decode()
    editors.permissions.clear()
    assert "wagtail-userbar" not in client.get(course.url).content.decode()
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    assert "wagtail-userbar" in client.get(course.url).content.decode()
    learner.groups.remove(editors)
    assert "wagtail-userbar" not in client.get(course.url).content.decode()


def test_the_signed_in_person_comes_from_the_cache_until_their_row_changes(
    client, learner, other_learner, django_assert_max_num_queries
):
    """Their User row is kept under a stamp of their own (lms.permissions): a warm catalogue takes
    no query at all, and a new name, a new password or being made inactive shows at once."""
    make_course(title="Cached person course", quiz=False)
    url = catalogue().url
    client.force_login(learner)
    sam = signed_in(other_learner)
    for browser in (client, sam, client):
        browser.get(url)
    with django_assert_max_num_queries(0):
        assert client.get(url).status_code == 200
    assert learner.full_name in client.get(url).content.decode()
    assert other_learner.full_name in sam.get(url).content.decode()
    learner.full_name = "Alex Renamed"
    learner.save()
    assert "Alex Renamed" in client.get(url).content.decode()
    learner.set_password("a-new-long-passphrase")
    learner.save()  # the session's password hash no longer matches: signed out
    assert client.get(reverse("dashboard")).status_code == 302
    assert sam.get(reverse("dashboard")).status_code == 200
    other_learner.is_active = False
    other_learner.save()
    assert sam.get(reverse("dashboard")).status_code == 302


def test_a_person_made_inactive_in_bulk_is_signed_out_at_once(admin_client, learner):
    """Wagtail's bulk action updates the rows without saving each: its hook forgets them."""
    client = signed_in(learner)
    assert client.get(reverse("dashboard")).status_code == 200  # their row is kept now
    url = reverse("wagtail_bulk_action", args=["lms", "user", "set_active_state"])
    response = admin_client.post(f"{url}?id={learner.pk}", {"mark_as_active": "False"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert not learner.is_active
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_membership_approved_shows_in_the_kept_row(learner, admin_user):
    organisation = Organisation.objects.create(name="Shire of Example", kind=Organisation.Kind.COUNCIL)
    backend = CachedPermissionsBackend()
    assert backend.get_user(learner.pk).organisation_id is None  # kept now
    approve_membership(request_membership(learner, organisation), admin_user)
    assert backend.get_user(learner.pk).organisation_id == organisation.pk


def test_a_course_page_outline_kept_for_one_learner_is_never_shown_to_another(learner, other_learner):
    """The outline on a course page is kept for each enrolled learner, and once for everyone
    not enrolled: neither is read for anyone else."""
    course = make_course(title="Kept outline course", lessons_per_module=2, quiz=False)
    first, _ = lessons_of(course)
    complete_lesson(enrol(learner, course), first)
    alex, sam = signed_in(learner), signed_in(other_learner)
    for _ in range(2):  # the second round reads what the first one kept
        alex_html = alex.get(course.url).content.decode()
        sam_html = sam.get(course.url).content.decode()
        assert f'href="{first.url}"' in alex_html
        assert "complete)" in outline_item(alex_html, first.title)
        assert f'href="{first.url}"' not in sam_html
        assert "complete)" not in outline_item(sam_html, first.title)
        assert "Enrol in this course" in sam_html
    enrol(other_learner, course)
    html = sam.get(course.url).content.decode()
    assert f'href="{first.url}"' in html and "complete)" not in outline_item(html, first.title)


def test_signing_out_and_in_as_someone_else_shows_their_own_pages(client, learner, other_learner):
    """The session is read with the request's other cache entries (lms/sessions.py): a new
    session is read afresh, never the one before it."""
    course = make_course(title="Shared browser course", quiz=False)
    (lesson,) = lessons_of(course)
    complete_lesson(enrol(learner, course), lesson)
    enrol(other_learner, course)
    client.force_login(learner)
    assert learner.full_name in client.get(reverse("dashboard")).content.decode()
    assert "complete)" in outline_item(client.get(lesson.url).content.decode(), lesson.title)
    client.post(reverse("account_logout"))
    assert client.get(reverse("dashboard")).status_code == 302
    client.force_login(other_learner)
    html = client.get(reverse("dashboard")).content.decode()
    assert other_learner.full_name in html and learner.full_name not in html
    assert "complete)" not in outline_item(client.get(lesson.url).content.decode(), lesson.title)


def test_the_kept_catalogue_shows_a_course_published_or_unpublished_at_once(client, learner):
    make_course(title="First course", quiz=False)
    client.force_login(learner)
    for audience in ("", "councillors"):
        assert "Later course" not in client.get(catalogue().url, {"audience": audience}).content.decode()
    later = make_course(title="Later course", quiz=False)
    for audience in ("", "councillors"):
        assert "Later course" in client.get(catalogue().url, {"audience": audience}).content.decode()
    later.unpublish()
    assert "Later course" not in client.get(catalogue().url).content.decode()
    assert "First course" in client.get(catalogue().url).content.decode()


def test_the_kept_catalogue_shows_its_new_introduction_and_the_audience_asked_for(client, learner):
    """A signed-in learner's whole catalogue (title, introduction, filter form, cards) is one kept
    fragment: kept per audience asked for, and rendered afresh when the catalogue is published."""
    make_course(title="First course", quiz=False)
    page = catalogue()
    client.force_login(learner)
    for _ in range(2):  # the second round reads what the first one kept
        everyone = client.get(page.url).content.decode()
        councillors = client.get(page.url, {"audience": "councillors"}).content.decode()
        assert '<option value="councillors" selected>' in councillors
        assert '<option value="councillors" selected>' not in everyone
    page.intro = "<p>Newly introduced.</p>"
    page.save_revision().publish()
    assert "Newly introduced." in client.get(page.url).content.decode()
    assert "Newly introduced." in client.get(page.url, {"audience": "councillors"}).content.decode()


def test_my_learning_names_each_course_as_it_is_published_now(client, learner, django_assert_max_num_queries):
    """My learning takes its courses from the catalogue's kept course list (no join), and those
    the list lacks (a course unpublished since) from the database."""
    renamed = make_course(title="Old title course", quiz=False)
    withdrawn = make_course(title="Withdrawn course", quiz=False)
    enrol(learner, renamed)
    enrol(learner, withdrawn)
    client.force_login(learner)
    client.get(catalogue().url)  # the catalogue's course list is kept now
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(0):  # the enrolments and certificates are kept with the lists
        html = client.get(reverse("dashboard")).content.decode()
    assert "Old title course" in html and "Withdrawn course" in html
    renamed.title = "New title course"
    renamed.save_revision().publish()
    withdrawn.unpublish()
    client.get(catalogue().url)
    html = client.get(reverse("dashboard")).content.decode()
    assert "New title course" in html and "Old title course" not in html
    assert "Withdrawn course" in html


def test_my_learning_shows_a_certificate_changed_in_bulk_or_revoked_at_once(client, learner, admin_user):
    """My learning keeps each learner's certificates under their progress stamp: an update in
    bulk (a render finishing in a worker) and a revocation show at once, to that learner only."""
    course = make_course(title="Certified course", quiz=False)
    (lesson,) = lessons_of(course)
    complete_lesson(enrol(learner, course), lesson)
    certificate = Certificate.objects.get(user=learner)
    client.force_login(learner)
    assert "Your certificate is being prepared" in client.get(reverse("dashboard")).content.decode()
    Certificate.objects.filter(pk=certificate.pk).update(
        render_status=Certificate.RenderStatus.READY, pdf="certificates/certified.pdf"
    )
    html = client.get(reverse("dashboard")).content.decode()
    assert "download the PDF" in html and "being prepared" not in html
    revoke_certificate(certificate, admin_user, "Issued in error")
    assert "<strong>revoked " in client.get(reverse("dashboard")).content.decode()


def test_my_learning_lists_kept_for_a_learner_show_new_work_at_once(client, learner, other_learner):
    course = make_course(title="Listed course")
    (lesson,) = lessons_of(course)
    quiz = QuizPage.objects.descendant_of(course).get()
    enrolment = enrol(learner, course)
    client.force_login(learner)
    assert "Completed the lesson" not in client.get(reverse("dashboard")).content.decode()  # kept now
    complete_lesson(enrolment, lesson)
    html = client.get(reverse("dashboard")).content.decode()
    assert f"Completed the lesson “{lesson.title}”" in html and "Scored" not in html
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, {str(q.pk): correct_option_id(q) for q in attempt.questions})
    assert f"on “{quiz.title}” (passed)" in client.get(reverse("dashboard")).content.decode()
    other = signed_in(other_learner)  # nobody else's lists
    enrol(other_learner, course)
    assert "Completed the lesson" not in other.get(reverse("dashboard")).content.decode()


def test_a_session_signed_in_before_the_cached_backend_stays_signed_in(
    client, learner, django_assert_max_num_queries
):
    """Sessions name the backend that signed them in: ones from before lms.permissions name
    Django's ModelBackend, which stays listed and reads no permissions again."""
    course = make_course(title="Old session course", quiz=False)
    enrol(learner, course)
    client.force_login(learner, backend="django.contrib.auth.backends.ModelBackend")
    client.get(course.url)
    with django_assert_max_num_queries(BOUND):
        html = client.get(course.url).content.decode()
    assert "Enrolled" in html or "Start the course" in html
    assert learner.full_name in html


def test_completing_a_lesson_then_opening_the_next_takes_as_few_queries(
    learner, django_assert_max_num_queries
):
    """The realistic path: complete lesson 1 (its POST), then open lesson 2, not opened before. The
    completion keeps the progress it committed, so the next page does not compute it again."""
    course = make_course(title="Next lesson course", lessons_per_module=3, quiz=False)
    first, second, third = lessons_of(course)
    enrol(learner, course)
    client = signed_in(learner)
    Client().get(second.url)  # anybody's visit caches the route (who asks is not part of it)
    client.get(first.url)
    client.get(first.url)  # the progress after the first view is cached now
    with run_on_commit():
        assert client.post(reverse("courses:complete_lesson", args=[first.pk])).status_code == 302
    with django_assert_max_num_queries(BOUND):
        html = client.get(second.url).content.decode()
    assert nav_summary(html) == "1 of 3 required items complete"


def test_catalogue_cards_kept_for_one_learner_are_never_shown_to_another_and_change_at_once(
    learner, other_learner, admin_user, django_assert_max_num_queries
):
    course = make_course(title="Kept cards course", lessons_per_module=2, quiz=False)
    first, second = lessons_of(course)
    alex, sam = signed_in(learner), signed_in(other_learner)
    url = catalogue().url
    html = alex.get(url).content.decode()  # Alex's cards (not enrolled) are kept now
    assert "Enrolled" not in card_of(html, "Kept cards course")
    enrolment = enrol(learner, course)
    assert "Enrolled · 0% done" in card_of(alex.get(url).content.decode(), "Kept cards course")
    (assignment,) = assign_course(course, [learner], date(2030, 3, 4), admin_user)
    assert "Assigned to you: due 4 Mar 2030" in card_of(alex.get(url).content.decode(), "Kept cards course")
    change_due_date(assignment, date(2030, 5, 6), admin_user)
    with django_assert_max_num_queries(BOUND):  # the cards and progress afresh, then kept
        alex.get(url)
    with django_assert_max_num_queries(0):  # the person and the cards come from the cache
        card = card_of(alex.get(url).content.decode(), "Kept cards course")
    assert "Assigned to you: due 6 May 2030" in card and "Start" in card and first.title in card
    # Sam loads the same address after Alex: none of Alex's status, on a warm cache or not.
    for _ in range(2):
        card = card_of(sam.get(url).content.decode(), "Kept cards course")
        assert "Enrolled" not in card and "Assigned" not in card
    for lesson in (first, second, first):  # back to a lesson seen before: only the place moves
        alex.get(lesson.url)
        card = card_of(alex.get(url).content.decode(), "Kept cards course")
        assert f'Continue<span class="visually-hidden"> Kept cards course</span>: {lesson.title}' in card
    cancel_assignment(enrolment.assignment)
    assert "Assigned" not in card_of(alex.get(url).content.decode(), "Kept cards course")
    with run_on_commit():
        complete_lesson(enrolment, first)
        complete_lesson(enrolment, second)
    assert "Completed" in card_of(alex.get(url).content.decode(), "Kept cards course")


def test_a_warm_lesson_course_page_and_my_learning_make_no_query(learner, django_assert_max_num_queries):
    """The enrolment comes from the shared cache, kept under the learner's stamp, with the rest
    of what these pages read (issue 16)."""
    course = make_course(title="Kept enrolment course", lessons_per_module=2, quiz=False)
    enrol(learner, course)
    client = signed_in(learner)
    client.get(catalogue().url)  # the catalogue's course list, which My learning reads
    for url in (lessons_of(course)[0].url, course.url, reverse("dashboard")):
        client.get(url)  # a first view of a lesson is a change to the learner's records
        client.get(url)  # ... so this one reads them afresh, and keeps them
        with django_assert_max_num_queries(0):
            assert client.get(url).status_code == 200


def continue_link(html):
    match = re.search(r"Continue where you left off: ([^<]+)</a>", html)
    return match.group(1) if match else None


def test_the_kept_enrolment_is_each_learners_own_and_follows_enrolling_moving_and_leaving(
    learner, other_learner
):
    course = make_course(title="Kept rows course", lessons_per_module=3, quiz=False)
    first, second, third = lessons_of(course)
    enrolment = enrol(learner, course)
    alex, sam = signed_in(learner), signed_in(other_learner)
    for _ in range(2):  # the second round reads what the first one kept
        assert "Enrol in this course" not in alex.get(course.url).content.decode()
        assert "Enrol in this course" in sam.get(course.url).content.decode()
        assert sam.get(first.url).status_code != 200  # not enrolled: the gate refuses
    enrol(other_learner, course)
    assert "Enrol in this course" not in sam.get(course.url).content.decode()
    assert sam.get(first.url).status_code == 200
    # Moving on (a first view), and back to a lesson viewed before (no new stamp: the kept row
    # is the one record_visit wrote) both show on the course page at once.
    alex.get(first.url)
    alex.get(second.url)
    assert continue_link(alex.get(course.url).content.decode()) == second.title
    alex.get(first.url)
    assert continue_link(alex.get(course.url).content.decode()) == first.title
    assert continue_link(sam.get(course.url).content.decode()) == first.title  # only their own
    enrolment.delete()  # leaving the course
    assert "Enrol in this course" in alex.get(course.url).content.decode()
    assert alex.get(third.url).status_code != 200


def test_my_learning_lists_courses_by_last_activity_as_the_learner_moves(learner):
    one = make_course(title="First moved course", lessons_per_module=2, quiz=False)
    two = make_course(title="Second moved course", lessons_per_module=2, quiz=False)
    enrol(learner, one)
    enrol(learner, two)
    client = signed_in(learner)

    def order():
        html = client.get(reverse("dashboard")).content.decode()
        return sorted(("First moved course", "Second moved course"), key=html.index)

    client.get(lessons_of(one)[0].url)
    client.get(lessons_of(two)[0].url)
    assert order() == ["Second moved course", "First moved course"]
    client.get(lessons_of(one)[1].url)
    assert order() == ["First moved course", "Second moved course"]
    client.get(lessons_of(two)[1].url)
    assert order() == ["Second moved course", "First moved course"]
    client.get(lessons_of(one)[0].url)  # viewed before: no new stamp, a new place
    assert order() == ["First moved course", "Second moved course"]


def csrf_token_in(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_learners_kept_catalogue_page_is_their_own_with_a_new_token_each_time(learner, other_learner):
    """A learner's whole catalogue page is kept for them (courses.caching.learner_catalogue_page):
    served again without rendering a template, with a CSRF token of this response that the logout
    form posts, and never to another learner."""
    make_course(title="Kept course", quiz=False)
    url = catalogue().url
    tokens = []
    for user, other in ((learner, other_learner), (other_learner, learner)):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        first, kept = client.get(url), client.get(url)
        assert first.templates and not kept.templates  # the second was the kept page
        for response in (first, kept):
            html = response.content.decode()
            assert user.full_name in html and other.full_name not in html
            assert "Kept course" in html
            tokens.append(csrf_token_in(html))
        assert client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[-1]}).status_code == 302
        assert client.get(reverse("dashboard")).status_code == 302  # signed out
    assert len(set(tokens)) == len(tokens)  # masked afresh for every response


def test_the_kept_catalogue_page_shows_a_new_name_and_pending_messages(client, learner):
    make_course(title="Kept course", quiz=False)
    url = catalogue().url
    client.force_login(learner)
    client.get(url)
    learner.full_name = "Alex Renamed"
    learner.save()
    assert "Alex Renamed" in client.get(url).content.decode()
    assert not client.get(url).templates  # kept again, with the new name
    # A message waiting for the next page (as a view leaves one before redirecting) is shown there.
    request = RequestFactory().get(url)
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "Your profile was saved.")
    response = HttpResponse()
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value
    shown = client.get(url)
    assert shown.templates and "Your profile was saved." in shown.content.decode()
    assert "Your profile was saved." not in client.get(url).content.decode()  # shown once


def test_a_trainers_catalogue_is_rendered_each_time(client, admin_user):
    """Anyone who can open the admin gets the editor's user bar: their page is never kept."""
    make_course(title="Kept course", quiz=False)
    client.force_login(admin_user)
    for _ in range(2):
        assert client.get(catalogue().url).templates
