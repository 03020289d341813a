"""WeasyPrint's safe side, shared by every PDF the site makes (certificates, offline modules).

`LocalFilesURLFetcher` serves static files (STATIC_ROOT, then the staticfiles finders), files
under MEDIA_ROOT and `data:` URIs, and refuses everything else: `file://` paths outside those
folders, private files, path traversal, and every network address. PDFs print learner names and
trainer-written text, so a crafted value must never make the renderer read a local file or call
out to the network. `font_config()` is one WeasyPrint font configuration per thread.
"""

import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in a template (such as {% static %} output, "/static/...") resolve against this
# base to file:///static/..., which the fetcher maps to static files, never to /static.
BASE_URL = "file:///"

__all__ = ["BASE_URL", "LocalFilesURLFetcher", "URLNotAllowed", "font_config", "write_pdf"]


class URLNotAllowed(ValueError):
    """The PDF renderer asked for a resource it may not read. WeasyPrint logs it and skips it."""


class LocalFilesURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only static files, media files and data: URIs.

    Call it (or its `fetch` method) with a URL; it returns a `URLFetcherResponse` or raises
    `URLNotAllowed`. WeasyPrint catches that, logs it and leaves the resource out.
    """

    def __init__(self):
        # The parent is only ever asked for data: URIs (decoded in memory by urllib's
        # DataHandler); allowed_protocols makes it refuse anything else as a second guard.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.resolve_file_url(url)
            content_type, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                path.as_uri(),
                body=path.read_bytes(),
                headers={"Content-Type": content_type or "application/octet-stream"},
            )
        raise URLNotAllowed(f"PDFs read local files only, not {url[:100]!r}.")

    def resolve_file_url(self, url):
        """The real path a file: URL may read, or URLNotAllowed."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise URLNotAllowed("Remote file URLs are not allowed.")
        url_path = unquote(parts.path)
        if "\x00" in url_path or "\\" in url_path:
            raise URLNotAllowed("Invalid characters in file URL.")
        if ".." in url_path.split("/"):
            raise URLNotAllowed("Path traversal is not allowed.")

        static_prefix = _url_path_prefix(settings.STATIC_URL)
        media_prefix = _url_path_prefix(settings.MEDIA_URL)
        if static_prefix and url_path.startswith(static_prefix):
            candidate = _find_static(url_path.removeprefix(static_prefix))
        elif media_prefix and url_path.startswith(media_prefix) and settings.MEDIA_ROOT:
            candidate = Path(settings.MEDIA_ROOT) / url_path.removeprefix(media_prefix)
        else:
            candidate = Path(url_path)
        if candidate is None:
            raise URLNotAllowed(f"No such static file: {url_path[:100]!r}.")

        real = Path(candidate).resolve()
        if not any(real.is_relative_to(root) for root in _allowed_roots()):
            raise URLNotAllowed("Only static and media files may be read.")
        private_root = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        if private_root and real.is_relative_to(Path(private_root).resolve()):
            raise URLNotAllowed("Private files (such as issued certificates) may not be read.")
        if not real.is_file():
            raise URLNotAllowed(f"Not a file: {url_path[:100]!r}.")
        return real


def _url_path_prefix(url):
    """The path part of STATIC_URL/MEDIA_URL ("/static/"); None if unset or on another host."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None  # served from elsewhere (a CDN): never fetched
    return parts.path if parts.path.endswith("/") else parts.path + "/"


def _find_static(relative_path):
    if not relative_path:
        return None
    if settings.STATIC_ROOT:
        collected = Path(settings.STATIC_ROOT) / relative_path
        if collected.is_file():
            return collected
    found = finders.find(relative_path)
    return Path(found) if found else None


def _allowed_roots():
    roots = [settings.STATIC_ROOT, settings.MEDIA_ROOT]
    for finder in finders.get_finders():
        roots.extend(storage.location for storage in getattr(finder, "storages", {}).values())
    return [Path(root).resolve() for root in roots if root]


# Loading the system font configuration costs more than laying out the page; keep one per
# thread (Pango font maps are not shared across threads).
_fonts = threading.local()


def font_config():
    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def write_pdf(html, variant="pdf/ua-1") -> bytes:
    """Lay out HTML as a tagged PDF (PDF/UA-1 by default: structure tree, /Lang, /Title shown)
    with embedded, subset fonts, reading only what `LocalFilesURLFetcher` allows."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFilesURLFetcher())
    return document.write_pdf(font_config=font_config(), pdf_variant=variant)
