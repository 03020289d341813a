import io
import shutil
import socket
import subprocess
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin

import pypdf
import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.utils import timezone
from weasyprint import HTML

from certificates import pdf as certificates_pdf
from certificates.models import CertificateTemplate
from certificates.pdf import (
    BASE_URL,
    LocalFilesURLFetcher,
    RenderError,
    RenderTimeout,
    URLNotAllowed,
    certificate_html,
    render_certificate_pdf,
    render_certificate_pdf_bounded,
)
from courses.factories import make_user
from quizzes.factories import make_course

from .conftest import certificate_for

A4_LANDSCAPE = (841.89, 595.28)


def read_pdf(pdf_bytes):
    return pypdf.PdfReader(io.BytesIO(pdf_bytes))


def pdf_text(pdf_bytes):
    return "\n".join(page.extract_text() for page in read_pdf(pdf_bytes).pages)


def expected_date(certificate):
    issued = timezone.localtime(certificate.issued_at)
    return f"{issued.day} {issued:%B %Y}"


@pytest.fixture
def pdf_bytes(certificate):
    return render_certificate_pdf(certificate)


def test_pdf_is_a_pdf(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF-")
    assert pdf_bytes.rstrip().endswith(b"%%EOF")


def test_issuing_stores_the_rendered_pdf(certificate):
    with certificate.pdf.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    assert certificate.code in certificate.pdf.name


def test_pdf_text_names_learner_course_code_and_date(certificate, pdf_bytes):
    text = pdf_text(pdf_bytes)
    assert "Certificate of completion" in text
    assert "Councillor" not in text
    assert "Alex Citizen" in text
    assert "Social media basics" in text
    assert certificate.code in text
    assert expected_date(certificate) in text  # e.g. 21 November 2026


def test_councillor_certificate_recognises_an_elected_member(councillor, course):
    certificate = certificate_for(councillor, course)
    assert certificate.is_councillor
    text = pdf_text(render_certificate_pdf(certificate))
    assert "Councillor certificate of completion" in text
    assert "elected member" in text
    assert "Linh Nguyen" in text


def test_page_is_one_a4_landscape_page(pdf_bytes):
    reader = read_pdf(pdf_bytes)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_LANDSCAPE[0], abs=1)
    assert float(box.height) == pytest.approx(A4_LANDSCAPE[1], abs=1)


def test_long_name_and_title_still_fit_on_one_page(db):
    name = ("Wolfeschlegelsteinhausen " * 6)[:150]
    learner = make_user(email="long@example.gov.au", full_name=name)
    course = make_course(title=("Responding to misinformation during emergencies " * 6)[:255])
    reader = read_pdf(render_certificate_pdf(certificate_for(learner, course)))
    assert len(reader.pages) == 1


def test_document_title_and_language_are_set(certificate, pdf_bytes):
    reader = read_pdf(pdf_bytes)
    assert reader.metadata.title.startswith("Certificate of completion")
    assert "Social media basics" in reader.metadata.title
    assert "Alex Citizen" in reader.metadata.title
    assert reader.metadata.author == "GovSocial Academy"
    assert reader.trailer["/Root"]["/Lang"] == "en-AU"


def _fonts(obj, seen=None):
    """Every font dictionary reachable from obj (page resources, form XObjects, Type0 fonts)."""
    seen = set() if seen is None else seen
    if isinstance(obj, pypdf.generic.IndirectObject):
        if (obj.idnum, obj.generation) in seen:
            return
        seen.add((obj.idnum, obj.generation))
        obj = obj.get_object()
    if isinstance(obj, pypdf.generic.DictionaryObject):
        if obj.get("/Type") == "/Font":
            yield obj
        for key, value in obj.items():
            if key not in ("/Parent", "/P", "/Pg"):
                yield from _fonts(value, seen)
    elif isinstance(obj, pypdf.generic.ArrayObject):
        for item in obj:
            yield from _fonts(item, seen)


def test_fonts_are_embedded_and_the_house_fonts(pdf_bytes):
    page = read_pdf(pdf_bytes).pages[0]
    fonts = list(_fonts(page["/Resources"]))
    descriptors = {}
    for font in fonts:
        if "/FontDescriptor" in font:
            descriptor = font["/FontDescriptor"].get_object()
            descriptors[str(descriptor["/FontName"])] = descriptor
    assert descriptors, "no font descriptors found"
    for name, descriptor in descriptors.items():
        embedded = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
        assert embedded, f"{name} is not embedded"
    names = " ".join(descriptors)
    assert "Garamond" in names  # headings
    assert "Lato" in names  # body text


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler-utils and zbar-tools"
)
def test_qr_code_decodes_to_the_verify_url(certificate, pdf_bytes, tmp_path):
    (tmp_path / "certificate.pdf").write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "certificate.pdf", "page"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", str(tmp_path / "page.png")],
        check=True,
        capture_output=True,
        text=True,
    )
    assert decoded.stdout.strip() == certificate.get_verify_url()
    assert certificate.get_verify_url().startswith(("http://", "https://"))
    assert certificate.code in decoded.stdout


def test_verify_url_is_printed(certificate, pdf_bytes):
    text = "".join(pdf_text(pdf_bytes).split())  # the URL may wrap across lines
    assert certificate.get_verify_url() in text


def test_name_with_html_characters_is_printed_literally(course):
    learner = make_user(email="obrien@example.gov.au", full_name="<script>alert(1)</script> O'Brien & Sons")
    text = pdf_text(render_certificate_pdf(certificate_for(learner, course)))
    assert "<script>alert(1)</script> O'Brien & Sons" in text
    assert "&amp;" not in text
    assert "&lt;" not in text


# The URL fetcher


@pytest.fixture
def fetcher():
    return LocalFilesURLFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://example.com/etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.png",
        "HTTP://EXAMPLE.COM/x.png",
        "ftp://example.com/x.png",
        "//example.com/x.png",
        "/etc/passwd",
    ],
)
def test_fetcher_refuses_other_files_and_the_network(fetcher, url):
    with pytest.raises(URLNotAllowed):
        fetcher(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///static/../../../../etc/passwd",
        "file:///static/lms/../../../../../etc/passwd",
        "file:///static/lms/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "file:///static/..%2f..%2f..%2f..%2fetc/passwd",
        "file:///media/../../../../etc/passwd",
        urljoin(BASE_URL, "/static/../../etc/passwd"),  # what WeasyPrint builds from a relative URL
    ],
)
def test_fetcher_refuses_path_traversal(fetcher, url):
    with pytest.raises(URLNotAllowed):
        fetcher(url)


def test_fetcher_refuses_stored_certificates(fetcher, certificate):
    # Certificates live in private storage, outside MEDIA_ROOT: never readable by a PDF.
    path = Path(certificate.pdf.path)
    assert path.is_file()
    with pytest.raises(URLNotAllowed):
        fetcher(path.as_uri())


def test_fetcher_serves_a_static_file(fetcher):
    on_disk = Path(finders.find("lms/site.css"))
    response = fetcher(urljoin(BASE_URL, "/static/lms/site.css"))
    try:
        assert response.read() == on_disk.read_bytes()
        assert response.content_type == "text/css"
    finally:
        response.close()
    direct = fetcher(on_disk.as_uri())  # the same file by its own path
    assert direct.read() == on_disk.read_bytes()
    direct.close()


def test_fetcher_refuses_a_missing_static_file(fetcher):
    with pytest.raises(URLNotAllowed):
        fetcher("file:///static/lms/no-such-file.css")


def test_fetcher_serves_media_but_not_symlinks_out_of_it(fetcher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "seal.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (settings.MEDIA_ROOT / "escape.txt").symlink_to("/etc/passwd")

    response = fetcher("file:///media/seal.svg")
    assert response.read().startswith(b"<svg")
    assert response.content_type == "image/svg+xml"
    response.close()
    with pytest.raises(URLNotAllowed):
        fetcher("file:///media/escape.txt")


def test_fetcher_decodes_data_uris(fetcher):
    response = fetcher("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    response.close()


def test_weasyprint_never_touches_the_network_or_other_files(fetcher, monkeypatch):
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    html = """<html><head>
      <link rel="stylesheet" href="http://example.com/evil.css">
      <link rel="attachment" href="file:///etc/passwd">
      </head><body><p>Hello</p>
      <img src="https://example.com/pixel.png" alt="">
      <img src="/static/../../etc/passwd" alt="">
      </body></html>"""
    pdf_bytes = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    assert connections == []
    assert pdf_bytes.startswith(b"%PDF")
    assert "/EmbeddedFiles" not in read_pdf(pdf_bytes).trailer["/Root"].get("/Names", {})


def test_fetcher_refuses_private_files_even_inside_media_root(fetcher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT.mkdir()
    (settings.PRIVATE_MEDIA_ROOT / "someone.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "public.txt").write_text("public")

    assert fetcher("file:///media/public.txt").read() == b"public"
    with pytest.raises(URLNotAllowed):
        fetcher("file:///media/private/someone.pdf")


# Accessibility: a tagged PDF/UA-1 document


def test_pdf_is_marked_pdf_ua_1_and_tagged(pdf_bytes):
    reader = read_pdf(pdf_bytes)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp  # the PDF/UA identification schema
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 - the title, not the file name
    assert reader.pdf_header == "%PDF-1.7"


def _structure_elements(node, seen=None):
    seen = set() if seen is None else seen
    node = node.get_object()
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, pypdf.generic.DictionaryObject):
        if node.get("/Type") == "/StructElem":
            yield node
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]:
                if isinstance(kid, pypdf.generic.IndirectObject | pypdf.generic.DictionaryObject):
                    yield from _structure_elements(kid, seen)


def test_structure_has_the_heading_and_the_qr_code_has_alternative_text(pdf_bytes):
    root = read_pdf(pdf_bytes).trailer["/Root"]
    elements = list(_structure_elements(root["/StructTreeRoot"]))
    roles = [str(element["/S"]) for element in elements]
    assert roles.count("/H1") == 1
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert figures, "the QR code is not tagged as a figure"
    assert all("/Alt" in figure for figure in figures)
    assert any("verification page" in str(figure["/Alt"]) for figure in figures)


# CPD hours and expiry


def test_pdf_prints_cpd_hours_and_expiry_date(db, learner):
    course = make_course(title="Recertified course")
    course.cpd_hours = Decimal("2.5")
    course.renewal_months = 24
    course.save_revision().publish()
    certificate = certificate_for(learner, course)
    assert certificate.cpd_hours == Decimal("2.5")  # snapshot at issue
    text = pdf_text(render_certificate_pdf(certificate))
    assert "CPD HOURS: 2.5" in text.upper()
    expires = timezone.localtime(certificate.expires_at)
    assert f"VALID UNTIL: {expires.day} {expires:%B %Y}".upper() in text.upper()


def test_pdf_leaves_out_cpd_and_expiry_when_the_course_has_none(certificate, pdf_bytes):
    assert certificate.cpd_hours == 0 and certificate.expires_at is None
    text = pdf_text(pdf_bytes).upper()
    assert "CPD" not in text
    assert "VALID UNTIL" not in text


def test_cpd_hours_are_a_snapshot_from_the_day_of_issue(db, learner):
    course = make_course(title="CPD course")
    course.cpd_hours = Decimal("3.0")
    course.save_revision().publish()
    certificate = certificate_for(learner, course)
    course.cpd_hours = Decimal("7.5")
    course.save_revision().publish()
    certificate.refresh_from_db()
    assert certificate.cpd_hours_display == "3"
    assert "CPD HOURS: 3" in pdf_text(render_certificate_pdf(certificate)).upper()


# Templates


def test_default_templates_exist_for_both_kinds_and_keep_the_house_wording(db):
    standard = CertificateTemplate.objects.get(kind="standard", is_default=True)
    councillor = CertificateTemplate.objects.get(kind="councillor", is_default=True)
    assert standard.heading == "Certificate of completion"
    assert councillor.heading == "Councillor certificate of completion"
    assert "{name}" in councillor.body and "elected member" in councillor.body
    assert (standard.primary_colour, standard.accent_colour) == ("#00305a", "#a8812a")


def test_a_councillor_gets_the_councillor_template_and_others_the_standard(councillor, learner, course):
    assert certificate_for(councillor, course).template.kind == "councillor"
    assert certificate_for(learner, course).template.kind == "standard"


def test_template_wording_signatory_and_images_are_printed(db, learner, course, wagtail_image):
    template = CertificateTemplate.objects.create(
        name="Agency design",
        kind="standard",
        heading="Certificate of achievement",
        body="Awarded to\n{name}\nfor completing\n{course}\non {date}",
        logo=wagtail_image(title="Department of Examples"),
        signatory_name="Jordan Example",
        signatory_title="Director, Digital Training",
        signature=wagtail_image(title="Signature", name="signature.png", colour=(20, 20, 60, 255)),
        primary_colour="#123456",
        accent_colour="#654321",
        is_default=True,
    )
    certificate = certificate_for(learner, course)
    assert certificate.template == template
    pdf_bytes = render_certificate_pdf(certificate)
    text = pdf_text(pdf_bytes)
    assert "Certificate of achievement" in text
    assert "Awarded to" in text and "for completing" in text
    assert f"on {expected_date(certificate)}" in text
    assert "Jordan Example" in text and "Director, Digital Training" in text
    reader = read_pdf(pdf_bytes)
    xobjects = reader.pages[0]["/Resources"].get("/XObject", {})
    images = [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
    assert len(images) >= 2  # logo and signature, read from media by the local fetcher
    alts = [str(e.get("/Alt")) for e in _structure_elements(reader.trailer["/Root"]["/StructTreeRoot"])]
    assert "Department of Examples" in alts
    assert "Signature of Jordan Example" in alts
    assert b"0.070588 0.203922 0.337255 rg" in _page_content(reader)  # the primary colour #123456


def _page_content(reader):
    contents = reader.pages[0].get_contents()
    return contents.get_data() if contents is not None else b""


def test_one_default_template_per_kind(db):
    new_default = CertificateTemplate.objects.create(name="New", kind="standard", is_default=True)
    defaults = CertificateTemplate.objects.filter(kind="standard", is_default=True)
    assert list(defaults) == [new_default]
    assert CertificateTemplate.objects.filter(kind="councillor", is_default=True).count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hello {name} {course} {nope}", "Unknown placeholder {nope}"),
        ("Hello {course}", "Use {name} exactly once"),
        ("{name} and {name} {course}", "Use {name} exactly once"),
    ],
)
def test_template_body_placeholders_are_checked(db, body, message):
    template = CertificateTemplate(name="x", kind="standard", body=body)
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert message in str(error.value)


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#ggg000", "#123456;x:y"])
def test_template_colours_must_be_hex(db, colour):
    template = CertificateTemplate(name="x", kind="standard", primary_colour=colour)
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "primary_colour" in error.value.message_dict


def test_an_invalid_colour_never_reaches_the_style_sheet(certificate):
    template = CertificateTemplate(name="x", kind="standard", primary_colour="red;} body{display:none")
    html = certificate_html(certificate, template)
    assert "display:none" not in html
    assert "--navy: #00305a;" in html


# Rendering with a time bound


def test_bounded_render_returns_the_same_document(certificate):
    pdf_bytes = render_certificate_pdf_bounded(certificate, timeout=30)
    assert pdf_bytes.startswith(b"%PDF-")
    assert certificate.code in pdf_text(pdf_bytes)


def test_bounded_render_stops_a_slow_renderer(certificate, monkeypatch):
    monkeypatch.setattr(certificates_pdf, "html_to_pdf", lambda html: time.sleep(30))
    started = time.monotonic()
    with pytest.raises(RenderTimeout):
        render_certificate_pdf_bounded(certificate, timeout=0.5)
    assert time.monotonic() - started < 10


def test_bounded_render_reports_a_renderer_error(certificate, monkeypatch):
    def broken(html):
        raise MemoryError("out of memory")

    monkeypatch.setattr(certificates_pdf, "html_to_pdf", broken)
    with pytest.raises(RenderError, match="MemoryError: out of memory"):
        render_certificate_pdf_bounded(certificate, timeout=10)
