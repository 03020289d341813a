"""File storages.

- Private file storage: files only views that check who is asking may stream (certificate PDFs,
  practice attachments). Its base_url is None, so no file in it has a public URL.
- `StaticFilesStorage` (production): WhiteNoise's compressed manifest storage, which works out
  each {% static %} URL once per name and process instead of on every page (four per page, about
  a twentieth of a signed-in catalogue's time): the manifest it reads is fixed for a deployment.
"""

from django.core.files.storage import storages
from whitenoise.storage import CompressedManifestStaticFilesStorage


def private_storage():
    return storages["private"]


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:  # collectstatic's own lookups, while it writes the manifest
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
