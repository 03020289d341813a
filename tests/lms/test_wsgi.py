"""lms.wsgi: a worker's startup objects are moved out of the garbage collector's way, so a full
collection no longer walks them (the quiz-submit p95 outliers, bench/quiz_bench.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a gunicorn worker does as it starts: load the application; then report what it froze.
STARTING_WORKER = """
import gc
from lms.wsgi import application
print(callable(application), gc.get_freeze_count())
"""


def test_the_startup_objects_are_frozen_and_the_application_still_loads():
    # A fresh process, as a worker is: this test process froze its own objects long ago.
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", STARTING_WORKER],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loads, frozen = result.stdout.strip().splitlines()[-1].split()
    assert loads == "True"
    assert int(frozen) > 100_000  # Django, Wagtail and the apps, with every view imported
