import fcntl
import gc
import json
import os
import resource
import sqlite3
import tempfile
from pathlib import Path

import pytest
from _pytest.unraisableexception import gc_collect_iterations_key
from django.core.cache import cache
from django.db import connection, connections
from django.db.backends.postgresql.operations import DatabaseOperations as PostgreSQLOperations
from django.db.backends.sqlite3.base import DatabaseOperations as SQLiteOperations
from django.test import Client, TestCase

from courses.factories import make_user
from lms.startup import freeze_startup_objects
from quizzes.factories import make_course
from tests.lti_platform.harness import LtiTestPlatform
from tests.sso_provider.harness import OIDCProvider
from tests.two_step import sign_in_to_admin


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
def admin_client(db, admin_user):
    """pytest-django's admin_client (a superuser's own client), signed in the way the admin's
    two-step enforcement (lms/mfa.py) accepts: password, then a code from an authenticator app."""
    client = Client()
    sign_in_to_admin(client, admin_user)
    return client


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


# --- Garbage collection: off while tests run --------------------------------------------------------
# Collections cost a test run 3-4% of its CPU (full walks of a heap that tests keep growing, and freeing
# cycles that die with the process anyway), against ~600 MB more per worker. So once its tests are
# collected a process stops automatic collection; it collects only past GC_ABOVE_BYTES (checked every
# GC_CHECK_EVERY tests), then moves what survives out of later collections' way.
GC_CHECK_EVERY = 50
GC_ABOVE_BYTES = int(os.environ.get("LMS_TEST_GC_ABOVE_MB", "1500")) * 1024 * 1024
_tests_finished = 0


def pytest_collection_finish(session):
    """What the process loaded (Django, Wagtail, the apps, the tests) goes to the collector's
    permanent generation, as a gunicorn worker's does (lms.wsgi); then automatic collection stops."""
    freeze_startup_objects()
    gc.disable()
    # pytest's own last step, five full collections to surface errors in finalizers, would then walk
    # everything the run left behind (seconds per process) just before the process exits.
    session.config.stash[gc_collect_iterations_key] = 0


def _resident_bytes():
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc (macOS): the peak instead, so it collects more often, never less
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def pytest_runtest_logfinish(nodeid, location):
    global _tests_finished
    _tests_finished += 1
    if _tests_finished % GC_CHECK_EVERY == 0 and _resident_bytes() > GC_ABOVE_BYTES:
        gc.collect()
        gc.freeze()


def pytest_unconfigure(config):
    """What the run left behind dies with the process: frozen, it is not walked by the collection
    Python makes as it exits (two seconds and more for a worker's garbage)."""
    gc.freeze()


# Tests that share a costly session fixture run on one pytest-xdist worker (`make test` passes
# --dist loadgroup), which builds it once: the shipped courses (loaded in seconds), and the real
# servers some tests talk to (each a process of its own, started in a second or more).
SHARED_FIXTURE_GROUPS = {
    "loaded_courses": "shipped_courses",
    "oidc_provider": "oidc_provider",
    "lti_platform": "lti_platform",
    "ralph": "ralph_lrs",
}


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    return (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook, which reads the group marks
def pytest_collection_modifyitems(items):
    """Mark the tests of each shared fixture as one xdist_group. Not the transactional ones (browser
    tests): a worker runs a group's tests together, where its first test comes, and a transactional
    test empties the database when it ends, so it must keep its place among the last (pytest-django
    puts them there); one that needs a shared server may start its own on another worker."""
    for item in items:
        if _is_transactional(item):
            continue
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in SHARED_FIXTURE_GROUPS:
                item.add_marker(pytest.mark.xdist_group(SHARED_FIXTURE_GROUPS[fixture]))
                break


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider (django-oauth-toolkit, tests/sso_provider/) in a second
    process on a free local port, for this test session; stopped at the end."""
    provider = OIDCProvider(tmp_path_factory.mktemp("oidc-provider")).start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def lti_platform(tmp_path_factory):
    """A small real LTI 1.3 platform (tests/lti_platform/) in a second process on a free local port,
    reached as http://localhost:PORT, for this test session; stopped at the end."""
    platform = LtiTestPlatform(tmp_path_factory.mktemp("lti-platform")).start()
    yield platform
    platform.stop()


# --- Transactional tests: a cheaper reset between them ----------------------------------------------
# A transactional test (browser tests, race tests) ends with Django's flush, which empties every table,
# and the next one reloads what the migrations made (serialized rollback). Two cuts, in test runs only:
#
# 1. Content types and permissions (541 of the ~600 rows the migrations make) are neither emptied nor
#    reloaded: no test adds or removes one, and reloading them cost ~1,100 queries per test.
# 2. On PostgreSQL the tables are emptied with DELETE, not one TRUNCATE of all ~115 tables, which gives
#    every table and index a new file: about 1 s on a quiet machine and 3 s in CI, for tables that hold
#    a few rows; the DELETEs take ~50 ms. Django makes every foreign key DEFERRABLE INITIALLY DEFERRED
#    on PostgreSQL, so their order does not matter: the checks run at the commit, when the tables are
#    empty. Resetting sequences or cascading (neither is asked for here) keep Django's own SQL.
KEPT_TABLES = {"django_content_type", "auth_permission"}
KEPT_MODELS = {"contenttypes.contenttype", "auth.permission"}
_truncate_flush = PostgreSQLOperations.sql_flush


def _delete_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade:
        return _truncate_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    delete = style.SQL_KEYWORD("DELETE FROM")
    return [f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]


def _keeping_content_types(sql_flush):
    def flush_all_but_kept(self, style, tables, **options):
        return sql_flush(self, style, [table for table in tables if table not in KEPT_TABLES], **options)

    return flush_all_but_kept


PostgreSQLOperations.sql_flush = _keeping_content_types(_delete_flush)
SQLiteOperations.sql_flush = _keeping_content_types(SQLiteOperations.sql_flush)


def _without_kept_rows(serialized):
    """Django's serialized snapshot of the test database without the rows flush now keeps."""
    return json.dumps([row for row in json.loads(serialized) if row["model"] not in KEPT_MODELS])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's database set-up, plus two changes to serialized rollback.

    Playwright's sync API runs an event loop, and Django's connection handler (an asgiref Local)
    then hands the browser tests a fresh connection wrapper that lacks the snapshot Django took
    for `serialized_rollback`; the flush that follows would leave every later transactional test
    without the home page, catalogue and groups. Keeping the snapshot on the wrapper class lets
    every wrapper see it. And the snapshot leaves out the content types and permissions, which
    the flush keeps (above).
    """
    wrapper = connections["default"]
    contents = getattr(wrapper, "_test_serialized_contents", None)
    if contents is not None:
        contents = _without_kept_rows(contents)
        wrapper._test_serialized_contents = contents
        type(wrapper)._test_serialized_contents = contents
    yield


# --- pytest-xdist: migrate once, copy per worker ---------------------------------------------------
# Each worker (gw0, gw1, ...) gets its own test database (pytest-django adds the "_gwN" suffix). The
# migrations (~15 s) run once per run, into a template database; each worker copies it (SQLite: the
# file, PostgreSQL: CREATE DATABASE ... TEMPLATE) and then only checks that nothing is left to migrate.

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _names():
    """(template, this worker's) test database names."""
    name = connection.settings_dict["TEST"]["NAME"]
    base = name[: -len(f"_{WORKER}")] if WORKER and name.endswith(f"_{WORKER}") else name
    return f"{base}_template", name


def _is_sqlite(connection):
    return connection.vendor == "sqlite"


def _drop(connection, name):
    if _is_sqlite(connection):
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
    else:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _lock_path(template):
    key = template.replace("/", "_").strip("_")
    return Path(tempfile.gettempdir()) / f"lms-testdb-{key}.lock"


def _build_template_and_copy(config, template, name):
    run = config.workerinput["testrunuid"]
    with open(_lock_path(template), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        if lock.read().strip() != run:  # the first worker of this run (re)builds the template
            settings = connection.settings_dict
            settings["TEST"]["NAME"] = template
            connection.creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False, keepdb=not config.getvalue("create_db")
            )
            connection.close()
            settings["TEST"]["NAME"] = name
            lock.seek(0)
            lock.truncate()
            lock.write(run)
            lock.flush()
        _drop(connection, name)
        if _is_sqlite(connection):
            with sqlite3.connect(template) as source, sqlite3.connect(name) as target:
                source.backup(target)
        else:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}" WITH TEMPLATE "{template}"')


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """The workers of a run collect one after the other: the first compiles the tests (pytest
    rewrites their asserts) and writes the bytecode, which the next one then reads, instead of
    every worker doing the same work at once (~4 s of CPU each). The second would wait anyway, for
    the first to build the template database."""
    if not WORKER:
        return (yield)
    database = connection.settings_dict
    key = f"{connection.vendor}-{database['NAME']}-{database['TEST'].get('NAME')}-collect"
    with open(_lock_path(key), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return (yield)


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    # Under xdist the worker's copy is fresh: pytest-django only runs the (no-op) migrate check.
    return bool(WORKER) or request.config.getvalue("reuse_db")


@pytest.fixture(scope="session")
def django_db_createdb(request):
    return not WORKER and request.config.getvalue("create_db")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker, request):
    if not WORKER:
        yield
        return
    original_name = connection.settings_dict["NAME"]
    template, name = _names()
    with django_db_blocker.unblock():
        _build_template_and_copy(request.config, template, name)
    connection.settings_dict["NAME"] = original_name
    yield
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict["NAME"] = original_name
        if not request.config.getvalue("reuse_db"):
            _drop(connection, name)


def pytest_sessionfinish(session):
    """The xdist controller drops the template once every worker is done (kept with --reuse-db)."""
    if hasattr(session.config, "workerinput") or session.config.getvalue("reuse_db"):
        return
    if not getattr(session.config.option, "numprocesses", None):
        return
    from pytest_django.plugin import blocking_manager_key

    name = connection.settings_dict.get("TEST", {}).get("NAME")
    if connection.vendor != "sqlite" and not name:
        name = f"test_{connection.settings_dict['NAME']}"
    if not name:
        return
    try:
        with session.config.stash[blocking_manager_key].unblock():
            _drop(connection, f"{name}_template")
            connection.close()
        _lock_path(f"{name}_template").unlink(missing_ok=True)
    except Exception as error:  # noqa: BLE001 - a leftover template is harmless; never fail the run here
        print(f"Could not drop the template test database {name}_template: {error}")  # noqa: T201
