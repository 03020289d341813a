from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package")
def loaded_courses(django_db_setup, django_db_blocker):
    """The shipped courses, loaded once for all of tests/content on a test process (loading them
    takes seconds; each content module used to load them again, and under pytest-xdist each worker
    that runs content tests still does so once). The load sits in a transaction rolled back when the
    package's tests end; each test runs in a savepoint inside it, as Django's
    TestCase.setUpTestData does. Returns what the loader printed."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("load_courses", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
