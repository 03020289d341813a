"""Certificate PDFs: WeasyPrint over a Django template, reading only local files.

`render_certificate_pdf(certificate)` returns the PDF bytes in this process (tests, previews, the
benchmark); `render_certificate_pdf_bounded(certificate)` lays it out in a forked child process
that is killed past a time bound (the background task uses it). The service stores the bytes.

Everything the template links to goes through `lms.pdf.LocalFilesURLFetcher` (shared with the
offline copies of modules), which reads only static and media files and `data:` URIs, never a
private file or the network. Certificates print a learner's name, so a crafted value must never
make the renderer read a local file or call out to the network.
"""

import functools
import multiprocessing
import re

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date

from lms.pdf import BASE_URL, LocalFilesURLFetcher, URLNotAllowed, write_pdf

# One layout per kind of template: the councillor certificate is its own design (a council band
# with the council's name and logo), not the standard frame with other words.
TEMPLATE_NAMES = {
    "standard": "certificates/certificate_pdf.html",
    "councillor": "certificates/certificate_pdf_councillor.html",
}
TEMPLATE_NAME = TEMPLATE_NAMES["standard"]
DATE_FORMAT = "j F Y"  # 21 November 2026
# Tagged PDF for assistive technology (PDF/UA-1: structure tree, /MarkInfo, title shown, language).
PDF_VARIANT = "pdf/ua-1"
COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}")

__all__ = [
    "BASE_URL",  # re-exported from lms.pdf, where the fetcher lives
    "LocalFilesURLFetcher",
    "RenderError",
    "RenderTimeout",
    "URLNotAllowed",
    "certificate_context",
    "certificate_html",
    "format_issue_date",
    "html_to_pdf",
    "render_certificate_pdf",
    "render_certificate_pdf_bounded",
]


def format_date_au(moment):
    """A date as printed (Australian style: 21 November 2026), in the site's time zone."""
    with translation.override("en-au"):
        return format_date(timezone.localtime(moment), DATE_FORMAT)


def format_issue_date(certificate):
    return format_date_au(certificate.issued_at)


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


def _image(image, alt):
    """{"url", "alt"} for a Wagtail image in local media storage, or None. The URL is read by the
    fetcher, which serves MEDIA_ROOT only: an image stored elsewhere is left out, never fetched."""
    if image is None:
        return None
    try:
        url = image.file.url
    except (ValueError, NotImplementedError):
        return None
    return {"url": url, "alt": alt or image.title}


def _colour(value, default):
    """A #rrggbb colour for the style sheet; anything else falls back to the house colour."""
    return value if isinstance(value, str) and COLOUR_RE.fullmatch(value) else default


def certificate_context(certificate, template=None):
    template = template or certificate.get_template()
    verify_url = certificate.get_verify_url()
    issue_date = format_issue_date(certificate)
    values = {
        "name": certificate.learner_name,
        "course": certificate.course_title,
        "date": issue_date,
        "cpd_hours": certificate.cpd_hours_display,
    }
    return {
        "certificate": certificate,
        "template": template,
        "heading": template.heading,
        "primary_colour": _colour(template.primary_colour, "#00305a"),
        "accent_colour": _colour(template.accent_colour, "#a8812a"),
        "body_parts": template.body_parts(values),
        "logo": _image(template.logo, template.logo_alt),
        "signature": _image(
            template.signature,
            f"Signature of {template.signatory_name}" if template.signatory_name else "Signature",
        ),
        "issue_date": issue_date,
        "expiry_date": format_date_au(certificate.expires_at) if certificate.expires_at else "",
        "cpd_hours": certificate.cpd_hours_display,
        "issued_iso": certificate.issued_at.isoformat(timespec="seconds"),
        "verify_url": verify_url,
        "qr_svg": _qr_svg(verify_url),
        "name_size": _name_size(certificate.learner_name, 34, 60),
        "title_size": _name_size(certificate.course_title, 60, 120),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "council": _council(certificate),
        "signatory_name": template.signatory_name or settings.WAGTAIL_SITE_NAME,
        "signatory_title": template.signatory_title if template.signatory_name else "",
    }


def _council(certificate):
    """{"name", "logo"} for a councillor's certificate that names a council, else None."""
    if not certificate.is_councillor or not certificate.organisation_name:
        return None
    organisation = certificate.organisation
    logo = None
    if organisation is not None:
        logo = _image(organisation.logo, organisation.logo_alt or f"{organisation.name} logo")
    return {"name": certificate.organisation_name, "logo": logo}


def template_name_for(template):
    """The layout a certificate template prints with (by its kind)."""
    return TEMPLATE_NAMES.get(template.kind, TEMPLATE_NAME)


def certificate_html(certificate, template=None):
    """The certificate as HTML (reads the database: call it in the process that has the data)."""
    context = certificate_context(certificate, template)
    with translation.override("en-au"):
        return render_to_string(template_name_for(context["template"]), context)


def html_to_pdf(html) -> bytes:
    """Lay out the HTML as a tagged PDF/UA-1 document with embedded, subset fonts (lms.pdf.write_pdf,
    which also maps WeasyPrint 70's figure /BBox from CSS pixels into PDF points)."""
    return write_pdf(html, variant=PDF_VARIANT)


def render_certificate_pdf(certificate, template=None) -> bytes:
    """Render the certificate as an A4 landscape PDF/UA-1 document, in this process."""
    return html_to_pdf(certificate_html(certificate, template))


# --- Rendering with a time bound -------------------------------------------------------------------


class RenderError(Exception):
    """Rendering failed (an exception in the renderer, or it crashed)."""


class RenderTimeout(RenderError):
    """Rendering ran past its time bound and was stopped."""


def _render_in_child(connection, html):
    # Runs in the forked child: no database access here, only WeasyPrint and the local fetcher.
    try:
        connection.send(("ok", html_to_pdf(html)))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which decides
        connection.send(("error", f"{type(error).__name__}: {error}"[:300]))
    finally:
        connection.close()


# A page in the certificates' own fonts: laying it out once loads what every render needs (the font
# configuration and files, WeasyPrint's stylesheets), which forked children then share.
WARM_UP_HTML = (
    '<html lang="en"><head><title>Warm-up</title><style>@page { size: A4 landscape }'
    " h1 { font-family: 'EB Garamond' } p { font-family: Lato }</style></head>"
    "<body><h1>Certificate 1</h1><p>Warm-up <strong>page</strong></p></body></html>"
)


@functools.cache
def warm_up_renderer():
    """Lay out a small page in this process, once: each forked render then starts warm, instead of
    loading fonts and stylesheets again in every child (about 0.1 s of CPU less per certificate)."""
    html_to_pdf(WARM_UP_HTML)


def render_certificate_pdf_bounded(certificate, timeout=None, template=None) -> bytes:
    """Render in a child process that is killed after `timeout` seconds (RenderTimeout).

    The HTML is built here (it needs the database); the child only lays it out. The child is
    forked, so it starts warm (fonts and WeasyPrint already loaded) and touches no connection.
    Complete PDF bytes come back, or an exception: never part of a file.
    """
    timeout = settings.CERTIFICATE_RENDER_TIMEOUT if timeout is None else timeout
    html = certificate_html(certificate, template)
    warm_up_renderer()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_in_child, args=(sender, html), daemon=True)
    child.start()
    sender.close()
    finished = False
    try:
        if not receiver.poll(timeout):
            raise RenderTimeout(f"Rendering took longer than {timeout:g} s and was stopped.")
        try:
            outcome, payload = receiver.recv()
        except EOFError as error:
            raise RenderError(f"The renderer stopped unexpectedly (exit code {child.exitcode}).") from error
        finished = True
    finally:
        receiver.close()
        if finished:
            child.join(5)  # it has sent its answer and is exiting
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome != "ok":
        raise RenderError(payload)
    if not payload.startswith(b"%PDF-"):
        raise RenderError("The renderer returned something other than a PDF.")
    return payload
