"""Course navigation: the outline beside lessons and quizzes (done / current / locked, progress),
the catalogue's marks for the courses a learner is enrolled in, completed or was assigned, the
"Continue" links, and close matches for a search that finds nothing."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.factories import catalogue
from courses.models import Assignment, LessonPage
from courses.services import complete_lesson, enrol, suggest_courses
from quizzes.factories import correct_option_id, make_course
from quizzes.models import QuizPage
from quizzes.services import start_attempt, submit_attempt

pytestmark = pytest.mark.django_db


def lessons_of(course):
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def course_nav(html):
    match = re.search(r'<nav class="course-nav".*?</nav>', html, re.S)
    assert match, "no course navigation on the page"
    return match.group(0)


def item_line(nav, title):
    match = re.search(
        r'<li class="outline-item[^"]*">\s*(?:<a [^>]*>)?' + re.escape(title) + r".*?</li>", nav, re.S
    )
    assert match, f"{title} is not in the outline"
    return " ".join(match.group(0).split())


def test_a_lesson_shows_the_course_outline_with_done_current_and_locked(client, learner):
    course = make_course(title="Navigating", kinds=("knowledge", "skill"), lessons_per_module=2)
    course.sequential_modules = True
    course.save_revision().publish()
    first, second, third, _ = lessons_of(course)
    enrolment = enrol(learner, course)
    complete_lesson(enrolment, first)
    client.force_login(learner)
    html = client.get(second.url).content.decode()
    nav = course_nav(html)
    assert 'aria-label="Course outline"' in nav and "<details" in nav and "<summary" in nav
    assert "1 of 5 done" in nav and "1 of 5 items complete (20%)" in nav
    assert f'href="{course.url}"' in nav
    done = item_line(nav, first.title)
    assert "done" in done and ", complete)" in done and f'href="{first.url}"' in done
    current = item_line(nav, second.title)
    assert 'aria-current="page"' in current and "you are here" in current
    # The Skill module waits for the Knowledge module: its items are marked and not linked.
    locked = item_line(nav, third.title)
    assert "locked)" in locked and "<a " not in locked
    assert "Locked: complete “Knowledge module” first." in nav
    assert "1 of 2 required items complete" in nav  # the Knowledge module, as text
    assert "courses/course_nav.js" in html


def test_quiz_page_and_result_show_the_outline(client, learner, course):
    quiz = QuizPage.objects.descendant_of(course).get()
    enrol(learner, course)
    client.force_login(learner)
    nav = course_nav(client.get(quiz.url).content.decode())
    assert 'aria-current="page"' in item_line(nav, quiz.title)
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, {str(q.pk): correct_option_id(q) for q in attempt.questions})
    nav = course_nav(client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode())
    assert ", complete)" in item_line(nav, quiz.title)


def test_the_outline_adds_no_query_per_item(client, learner, django_assert_max_num_queries):
    small = make_course(title="Small", lessons_per_module=1)
    big = make_course(title="Big", kinds=("knowledge", "skill", "practice"), lessons_per_module=4)
    for course in (small, big):
        enrol(learner, course)
    client.force_login(learner)
    for course in (small, big):  # a first visit records the view (an insert), later ones update it
        client.get(lessons_of(course)[0].url)
    with django_assert_max_num_queries(60) as few:
        client.get(lessons_of(small)[0].url)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(lessons_of(big)[0].url).content.decode()
    assert html.count('class="outline-item') == 13  # 12 lessons and the quiz


def test_catalogue_marks_enrolled_completed_and_assigned_courses(client, learner, other_learner):
    started = make_course(title="Started course", lessons_per_module=2, quiz=False)
    finished = make_course(title="Finished course", quiz=False)
    assigned = make_course(title="Assigned course", quiz=False)
    make_course(title="Untouched course", quiz=False)
    first, second = lessons_of(started)
    complete_lesson(enrol(learner, started), first)
    complete_lesson(enrol(learner, finished), lessons_of(finished)[0])
    Assignment.objects.create(
        enrolment=enrol(learner, assigned), due_date=timezone.localdate() - timedelta(days=2)
    )
    client.force_login(learner)
    html = client.get(catalogue().url).content.decode()
    cards = {
        re.search(r"<h3><a [^>]*>(.*?)</a></h3>", card).group(1): " ".join(card.split())
        for card in html.split('<li class="card')[1:]
    }
    assert "Enrolled · 50% done" in cards["Started course"]
    assert f'href="{second.url}"' in cards["Started course"] and "Continue" in cards["Started course"]
    assert "✓</span> Completed" in cards["Finished course"] and "Continue" not in cards["Finished course"]
    assert "Assigned to you: overdue since" in cards["Assigned course"]
    assert "Start<span" in cards["Assigned course"]
    untouched = cards["Untouched course"]
    assert "Enrolled" not in untouched and "Completed" not in untouched and "Assigned" not in untouched
    # Someone else sees their own status, not this learner's.
    client.force_login(other_learner)
    html = client.get(catalogue().url).content.decode()
    assert "Enrolled ·" not in html and "Assigned to you" not in html


def test_catalogue_cards_add_no_query_per_course(client, learner, django_assert_max_num_queries):
    client.force_login(learner)
    enrol(learner, make_course(title="One"))  # lessons and a quiz: each item type asks once
    with django_assert_max_num_queries(60) as few:
        client.get(catalogue().url)
    for n in range(3):
        course = make_course(title=f"More {n}", kinds=("knowledge", "skill"), lessons_per_module=2)
        complete_lesson(enrol(learner, course), lessons_of(course)[0])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(catalogue().url).content.decode()
    assert html.count("Enrolled ·") == 4


def test_a_search_that_finds_nothing_suggests_close_matches(client):
    make_course(title="Defamation and you", quiz=False)
    make_course(title="Records management", quiz=False)
    html = client.get(catalogue().url, {"q": "defamaton"}).content.decode()
    assert "No courses match" in html
    assert 'Did you mean <a href="?q=defamation">defamation</a>?' in html
    suggested = html.split("Courses with similar names")[1]
    assert "Defamation and you" in suggested and "Records management" not in suggested
    html = client.get(catalogue().url, {"q": "qqqzzz"}).content.decode()
    assert "Did you mean" not in html and "Courses with similar names" not in html


def test_suggestions_match_close_titles(db):
    courses = [
        make_course(title="Caretaker periods", quiz=False),
        make_course(title="Using Facebook", quiz=False),
    ]
    found = suggest_courses(courses, "caretakr periods")
    assert found.query == "caretaker periods" and [c.title for c in found.courses] == ["Caretaker periods"]
    assert suggest_courses(courses, "caretaker").query == ""  # a known word is not respelt


def test_home_page_cards_show_the_learners_status_and_continue(client, learner):
    course = make_course(title="Home course", lessons_per_module=2, quiz=False)
    first, second = lessons_of(course)
    complete_lesson(enrol(learner, course), first)
    html = client.get("/").content.decode()
    assert "Home course" in html and "Enrolled ·" not in html  # a visitor's (cached) page
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "Enrolled · 50% done" in html and f'href="{second.url}"' in html and "Continue" in html
