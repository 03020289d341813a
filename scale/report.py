"""Run the scale test's database checks (scale/checks.py) on a Locust ledger, with the run's
settings: `python scale/report.py LEDGER.json REPORT.json` (scale/run.py calls it)."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

import django  # noqa: E402

django.setup()

from scale.checks import check_run  # noqa: E402

ledger_file, report_file = map(Path, sys.argv[1:3])
report_file.write_text(json.dumps(check_run(json.loads(ledger_file.read_text())), indent=1))
