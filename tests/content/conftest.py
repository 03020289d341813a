from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def loaded_courses(django_db_setup, django_db_blocker):
    """The shipped courses, loaded once for a whole test module (it takes seconds; most content
    tests used to load them again each). The load sits in a transaction rolled back when the module
    ends; each test runs in a savepoint inside it, as Django's TestCase.setUpTestData does.
    Returns what the loader printed."""
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
