"""WeasyPrint's safe side, shared by every PDF the site makes (certificates, offline modules).

`LocalFilesURLFetcher` serves static files (STATIC_ROOT, then the staticfiles finders), files
under MEDIA_ROOT and `data:` URIs, and refuses everything else: `file://` paths outside those
folders, private files, path traversal, and every network address. PDFs print learner names and
trainer-written text, so a crafted value must never make the renderer read a local file or call
out to the network. `font_config()` is one WeasyPrint font configuration per thread.

- `correct_figure_bboxes(pdf_bytes)` rewrites each Figure's /BBox attribute into PDF user space.
  WeasyPrint 70 writes it in CSS pixels with y pointing down (its page coordinates), so a figure's
  box lands off the page; the page's own transform (the `cm` operators that open its content
  stream) maps it back, so the fix follows whatever scale WeasyPrint uses.
- `pdf_ua_problems(pdf_bytes)` reads the structure tree back (pikepdf) and lists what breaks the
  PDF/UA-1 rules a generated document can break (veraPDF's rule numbers in the messages): list
  structure, figures' alternative text and boxes, nested paragraphs, language, title, pdfuaid.
"""

import io
import mimetypes
import threading
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in a template (such as {% static %} output, "/static/...") resolve against this
# base to file:///static/..., which the fetcher maps to static files, never to /static.
BASE_URL = "file:///"

__all__ = [
    "BASE_URL",
    "LocalFilesURLFetcher",
    "URLNotAllowed",
    "correct_figure_bboxes",
    "font_config",
    "pdf_ua_problems",
    "structure_elements",
    "write_pdf",
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
    with embedded, subset fonts, reading only what `LocalFilesURLFetcher` allows. The one place
    rendered bytes are corrected: figures' /BBox into PDF points (`correct_figure_bboxes`)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFilesURLFetcher())
    return correct_figure_bboxes(document.write_pdf(font_config=font_config(), pdf_variant=variant))


# --- Figure boxes in PDF points ------------------------------------------------------------------


def _page_transform(page):
    """The matrix the page's content stream opens with (its leading `cm` operators, through any
    `q`): what maps the renderer's page coordinates to PDF user space."""
    matrix = pikepdf.Matrix()
    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        if operator == "cm":
            matrix = pikepdf.Matrix(*[float(value) for value in instruction.operands]) @ matrix
        elif operator != "q":
            break
    return matrix


def _attribute_dicts(element):
    attributes = element.get("/A")
    if attributes is None:
        return []
    if isinstance(attributes, pikepdf.Array):
        return [a for a in attributes if isinstance(a, pikepdf.Dictionary)]
    return [attributes] if isinstance(attributes, pikepdf.Dictionary) else []


def correct_figure_bboxes(pdf_bytes) -> bytes:
    """The PDF with every Figure's /BBox in PDF user space (points, y up), inside its page.

    Each box is mapped through its page's opening transform and normalised (x0 < x1, y0 < y1).
    A document without figure boxes comes back unchanged.
    """
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        transforms = {}
        changed = False
        for element, page in structure_elements(pdf):
            if element.get("/S") != "/Figure" or page is None:
                continue
            key = page.objgen
            if key not in transforms:
                transforms[key] = _page_transform(pikepdf.Page(page))
            matrix = transforms[key]
            for attributes in _attribute_dicts(element):
                box = attributes.get("/BBox")
                if not isinstance(box, pikepdf.Array) or len(box) != 4:
                    continue
                x0, y0, x1, y1 = (float(value) for value in box)
                corners = [matrix.transform((x, y)) for x in (x0, x1) for y in (y0, y1)]
                xs = [x for x, _ in corners]
                ys = [y for _, y in corners]
                attributes.BBox = pikepdf.Array(
                    [Decimal(f"{value:.3f}") for value in (min(xs), min(ys), max(xs), max(ys))]
                )
                changed = True
        if not changed:
            return pdf_bytes
        output = io.BytesIO()
        pdf.save(output)
        return output.getvalue()


# --- Reading the structure tree back -------------------------------------------------------------


def _is_struct_element(node):
    return (
        isinstance(node, pikepdf.Dictionary)
        and "/S" in node
        and node.get("/Type", "/StructElem") == ("/StructElem")
    )


def _kids(node):
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def structure_elements(pdf):
    """Every structure element of an open pikepdf.Pdf, depth first, as (element, page): the page
    is the element's /Pg or its nearest ancestor's (None when no ancestor names one)."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    seen = set()
    stack = [(kid, None) for kid in reversed(_kids(root))]
    while stack:
        node, page = stack.pop()
        if not _is_struct_element(node) or node.objgen in seen and node.objgen != (0, 0):
            continue
        seen.add(node.objgen)
        page = node.get("/Pg", page)
        yield node, page
        stack.extend((kid, page) for kid in reversed(_kids(node)))


def _role(element, role_map):
    """The element's standard structure type (custom types through the /RoleMap)."""
    role = str(element.get("/S"))
    for _ in range(10):  # a role map may chain; never loop forever on a cyclic one
        mapped = role_map.get(role)
        if mapped is None:
            break
        role = str(mapped)
    return role


def _inside(box, media_box, tolerance=0.01):
    x0, y0, x1, y1 = (float(value) for value in box)
    m0, n0, m1, n1 = (float(value) for value in media_box)
    return (
        x0 < x1
        and y0 < y1
        and x0 >= m0 - tolerance
        and y0 >= n0 - tolerance
        and x1 <= m1 + tolerance
        and y1 <= n1 + tolerance
    )


def pdf_ua_problems(pdf_bytes):
    """What in the PDF breaks the PDF/UA-1 rules a generated document can break, as sentences
    (empty when none): the document (tagged, language, title shown, pdfuaid:part 1 in the XMP),
    lists (7.2-17: LI only inside L; 7.2-19: L holds only L, LI and Caption), paragraphs (no P
    inside P), figures (7.3-1: alternative text; a /BBox inside the page's MediaBox)."""
    problems = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        if mark_info is None or not bool(mark_info.get("/Marked", False)):
            problems.append("6.2-1: the document is not marked as tagged (/MarkInfo /Marked true).")
        if "/StructTreeRoot" not in root:
            problems.append("6.2-1: the document has no structure tree.")
        if not str(root.get("/Lang", "")).strip():
            problems.append("7.2-34: the document has no language (/Lang).")
        viewer = root.get("/ViewerPreferences")
        if viewer is None or not bool(viewer.get("/DisplayDocTitle", False)):
            problems.append("7.1-10: the viewer is not told to show the title (/DisplayDocTitle true).")
        with pdf.open_metadata() as xmp:
            if not str(xmp.get("dc:title", "") or "").strip():
                problems.append("7.1-9: the XMP metadata has no dc:title.")
            if str(xmp.get("pdfuaid:part", "")).strip() != "1":
                problems.append("5-1: the XMP metadata does not say pdfuaid:part 1.")

        tree = root.get("/StructTreeRoot")
        role_map = {}
        if tree is not None and isinstance(tree.get("/RoleMap"), pikepdf.Dictionary):
            role_map = {str(key): value for key, value in tree.RoleMap.items()}
        first_page = pdf.pages[0].obj if len(pdf.pages) else None
        for element, page in structure_elements(pdf):
            role = _role(element, role_map)
            kids = [kid for kid in _kids(element) if _is_struct_element(kid)]
            kid_roles = [_role(kid, role_map) for kid in kids]
            if role == "/L":
                for kid_role in kid_roles:
                    if kid_role not in ("/L", "/LI", "/Caption"):
                        problems.append(
                            f"7.2-19: a list (L) contains {kid_role[1:]}, not only L, LI or Caption."
                        )
            else:
                for kid_role in kid_roles:
                    if kid_role == "/LI":
                        problems.append(f"7.2-17: a list item (LI) sits in {role[1:]}, not in a list (L).")
            if role == "/P" and "/P" in kid_roles:
                problems.append("A paragraph (P) contains another paragraph (nested P).")
            if role == "/Figure":
                alt = str(element.get("/Alt", "") or element.get("/ActualText", "")).strip()
                if not alt:
                    problems.append("7.3-1: a Figure has no alternative text (/Alt).")
                boxes = [a.BBox for a in _attribute_dicts(element) if "/BBox" in a]
                if not boxes:
                    problems.append("7.3: a Figure has no /BBox attribute.")
                target = page if page is not None else first_page
                media_box = pikepdf.Page(target).mediabox if target is not None else None
                for box in boxes:
                    if media_box is None or not _inside(box, media_box):
                        problems.append(
                            f"7.3: a Figure's /BBox {[float(v) for v in box]} is not inside the page's "
                            f"MediaBox {[float(v) for v in media_box or []]}."
                        )
    return problems
