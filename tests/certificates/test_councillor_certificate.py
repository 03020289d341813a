"""The councillor certificate: its own layout with the council's name and logo, chosen for confirmed
councillors only; lining figures in titles; the signatory block of the shipped templates."""

import io

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from certificates.models import CertificateTemplate
from certificates.pdf import TEMPLATE_NAMES, certificate_html, html_to_pdf, render_certificate_pdf
from certificates.services import reissue_certificate
from courses.factories import make_user
from lms.models import Organisation
from lms.pdf import structure_elements
from quizzes.factories import make_course

from .conftest import certificate_for
from .test_pdf import pdf_text


@pytest.fixture
def council(db, wagtail_image):
    return Organisation.objects.create(
        name="City of Example Bay",
        kind=Organisation.Kind.COUNCIL,
        logo=wagtail_image(title="crest.png", name="crest.png"),
        logo_alt="City of Example Bay crest",
    )


def figure_alts(pdf_bytes):
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [str(e.get("/Alt", "")) for e, _ in structure_elements(pdf) if e.S == "/Figure"]


def test_a_confirmed_councillor_gets_the_councillor_layout_with_the_councils_name_and_logo(council, course):
    councillor = make_user(email="cr@example.gov.au", full_name="Linh Nguyen", role="councillor")
    councillor.organisation = council
    councillor.save()
    certificate = certificate_for(councillor, course)
    assert certificate.is_councillor and certificate.template.kind == "councillor"
    assert (certificate.organisation, certificate.organisation_name) == (council, "City of Example Bay")
    html = certificate_html(certificate)
    assert 'class="band"' in html and 'class="frame"' not in html  # a different layout, not other words
    pdf_bytes = render_certificate_pdf(certificate)
    text = pdf_text(pdf_bytes)
    assert "City of Example Bay" in text and "Councillor certificate of completion" in text
    assert "City of Example Bay crest" in figure_alts(pdf_bytes)  # the council's logo, with its text


def test_a_claimed_but_unconfirmed_councillor_gets_the_standard_certificate(council, course):
    claimant = make_user(
        email="claims@example.gov.au", full_name="Sam Claim", role="councillor", role_confirmed=False
    )
    claimant.organisation = council
    claimant.save()
    certificate = certificate_for(claimant, course)
    assert not certificate.is_councillor
    assert certificate.template.kind == "standard" and certificate.organisation_name == ""
    html = certificate_html(certificate)
    assert 'class="frame"' in html and 'class="band"' not in html
    assert "City of Example Bay" not in pdf_text(render_certificate_pdf(certificate))


def test_a_public_servant_in_an_agency_gets_no_council(learner, course):
    agency = Organisation.objects.create(name="Department of Examples", kind=Organisation.Kind.AGENCY)
    learner.organisation = agency
    learner.save()
    certificate = certificate_for(learner, course)
    assert (certificate.organisation, certificate.organisation_name) == (None, "")


def test_a_councillor_of_an_agency_or_none_has_the_councillor_layout_without_a_council(councillor, course):
    certificate = certificate_for(councillor, course)
    assert certificate.template.kind == "councillor" and certificate.organisation_name == ""
    html = certificate_html(certificate)
    assert 'class="band"' in html and 'class="council"' not in html


def test_reissue_takes_the_councillors_current_council(council, course, trainer):
    councillor = make_user(email="cr@example.gov.au", full_name="Linh Nguyen", role="councillor")
    certificate = certificate_for(councillor, course)
    assert certificate.organisation_name == ""
    councillor.organisation = council
    councillor.save()
    reissue_certificate(certificate, by=trainer, reason="Council added")
    certificate.refresh_from_db()
    assert certificate.organisation_name == "City of Example Bay"


def test_each_kind_has_its_own_layout_file():
    assert TEMPLATE_NAMES["standard"] != TEMPLATE_NAMES["councillor"]


# Lining figures: EB Garamond's default figures are old-style ("101" looks like "ioi").


def digit_glyph_names(pdf_bytes, family="Garamond"):
    """The glyph names the PDF draws digits with, in fonts whose name contains `family`: from each
    embedded font's ToUnicode map (glyph id -> character) and its glyph order."""
    names = set()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            if family not in str(font.BaseFont):
                continue
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            stream = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
            order = TTFont(io.BytesIO(stream.read_bytes())).getGlyphOrder()
            cmap = font.ToUnicode.read_bytes().decode("latin-1")
            for line in cmap.splitlines():
                parts = line.strip().strip("<>").split("> <")
                if len(parts) == 2 and len(parts[1]) == 4 and chr(int(parts[1], 16)).isdigit():
                    gid = int(parts[0], 16)
                    names.add(order[gid] if gid < len(order) else f"gid{gid}")
    return names


def test_figures_in_titles_are_lining_figures(learner):
    course = make_course(title="Social media 101")
    pdf_bytes = render_certificate_pdf(certificate_for(learner, course))
    names = digit_glyph_names(pdf_bytes)
    assert names, "the title's digits are not set in EB Garamond"
    assert all(name.endswith(".lnum") for name in names), names


def test_the_glyph_check_sees_old_style_figures():
    html = '<html lang="en"><body><p style="font-family: \'EB Garamond 12\'">Course 101</p></body></html>'
    names = digit_glyph_names(html_to_pdf(html))
    assert names and not any(name.endswith(".lnum") for name in names)


# The signatory block


@pytest.mark.parametrize("kind", ["standard", "councillor"])
def test_the_shipped_templates_print_a_signatory_block(kind, learner, councillor, course, wagtail_image):
    template = CertificateTemplate.objects.get(kind=kind, is_default=True)
    assert (template.signatory_name, template.signatory_title) == ("Registrar", "GovSocial Academy")
    assert CertificateTemplate.builtin(kind).signatory_name == "Registrar"
    holder = councillor if kind == "councillor" else learner
    text = pdf_text(render_certificate_pdf(certificate_for(holder, course)))
    assert "Registrar" in text and "GovSocial Academy" in text
    template.signatory_name = "Jordan Example"
    template.signatory_title = "Director, Training"
    template.signature = wagtail_image(title="Signature", name="signature.png")
    template.save()
    certificate = certificate_for(
        make_user(
            email=f"{kind}2@example.gov.au",
            full_name="Pat Two",
            **({"role": "councillor"} if kind == "councillor" else {}),
        ),
        course,
    )
    pdf_bytes = render_certificate_pdf(certificate)
    text = pdf_text(pdf_bytes)
    assert "Jordan Example" in text and "Director, Training" in text
    assert "Signature of Jordan Example" in figure_alts(pdf_bytes)
