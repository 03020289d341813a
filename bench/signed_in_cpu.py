"""Time per request of the signed-in pages in one process, with production settings (bench/settings.py)
and warm caches: the bare "ok" view (anonymous, and with a learner's session), the catalogue, My
learning, a course page and a lesson page, each called through lms.wsgi's application as gunicorn
calls it, and each as a share of the bare view ((bare view ms) / (page ms): roughly the throughput
share bench/throughput.sh measures, without starting servers or loading the machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_cpu REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/signed_in_cpu.py [--runs 300] [--profile catalogue]

The database (it must exist, and may be empty) is migrated and the shipped courses loaded, unless
they are there already. --profile PAGE prints cProfile's top functions for that page instead.
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LMS_VAR_DIR", str(Path(tempfile.gettempdir()) / "lms-bench-cpu"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.signed_in_session import signed_in_learner  # noqa: E402
from lms.wsgi import application  # noqa: E402 - as gunicorn loads it (startup objects frozen)


def prepare():
    """Migrate, load the courses and collect the static files once; a signed-in learner enrolled
    in the first course. Returns (session key, {page name: path})."""
    call_command("migrate", verbosity=0)
    from courses.models import CoursePage

    if not CoursePage.objects.exists():
        call_command("createcachetable", verbosity=0)
        call_command("load_courses", verbosity=0, stdout=io.StringIO())
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    client, course, lesson = signed_in_learner("bench-cpu-learner@example.gov.au")
    pages = {
        "bare view": "/bench/ok/",
        "catalogue": "/courses/",
        "My learning": "/my-learning/",
        "course": course.url,
        "lesson": lesson.url,
    }
    return client.cookies["sessionid"].value, pages


def environ_for(path, session):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8765",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    if session:
        environ["HTTP_COOKIE"] = f"sessionid={session}"
    return environ


def caller(handler, path, session):
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def call():
        response = handler(environ_for(path, session), start_response)
        body = b"".join(response)
        response.close()
        assert statuses.pop().startswith("200"), (path, body[:300])
        return body

    return call


def median_ms(call, runs):
    """(wall-clock ms, CPU ms of this process) per request: the 10th percentile of each, which a
    machine shared with other work disturbs far less than the median."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.quantiles(wall, n=10)[0], statistics.quantiles(cpu, n=10)[0]


def count_queries(call):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return statements


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", help="a page name: print its cProfile instead of timing")
    parser.add_argument("--sql", action="store_true", help="print each page's statements")
    options = parser.parse_args()
    session, pages = prepare()
    handler = application

    calls = {"bare view, anonymous": caller(handler, pages["bare view"], "")}
    calls.update({name: caller(handler, path, session) for name, path in pages.items()})
    for call in calls.values():  # warm: imports, templates, every cache entry
        for _ in range(5):
            call()
    if options.profile:
        profiler = cProfile.Profile()
        call = calls[options.profile]
        profiler.enable()
        for _ in range(options.runs):
            call()
        profiler.disable()
        name = options.profile.replace(" ", "_")
        profiler.dump_stats(Path(tempfile.gettempdir()) / f"signed-in-cpu-{name}.prof")  # for pstats
        for order in ("cumulative", "tottime"):
            stats = io.StringIO()
            pstats.Stats(profiler, stream=stats).sort_stats(order).print_stats(45)
            print(stats.getvalue())  # noqa: T201
        return
    gc.collect()
    samples = {name: [] for name in calls}
    for _ in range(options.rounds):  # interleaved, so a busy second of the machine hits every page
        for name, call in calls.items():
            samples[name].append(median_ms(call, options.runs // options.rounds))
    wall = {name: statistics.median(s[0] for s in found) for name, found in samples.items()}
    cpu = {name: statistics.median(s[1] for s in found) for name, found in samples.items()}
    bare = "bare view, anonymous"
    print(  # noqa: T201
        f"{connection.vendor}, {settings.CACHES['default']['BACKEND']}, {options.runs} requests each;"
        " share = bare view (anonymous) / page, by wall-clock and by this process's CPU time"
    )
    for name, call in calls.items():
        statements = count_queries(call)
        print(  # noqa: T201
            f"  {name:<22} {wall[name]:6.2f} ms {100 * wall[bare] / wall[name]:5.1f}%"
            f"   cpu {cpu[name]:6.2f} ms {100 * cpu[bare] / cpu[name]:5.1f}%   {len(statements)} queries"
        )
        if options.sql:
            for sql in statements:
                print(f"      {sql[:220]}")  # noqa: T201
    cache.close()


if __name__ == "__main__":
    main()
