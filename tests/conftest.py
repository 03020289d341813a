import pytest
from django.core.cache import cache
from django.test import TestCase

from courses.factories import make_user
from quizzes.factories import make_course


def run_on_commit():
    """Run the on-commit callbacks (queued certificate renders, emails) of what happens inside,
    as a real commit would: tests run inside a transaction that never commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: allauth's rate limits (logins, sign-ups, password
    resets, confirmation emails) and the verification rate limit count in it."""
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's database set-up, plus one fix for serialized rollback.

    Playwright's sync API runs an event loop, and Django's connection handler (an asgiref Local)
    then hands the browser tests a fresh connection wrapper that lacks the snapshot Django took
    for `serialized_rollback`; the flush that follows would leave every later transactional test
    without the home page, catalogue and groups. Keeping the snapshot on the wrapper class lets
    every wrapper see it.
    """
    from django.db import connections

    wrapper = connections["default"]
    contents = getattr(wrapper, "_test_serialized_contents", None)
    if contents is not None:
        type(wrapper)._test_serialized_contents = contents
    yield
