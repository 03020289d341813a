"""`make bench`: speed and memory figures on a throwaway SQLite database.

Prints median and p95 for: rendering one certificate PDF in a warm process, and serving the main
learner pages through Django's test client (with their query counts), plus the peak memory.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

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
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


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


def report(name, median, p95, extra=""):
    print(f"{name:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   {extra}")


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_courses", verbosity=0, stdout=open(os.devnull, "w"))

    from certificates.models import Certificate
    from certificates.pdf import render_certificate_pdf
    from courses.factories import make_user
    from courses.models import CoursePage, LessonPage
    from courses.services import enrol

    learner = make_user()
    course = CoursePage.objects.first()
    enrol(learner, course)
    certificate = Certificate.objects.create(
        user=learner, course=course, learner_name=learner.full_name, course_title=course.title
    )
    median, p95 = timed(lambda: render_certificate_pdf(certificate), runs=30)
    report("certificate PDF render (warm, target <=150)", median, p95)

    client = Client()
    client.force_login(learner)
    lesson = LessonPage.objects.descendant_of(course).first()
    for name, url in [
        ("catalogue page", "/courses/"),
        ("course page (enrolled)", course.url),
        ("lesson page (enrolled)", lesson.url),
        ("My learning dashboard", "/my-learning/"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200, url
        query_count = len(queries)
        median, p95 = timed(lambda url=url: client.get(url), runs=50)
        report(name, median, p95, f"{query_count} queries")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory (RSS) of this process':<44} {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
