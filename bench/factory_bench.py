"""The test factories' cost per call: SQL queries and milliseconds (issue 18, test set-up time).

    .venv/bin/python bench/factory_bench.py                      # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test LMS_PG_TEST_DB=test_factory_bench \\
        .venv/bin/python bench/factory_bench.py                  # PostgreSQL (created, then dropped)

Creates a test database as pytest does, then times CALLS calls (default 20) of each builder that
the tests call most: quizzes.factories.make_course, courses.factories.make_user,
courses.services.enrol and tests/certificates/conftest.py certificate_for (which also renders the
PDF), each inside a transaction that is rolled back, as in a test. Prints the median and p95
milliseconds and the queries per call, and with --tables the statements of one make_course
grouped by kind and table. A benchmark, not a test: the figures depend on the machine.
"""

import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="lms-factory-bench-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
os.environ["LMS_TEST_FILES"] = str(WORK)
os.environ.setdefault("LMS_TEST_DB", str(WORK / "bench.sqlite3"))
CALLS = int(os.environ.get("FACTORY_BENCH_CALLS", "20"))

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


class Rollback(Exception):
    """Raised to roll a measured call's transaction back, as pytest-django does after a test."""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(name, prepare, call, calls=CALLS):
    """Median and p95 ms and the queries of `call(*prepare())`, each call in its own rolled-back
    transaction (what `prepare` makes is not counted)."""
    samples, queries = [], []
    for _ in range(calls + 2):  # the first two warm the process (imports, content types)
        try:
            with transaction.atomic():
                arguments = prepare()
                connection.queries_log.clear()  # it keeps 9,000 statements: count from empty
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    call(*arguments)
                    samples.append((time.perf_counter() - start) * 1000)
                queries.append(len(captured))
                raise Rollback
        except Rollback:
            pass
    samples, queries = samples[2:], queries[2:]
    print(
        f"{name:<28} median {statistics.median(samples):7.1f} ms   p95 {percentile(samples, 0.95):7.1f} ms"
        f"   {statistics.median(queries):5.0f} queries"
    )


def statement_kinds(statements):
    """'SELECT wagtailcore_page' and the like, counted."""
    kinds = Counter()
    for sql in statements:
        verb = sql.split(None, 1)[0].upper()
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
        kinds[f"{verb} {table.group(1) if table and verb != 'SAVEPOINT' else ''}".strip()] += 1
    return kinds


def main():
    from courses.factories import make_user
    from courses.services import enrol
    from quizzes.factories import make_course
    from tests.certificates.conftest import certificate_for

    print(f"{connection.vendor}, {CALLS} calls each")
    measure("make_course", lambda: (), make_course)
    measure("make_user", lambda: (), make_user)
    measure("enrol", lambda: (make_user(), make_course()), enrol)
    measure("make_course+make_user+enrol", lambda: (), lambda: enrol(make_user(), make_course()))
    # A certificate renders its PDF (~0.3 s): fewer calls.
    with_course = lambda: (make_user(), make_course())  # noqa: E731
    measure("certificate_for", with_course, certificate_for, calls=max(CALLS // 4, 3))
    if "--tables" in sys.argv:
        try:
            with transaction.atomic():
                make_course()  # warm
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as captured:
                    make_course(title="Counted")
                raise Rollback
        except Rollback:
            pass
        for kind, count in statement_kinds(q["sql"] for q in captured.captured_queries).most_common():
            print(f"  {count:4d}  {kind}")


if __name__ == "__main__":
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
