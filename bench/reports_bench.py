"""`make bench`, reports: each Reports page and export timed on PostgreSQL with the population of
`generate_load_data` (20,000 learners in 50 organisations, the three shipped courses, ~500,000
lesson completions, 60,000 quiz attempts).

A throwaway database (REPORTS_BENCH_DB, default lms_bench_reports) on the PostgreSQL server of
PG_URL is created, filled, measured and dropped. Each figure is the median (and p95) of several
requests through Django's test client as an administrator, with the number of queries, keyed
`reports_<what>_median_ms` / `_p95_ms` / `_queries` in bench/results.json. A benchmark, not a test:
the figures depend on the machine and on what else runs on it.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from results import record  # bench/results.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("REPORTS_BENCH_DB", "lms_bench_reports")
RUNS = int(os.environ.get("REPORTS_BENCH_RUNS", "7"))
LEARNERS = int(os.environ.get("REPORTS_BENCH_LEARNERS", "20000"))


def database_url(name):
    parts = urlsplit(PG_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection():
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True)


def main():
    with admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = database_url(DB_NAME)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.dev"
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        with admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')


def run():
    import django

    django.setup()
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from courses.models import CoursePage
    from lms import mfa
    from lms.models import Organisation, User

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_courses", verbosity=0)
    call_command("generate_load_data", learners=LEARNERS)
    print(f"Database ready in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics for the planner, as autovacuum would give

    admin = User.objects.create_superuser(email="bench@example.gov.au", password=None, full_name="Bench")
    mfa.give_authenticator_app(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(admin)
    session = client.session  # as after a login with a code (lms.mfa lets the admin open)
    session["account_authentication_methods_user"] = str(admin.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": admin.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session.save()

    course = CoursePage.objects.live().order_by("path").first()
    organisation = Organisation.objects.filter(name__startswith="Load test").order_by("name").first()
    learner = User.objects.filter(email__contains="@load-", enrolments__completed_at__isnull=False).first()
    enrolled = course.enrolments.count()
    measured = [
        ("course report page", reverse("reports:course", args=[course.pk])),
        ("course report csv", reverse("reports:course_export", args=[course.pk, "csv"])),
        ("course report xlsx", reverse("reports:course_export", args=[course.pk, "xlsx"])),
        ("organisation report page", reverse("reports:organisation", args=[organisation.pk])),
        ("organisation report csv", reverse("reports:organisation_export", args=[organisation.pk, "csv"])),
        ("organisation report xlsx", reverse("reports:organisation_export", args=[organisation.pk, "xlsx"])),
        ("reports course index page", reverse("reports:index")),
        ("reports organisation index page", reverse("reports:organisations")),
        ("learner record page", reverse("reports:learner", args=[learner.pk])),
        ("learner record csv", reverse("reports:learner_export", args=[learner.pk, "csv"])),
    ]

    def fetch(url):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, (url, response.status_code)
        return body

    for name, url in measured:
        fetch(url)  # warm up
        samples = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                fetch(url)
                samples.append((time.perf_counter() - start) * 1000)
        median = statistics.median(samples)
        load = os.getloadavg()[0]  # other work on the machine shows in the figures
        p95 = sorted(samples)[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        how = (
            f"{name}: Django test client as an administrator, PostgreSQL, generate_load_data "
            f"({LEARNERS:,} learners; {enrolled:,} enrolled in the course), {RUNS} runs, "
            f"{len(queries.captured_queries)} queries, load average {load:.1f} on {os.cpu_count()} CPUs"
        )
        key = "reports_" + name.replace(" ", "_")
        count = len(queries.captured_queries)
        print(f"{name:<34} median {median:7.1f} ms   p95 {p95:7.1f} ms   {count} queries")
        record(f"{key}_median_ms", round(median, 1), "ms", how)
        record(f"{key}_p95_ms", round(p95, 1), "ms", how)
        record(f"{key}_queries", len(queries.captured_queries), "queries", how)


if __name__ == "__main__":
    main()
