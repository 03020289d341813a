"""Benchmark-only settings: production's, serving bench/urls.py (the site plus a bare "ok" view to
compare every page with). Only bench/throughput.sh uses them; production never does."""

from lms.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
