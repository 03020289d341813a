"""Settings for pytest: fast hashing, in-memory email, files under a throwaway folder."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import DATABASES, STORAGES

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

_TEST_FILES = Path(os.environ.get("LMS_TEST_FILES", tempfile.mkdtemp(prefix="lms-test-")))
MEDIA_ROOT = _TEST_FILES / "media"
PRIVATE_MEDIA_ROOT = _TEST_FILES / "private"
STORAGES = {
    **STORAGES,
    "default": {**STORAGES["default"], "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": "/media/"}},
    "private": {**STORAGES["private"], "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None}},
}

# Tests run in one process; the per-process cache keeps them isolated and fast.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file-backed test database, so the live server used by browser tests sees the same data
    # and `pytest --reuse-db` can skip the migrations.
    _default_test_db = Path(__file__).resolve().parent.parent.parent / "var" / "test.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("LMS_TEST_DB", str(_default_test_db))}
else:
    if os.environ.get("LMS_PG_TEST_DB"):
        # A private PostgreSQL test database name, so parallel runs don't share "test_<name>".
        DATABASES["default"]["TEST"] = {"NAME": os.environ["LMS_PG_TEST_DB"]}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Throwaway data: commits need not wait for the disk (a crash loses the last commits only).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"

# --- Certificates: render PDFs at once, in the test's own process (certificates app) ------------
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "certificates": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "emails": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "xapi": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "lti": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# A render takes ~1 s, but a CI machine running both suites side by side can starve one for a while:
# only the test of the time bound itself (which sets its own) should ever hit it.
CERTIFICATE_RENDER_TIMEOUT = float(os.environ.get("CERTIFICATE_RENDER_TIMEOUT", "120"))
# --- end certificates ---------------------------------------------------------------------------

# Static files come from the app folders through the finders; no collectstatic for tests.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
