"""The WSGI application (`gunicorn lms.wsgi`), with the objects loaded at startup out of the
garbage collector's way."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")


def freeze_startup_objects():
    """Import every view (the URLconf) and move everything loaded so far to the collector's
    permanent generation (gc.freeze). A worker holds ~300,000 objects that live as long as it does
    (Django, Wagtail, the apps); a full collection walked them all, ~150-250 ms on a 2-core machine,
    on about one request in 150: the quiz-submit p95 outliers (bench/quiz_bench.py). Garbage is
    collected first, so nothing that could be freed is kept."""
    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.collect()
    gc.freeze()


application = get_wsgi_application()
freeze_startup_objects()
