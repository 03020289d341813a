"""bench/results.json: every figure `make bench` measures, keyed by what it measures, each with its
unit and how it was measured. Each benchmark script adds its figures; `make bench` starts afresh.

    python bench/results.py KEY VALUE UNIT "how it was measured"   (from shell scripts)
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def record(key, value, unit, how):
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[key] = {"value": value, "unit": unit, "how": how, "measured_at": datetime.now(UTC).isoformat()}
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    key, value, unit, how = sys.argv[1:5]
    record(key, float(value), unit, how)
