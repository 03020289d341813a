import pytest
from django.contrib.auth.models import Group

from courses.factories import make_user
from courses.models import ModulePage
from courses.services import enrol
from quizzes.factories import make_course


@pytest.fixture
def module(db):
    """A Practice module of a published course, with nothing in it yet."""
    course = make_course(kinds=("practice",), lessons_per_module=0, quiz=False)
    return ModulePage.objects.child_of(course).get()


@pytest.fixture
def enrolled(client, learner, module):
    """The learner, signed in and enrolled in the module's course."""
    enrolment = enrol(learner, module.course)
    client.force_login(learner)
    return enrolment


@pytest.fixture
def trainer(db):
    user = make_user(email="trainer@example.gov.au", full_name="Tara Trainer")
    user.groups.add(Group.objects.get(name="Trainers"))
    return user
