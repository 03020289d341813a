"""What a long-lived process does once it has loaded everything (gunicorn workers through lms.wsgi,
test processes through tests/conftest.py, bench/quiz_bench.py): move the objects it loaded out of
the garbage collector's way."""

import gc

from django.urls import get_resolver


def freeze_startup_objects():
    """Import every view (the URLconf) and move everything loaded so far to the collector's
    permanent generation (gc.freeze). A worker holds ~300,000 objects that live as long as it does
    (Django, Wagtail, the apps); a full collection walked them all, ~150-250 ms on a 2-core machine,
    on about one request in 150: the quiz-submit p95 outliers (bench/quiz_bench.py). Garbage is
    collected first, so nothing that could be freed is kept."""
    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.collect()
    gc.freeze()
