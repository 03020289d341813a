"""A hand-made course population whose report figures are worked out by hand in the tests.

Course "Social media basics": one Knowledge module with Lesson 1, Lesson 2 and a one-question quiz
(pass mark 80), all required: 3 required items.

- Ann (Agency A): both lessons, quiz attempts 60 then 90 (passed); course completed; certificate
  issued, expiring in 30 days, reissued once.
- Bob (Agency A): lesson 1; quiz attempt 40 (not passed); assigned, due yesterday (overdue);
  a practice submission waiting for review.
- Cat (Council B): enrolled, nothing done; assigned, due in 10 days.
- Dan (Council B): enrolled himself and opened the course (last activity), nothing done.
- Eve (Agency A): inactive account, enrolled: never counted.
- Fay (Agency A): no enrolment.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from certificates.models import Certificate, CertificateRevision
from courses.factories import make_user
from courses.models import Assignment, Enrolment, LessonCompletion, LessonPage, TaskSubmission
from courses.services import enrol
from lms.models import Organisation, User
from lms.scoping import set_organisation_managers
from quizzes.factories import make_course
from quizzes.models import Attempt, QuizPage


@dataclass
class Population:
    course: object
    lessons: list
    quiz: object
    agency: object
    council: object
    people: dict
    trainer: object
    manager: object


def attempt(user, quiz, number, score):
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        pass_mark=quiz.pass_mark,
        score=score,
        passed=score >= quiz.pass_mark,
        submitted_at=timezone.now(),
    )


def build_population():
    course = make_course(lessons_per_module=2)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    quiz = QuizPage.objects.descendant_of(course).get()
    agency = Organisation.objects.create(name="Agency A")
    council = Organisation.objects.create(name="Council B", kind=Organisation.Kind.COUNCIL)
    people = {}
    for name, organisation, active in [
        ("Ann", agency, True),
        ("Bob", agency, True),
        ("Cat", council, True),
        ("Dan", council, True),
        ("Eve", agency, False),
        ("Fay", agency, True),
    ]:
        people[name] = make_user(
            email=f"{name.lower()}@example.gov.au",
            full_name=f"{name} Learner",
            organisation=organisation,
            is_active=active,
        )
    enrolments = {name: enrol(people[name], course) for name in ("Ann", "Bob", "Cat", "Dan", "Eve")}
    trainer = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    manager = make_user(email="manager@example.gov.au", full_name="Mia Manager", organisation=agency)
    set_organisation_managers(agency, [manager])

    for lesson in lessons:
        LessonCompletion.objects.create(enrolment=enrolments["Ann"], lesson=lesson)
    attempt(people["Ann"], quiz, 1, 60)
    attempt(people["Ann"], quiz, 2, 90)
    Enrolment.objects.filter(pk=enrolments["Ann"].pk).update(completed_at=timezone.now())
    certificate = Certificate.objects.create(
        enrolment=enrolments["Ann"],
        user=people["Ann"],
        course=course,
        learner_name="Ann Learner",
        course_title=course.title,
        expires_at=timezone.now() + timedelta(days=30),
    )
    CertificateRevision.objects.create(
        certificate=certificate, old_learner_name="Ann Lerner", new_learner_name="Ann Learner"
    )

    LessonCompletion.objects.create(enrolment=enrolments["Bob"], lesson=lessons[0])
    attempt(people["Bob"], quiz, 1, 40)
    Assignment.objects.create(enrolment=enrolments["Bob"], due_date=timezone.localdate() - timedelta(days=1))
    TaskSubmission.objects.create(enrolment=enrolments["Bob"], lesson=lessons[1], text="My <b>plan</b>")

    Assignment.objects.create(enrolment=enrolments["Cat"], due_date=timezone.localdate() + timedelta(days=10))
    Enrolment.objects.filter(pk=enrolments["Dan"].pk).update(last_activity_at=timezone.now())
    LessonCompletion.objects.create(enrolment=enrolments["Eve"], lesson=lessons[0])
    return Population(course, lessons, quiz, agency, council, people, trainer, manager)


@pytest.fixture
def population(db):
    return build_population()
