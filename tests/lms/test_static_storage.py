"""lms.storage.StaticFilesStorage: production's static files storage gives the same URLs as
WhiteNoise's (worked out once per name), and still refuses a file missing from the manifest."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from lms.storage import StaticFilesStorage


@pytest.fixture
def static_root(tmp_path):
    paths = {"lms/site.css": "lms/site.0123456789ab.css", "lms/forms.js": "lms/forms.ba9876543210.js"}
    manifest = {"paths": paths, "version": "1.1", "hash": "0123456789ab"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return tmp_path


def test_the_urls_are_the_manifests_as_whitenoise_gives_them(static_root):
    ours = StaticFilesStorage(location=static_root, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=static_root, base_url="/static/")
    for _ in range(2):  # worked out, then remembered
        assert ours.url("lms/site.css") == theirs.url("lms/site.css") == "/static/lms/site.0123456789ab.css"
        assert ours.url("lms/forms.js") == "/static/lms/forms.ba9876543210.js"


def test_a_file_missing_from_the_manifest_is_still_refused(static_root):
    storage = StaticFilesStorage(location=static_root, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("lms/missing.css")
