"""PDF/UA-1 structure of the certificate, read back from the PDF with pikepdf (lms.pdf): for every
shipped template (standard and councillor, plain and with images), and the checks themselves
shown to catch the markup that used to break the rules."""

import io

import pikepdf
import pytest
from weasyprint import HTML

from certificates.models import CertificateTemplate
from certificates.pdf import PDF_VARIANT, certificate_html, html_to_pdf, render_certificate_pdf
from lms.pdf import LocalFilesURLFetcher, correct_figure_bboxes, pdf_ua_problems, structure_elements

from .conftest import certificate_for

MM = 72 / 25.4


def figure_boxes(pdf_bytes):
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        media_box = [float(v) for v in pdf.pages[0].mediabox]
        boxes = [
            [float(v) for v in element.A.BBox]
            for element, _ in structure_elements(pdf)
            if element.S == "/Figure" and "/A" in element
        ]
    return media_box, boxes


def roles(pdf_bytes):
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [
            (str(element.S), [str(k.S) for k in element.K if isinstance(k, pikepdf.Dictionary) and "/S" in k])
            for element, _ in structure_elements(pdf)
            if isinstance(element.get("/K"), pikepdf.Array)
        ]


@pytest.fixture
def shipped_templates(db):
    """The default template of each kind, as the data migration ships them."""
    return {
        kind: CertificateTemplate.objects.get(kind=kind, is_default=True)
        for kind in ("standard", "councillor")
    }


@pytest.mark.parametrize("kind", ["standard", "councillor"])
def test_every_shipped_template_passes_the_pdf_ua_structure_rules(
    kind, shipped_templates, learner, councillor, course
):
    holder = councillor if kind == "councillor" else learner
    certificate = certificate_for(holder, course)
    assert certificate.get_template() == shipped_templates[kind]
    pdf_bytes = render_certificate_pdf(certificate)
    assert pdf_ua_problems(pdf_bytes) == []
    # The facts list holds list items only, and the learner's name is one paragraph.
    structure = roles(pdf_bytes)
    lists = [kids for role, kids in structure if role == "/L"]
    assert lists and all(set(kids) == {"/LI"} for kids in lists)
    assert not [kids for role, kids in structure if role == "/P" and "/P" in kids]


@pytest.mark.parametrize("kind", ["standard", "councillor"])
def test_templates_with_logo_and_signature_images_pass_too(kind, learner, councillor, course, wagtail_image):
    CertificateTemplate.objects.filter(kind=kind, is_default=True).update(
        logo=wagtail_image(title="Agency logo"),
        logo_alt="Department of Examples",
        signature=wagtail_image(title="Signature", name="signature.png"),
        signatory_name="Jordan Example",
    )
    certificate = certificate_for(councillor if kind == "councillor" else learner, course)
    pdf_bytes = render_certificate_pdf(certificate)
    assert pdf_ua_problems(pdf_bytes) == []
    media_box, boxes = figure_boxes(pdf_bytes)
    assert len(boxes) == 3  # logo, signature and QR code, each with a box on the page


def test_the_qr_codes_box_is_where_it_is_printed_in_points(certificate):
    media_box, boxes = figure_boxes(render_certificate_pdf(certificate))
    width, height = media_box[2], media_box[3]
    [qr] = boxes
    # 30 mm square, in the lower right of an A4 landscape page (y counts up from the bottom).
    assert qr[2] - qr[0] == pytest.approx(30 * MM, abs=1)
    assert qr[3] - qr[1] == pytest.approx(30 * MM, abs=1)
    assert width / 2 < qr[0] < qr[2] <= width
    assert 0 <= qr[1] < qr[3] < height / 2


def test_weasyprint_writes_the_box_in_css_pixels_and_the_correction_maps_it_into_the_page(certificate):
    raw = HTML(string=certificate_html(certificate), base_url="file:///", url_fetcher=LocalFilesURLFetcher())
    raw_bytes = raw.write_pdf(pdf_variant=PDF_VARIANT)
    media_box, [raw_box] = figure_boxes(raw_bytes)
    assert raw_box[2] > media_box[2] or raw_box[3] > media_box[3]  # off the page as written
    assert any("BBox" in problem for problem in pdf_ua_problems(raw_bytes))
    _, [fixed] = figure_boxes(correct_figure_bboxes(raw_bytes))
    # px -> pt is x 0.75, and y is flipped from the top of the page.
    assert fixed[0] == pytest.approx(raw_box[0] * 0.75, abs=0.01)
    assert fixed[1] == pytest.approx(media_box[3] - raw_box[3] * 0.75, abs=0.01)
    assert fixed[3] == pytest.approx(media_box[3] - raw_box[1] * 0.75, abs=0.01)


PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
BROKEN = f"""<!DOCTYPE html><html lang="en-AU"><head><meta charset="utf-8"><title>Broken</title>
<style>.name {{ display: table; }}</style></head><body>
<p class="name">Alex Citizen</p>
<dl><div><dt>Date</dt><dd>1 May 2026</dd></div></dl>
<img src="data:image/png;base64,{PIXEL}" alt="">
</body></html>"""


def test_the_structure_check_finds_what_used_to_break_the_rules():
    problems = pdf_ua_problems(html_to_pdf(BROKEN))
    text = "\n".join(problems)
    assert "7.2-19" in text  # a Div inside the list
    assert "nested P" in text  # display: table on the name
    assert "7.3-1" in text  # a figure without alternative text (alt="" on an img tagged Figure)


def test_the_structure_check_reads_language_title_and_pdfuaid(certificate):
    pdf_bytes = render_certificate_pdf(certificate)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        del pdf.Root["/Lang"]
        del pdf.Root.ViewerPreferences["/DisplayDocTitle"]
        with pdf.open_metadata() as xmp:
            del xmp["pdfuaid:part"]
        output = io.BytesIO()
        pdf.save(output)
    text = "\n".join(pdf_ua_problems(output.getvalue()))
    assert "/Lang" in text and "DisplayDocTitle" in text and "pdfuaid" in text
