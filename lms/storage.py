"""Private file storage: files only views that check who is asking may stream (certificate PDFs,
practice attachments). Its base_url is None, so no file in it has a public URL."""

from django.core.files.storage import storages


def private_storage():
    return storages["private"]
