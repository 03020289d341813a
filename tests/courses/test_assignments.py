"""Assigned training: assign a course to learners or an organisation, and find overdue learners."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.assignments import (
    assign_course,
    assign_to_organisation,
    overdue_assignments,
    overdue_rows,
)
from courses.factories import make_user
from courses.models import Assignment, Enrolment, LessonPage
from courses.services import complete_lesson, enrol, start_retake
from lms.models import Organisation, User
from quizzes.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    return make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)


@pytest.fixture
def agency():
    return Organisation.objects.create(name="Department of Examples")


def days_from_today(days):
    return timezone.localdate() + timedelta(days=days)


def test_assign_course_enrols_each_learner_with_the_due_date(course, learner, other_learner, trainer):
    due = days_from_today(14)

    assignments = assign_course(course, [learner, other_learner], due, trainer, note="Induction")

    assert len(assignments) == 2 and all(a.created for a in assignments)
    assert Enrolment.objects.filter(course=course).count() == 2
    for user in (learner, other_learner):
        assignment = Assignment.objects.get(enrolment__user=user, enrolment__course=course)
        assert (assignment.due_date, assignment.assigned_by, assignment.note) == (due, trainer, "Induction")


def test_assigning_again_updates_the_due_date_without_duplicating(course, learner, trainer):
    existing = enrol(learner, course)  # already enrolled on their own
    assign_course(course, [learner], days_from_today(7), trainer)

    later = days_from_today(30)
    again = assign_course(course, [learner], later, trainer)

    assert again[0].created is False
    assert Enrolment.objects.filter(user=learner, course=course).get().pk == existing.pk
    assert Assignment.objects.filter(enrolment=existing).count() == 1
    assert Assignment.objects.get(enrolment=existing).due_date == later


def test_assign_to_organisation_assigns_every_active_member_once(course, trainer, agency):
    members = [
        make_user(email=f"member{i}@example.gov.au", full_name=f"Member {i}", organisation=agency)
        for i in range(3)
    ]
    make_user(email="left@example.gov.au", full_name="Left Already", organisation=agency, is_active=False)
    make_user(email="elsewhere@example.gov.au", full_name="Else Where")
    due = days_from_today(10)

    first = assign_to_organisation(course, agency, due, trainer)
    second = assign_to_organisation(course, agency, due + timedelta(days=5), trainer)

    assert {a.enrolment.user_id for a in first} == {m.pk for m in members}
    assert [a.created for a in second] == [False, False, False]
    assert Assignment.objects.count() == 3
    assert set(Assignment.objects.values_list("due_date", flat=True)) == {due + timedelta(days=5)}


def test_overdue_lists_incomplete_past_due_assignments_only(course, learner, other_learner, trainer, agency):
    late = make_user(email="late@example.gov.au", full_name="Lee Late", organisation=agency)
    assign_course(course, [learner], days_from_today(-3), trainer)  # overdue
    assign_course(course, [late], days_from_today(-10), trainer)  # overdue, older
    assign_course(course, [other_learner], days_from_today(-3), trainer)  # completed below
    Enrolment.objects.filter(user=other_learner).update(completed_at=timezone.now())
    on_time = make_user(email="ontime@example.gov.au", full_name="On Time")
    assign_course(course, [on_time], days_from_today(1), trainer)  # due tomorrow: not overdue yet

    overdue = list(overdue_assignments())

    assert [a.enrolment.user for a in overdue] == [late, learner]
    assert [a.enrolment.user for a in overdue_assignments(organisation=agency)] == [late]
    other_course = make_course(title="Records management", quiz=False)
    assert list(overdue_assignments(course=other_course)) == []


def test_overdue_assignments_take_one_query_however_many_rows(
    course, trainer, agency, django_assert_num_queries
):
    def touch_every_row():
        return [
            (a.enrolment.user.full_name, a.enrolment.user.organisation.name, a.enrolment.course.title)
            for a in overdue_assignments()
        ]

    for i in range(2):
        user = make_user(email=f"a{i}@example.gov.au", full_name=f"A {i}", organisation=agency)
        assign_course(course, [user], days_from_today(-1), trainer)
    with django_assert_num_queries(1):
        assert len(touch_every_row()) == 2
    for i in range(5):
        user = make_user(email=f"b{i}@example.gov.au", full_name=f"B {i}", organisation=agency)
        assign_course(course, [user], days_from_today(-1), trainer)
    with django_assert_num_queries(1):
        assert len(touch_every_row()) == 7


def test_overdue_rows_give_days_overdue_and_progress(learner, trainer):
    course = make_course(title="Two lessons", lessons_per_module=2, quiz=False)
    (assignment,) = assign_course(course, [learner], days_from_today(-4), trainer)
    complete_lesson(assignment.enrolment, LessonPage.objects.descendant_of(course).order_by("path").first())

    (row,) = overdue_rows(overdue_assignments())

    assert (row.learner, row.days_overdue, row.percent) == (learner, 4, 50)


def test_an_assignment_from_before_a_retake_is_not_overdue(learner, trainer):
    course = make_course(title="Renewed yearly", quiz=False)
    (assignment,) = assign_course(course, [learner], days_from_today(-30), trainer)
    enrolment = assignment.enrolment
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now() - timedelta(days=40))
    enrolment.refresh_from_db()
    assert start_retake(enrolment)  # a new cycle: the old due date was for the first one

    assert list(overdue_assignments()) == []
    assign_course(course, [learner], days_from_today(5), trainer)  # assigned again for this cycle
    in_a_week = days_from_today(7)
    assert [a.enrolment_id for a in overdue_assignments(today=in_a_week)] == [enrolment.pk]
