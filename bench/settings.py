"""Benchmark-only settings: production's, serving bench/urls.py (the site plus a bare "ok" view to
compare every page with). Only bench/throughput.sh uses them; production never does."""

import os

from lms.settings.production import *  # noqa: F401,F403
from lms.settings.production import DATABASES

ROOT_URLCONF = "bench.urls"

# Production runs PostgreSQL with persistent connections (CONN_MAX_AGE, lms/settings/base.py). The
# benchmark's SQLite file would otherwise open a connection per request (base.py keeps none for
# SQLite): about 3 ms a signed-in request that production never pays, and the bare view never
# pays at all (it reads nothing). BENCH_CONN_MAX_AGE=0 measures it that way.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "60"))
