import pytest

from courses.factories import make_course, make_user


@pytest.fixture
def learner(db):
    return make_user()


@pytest.fixture
def other_learner(db):
    return make_user(email="other@example.gov.au", full_name="Sam Other")


@pytest.fixture
def course(db):
    """A published course: one Knowledge module with one lesson and a one-question quiz."""
    return make_course()
