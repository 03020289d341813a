"""`make bench`: speed and memory figures on a throwaway SQLite database.

Prints median and p95 for: rendering one certificate PDF in a warm process, and serving the main
learner pages through Django's test client (with their query counts: a reload with warm caches,
and the first request), plus the peak memory.
"""

import os
import re
import resource
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from results import record  # bench/results.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="lms-bench-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
os.environ["LMS_TEST_FILES"] = str(WORK)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


@contextmanager
def counting_queries():
    """The SQL statements run inside, as a list (an execute wrapper: it counts on any connection
    the request opens, where CaptureQueriesContext saw none after the forked certificate renders)."""
    statements = []

    def record_statement(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record_statement):
        yield statements


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(function, runs, warmup=3):
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def key_for(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def report(name, median, p95, extra=""):
    print(f"{name:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   {extra}")
    how = f"{name}: in-process timing (Django test client or direct call), {extra}".strip(", ")
    record(f"{key_for(name)}_median_ms", round(median, 2), "ms", how)
    record(f"{key_for(name)}_p95_ms", round(p95, 2), "ms", how)
    queries = re.match(r"(\d+) queries", extra)
    if queries:
        record(f"{key_for(name)}_queries", int(queries.group(1)), "queries", how)


def bench_certificates(learner, course):
    """Certificate section: one PDF (the issued design, with CPD hours and an expiry date) rendered
    in this warm process, then with the time bound the background task uses (a forked child per
    render), and the memory a render takes."""
    import tracemalloc
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from certificates.models import Certificate, CertificateTemplate
    from certificates.pdf import render_certificate_pdf, render_certificate_pdf_bounded

    certificate = Certificate.objects.create(
        user=learner,
        course=course,
        learner_name=learner.full_name,
        course_title=course.title,
        cpd_hours=Decimal("2.5"),
        expires_at=timezone.now() + timedelta(days=730),
        template=CertificateTemplate.objects.get(kind="standard", is_default=True),
    )
    median, p95 = timed(lambda: render_certificate_pdf(certificate), runs=30)
    size_kb = len(render_certificate_pdf(certificate)) / 1024
    report("certificate PDF render (warm, target <=150)", median, p95, f"{size_kb:.0f} KB PDF/UA-1")
    median, p95 = timed(lambda: render_certificate_pdf_bounded(certificate), runs=15)
    report("certificate PDF render, bounded (fork+20 s)", median, p95, "what the background task runs")

    tracemalloc.start()
    render_certificate_pdf(certificate)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'certificate render: peak Python allocations':<44} {peak / 2**20:.1f} MB (tracemalloc)")
    print(f"{'certificate render: peak RSS of the child':<44} {children_mb:.0f} MB (forked)")
    record("certificate_render_peak_python_allocations_mb", round(peak / 2**20, 2), "MB", "tracemalloc")
    record("certificate_render_child_peak_rss_mb", round(children_mb), "MB", "ru_maxrss of the forked render")


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_courses", verbosity=0, stdout=open(os.devnull, "w"))

    from courses.factories import make_user
    from courses.models import CoursePage, LessonPage
    from courses.services import enrol

    learner = make_user()
    course = CoursePage.objects.first()
    enrol(learner, course)
    bench_certificates(learner, course)

    client = Client()
    client.force_login(learner)
    lesson = LessonPage.objects.descendant_of(course).first()
    for name, url in [
        ("catalogue page", "/courses/"),
        ("course page (enrolled)", course.url),
        ("lesson page (enrolled)", lesson.url),
        ("My learning dashboard", "/my-learning/"),
    ]:
        with counting_queries() as cold:
            response = client.get(url)
            assert response.status_code == 200, url
        with counting_queries() as warm:  # as every later visit finds the caches
            client.get(url)
        how = f"{name}: the first request, empty caches"
        record(f"{key_for(name)}_cold_queries", len(cold), "queries", how)
        median, p95 = timed(lambda url=url: client.get(url), runs=50)
        report(name, median, p95, f"{len(warm)} queries (warm caches; {len(cold)} on the first request)")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory (RSS) of this process':<44} {peak_mb:.0f} MB")
    record("bench_process_peak_rss_mb", round(peak_mb), "MB", "ru_maxrss of bench/run.py")


if __name__ == "__main__":
    main()
