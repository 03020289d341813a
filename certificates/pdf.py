"""Certificate PDFs: WeasyPrint over a Django template, reading only local files.

`render_certificate_pdf(certificate)` returns the PDF bytes; the service stores them.

Everything the template links to goes through `LocalFilesURLFetcher`, which serves static
files (STATIC_ROOT, then the staticfiles finders), files under MEDIA_ROOT and `data:` URIs,
and refuses everything else: `file://` paths outside those folders, path traversal, and every
network address. Certificates print a learner's name, so a crafted value must never make the
renderer read a local file or call out to the network.
"""

import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

TEMPLATE_NAME = "certificates/certificate_pdf.html"
DATE_FORMAT = "j F Y"  # 21 November 2026
# Relative URLs in the template (such as {% static %} output, "/static/...") resolve against
# this base to file:///static/..., which the fetcher maps to static files, never to /static.
BASE_URL = "file:///"

__all__ = [
    "LocalFilesURLFetcher",
    "URLNotAllowed",
    "certificate_context",
    "format_issue_date",
    "render_certificate_pdf",
]


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
        raise URLNotAllowed(f"Certificate PDFs read local files only, not {url[:100]!r}.")

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


def _font_config():
    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def format_issue_date(certificate):
    """The issue date as printed (Australian style: 21 November 2026), in the site's time zone."""
    with translation.override("en-au"):
        return format_date(timezone.localtime(certificate.issued_at), DATE_FORMAT)


def _qr_svg(url):
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(
        border=4,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass="qr",
        lineclass=None,
        title="QR code: the address of this certificate's verification page",
    )


def _name_size(text, long_at, very_long_at):
    """A size class so long names and titles still fit on one page."""
    if len(text) >= very_long_at:
        return "xl"
    if len(text) >= long_at:
        return "l"
    return ""


def certificate_context(certificate):
    verify_url = certificate.get_verify_url()
    return {
        "certificate": certificate,
        "issue_date": format_issue_date(certificate),
        "issued_iso": certificate.issued_at.isoformat(timespec="seconds"),
        "verify_url": verify_url,
        "qr_svg": _qr_svg(verify_url),
        "name_size": _name_size(certificate.learner_name, 34, 60),
        "title_size": _name_size(certificate.course_title, 60, 120),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }


def render_certificate_pdf(certificate) -> bytes:
    """Render the certificate as an A4 landscape PDF with embedded, subset fonts."""
    with translation.override("en-au"):
        html = render_to_string(TEMPLATE_NAME, certificate_context(certificate))
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFilesURLFetcher())
    return document.write_pdf(font_config=_font_config(), pdf_tags=True)
