"""Django's deployment checklist passes with the production settings (HTTPS, secure cookies, HSTS,
no debug), so a production configuration cannot quietly drop one of them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # As a production server's environment: not the test run's (browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the checklist rightly flags).
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-like-secret-key-for-the-check-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "learn.example.gov.au",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "LMS_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
