"""A module's offline copy: a tagged PDF of its lessons, for enrolled learners only."""

import io
from unittest import mock

import pikepdf
import pypdf
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from courses import offline, services
from courses.factories import make_course_pages
from courses.models import LessonPage, ModulePage
from lms.pdf import pdf_ua_problems
from lms.storage import private_storage

pytestmark = pytest.mark.django_db

ALT = "A council's Facebook post about bin collection days, with three comments"


@pytest.fixture(autouse=True)
def no_stored_copies():
    """Start without offline copies: page ids and revisions repeat between tests."""
    storage = private_storage()
    if storage.exists(offline.FOLDER):
        for name in storage.listdir(offline.FOLDER)[1]:
            storage.delete(f"{offline.FOLDER}/{name}")


@pytest.fixture
def course():
    course = make_course_pages(
        title="Posting for council", lessons_per_module=3, kinds=("knowledge", "skill")
    )
    lesson = LessonPage.objects.descendant_of(course).order_by("path")[1]
    image = get_image_model().objects.create(title="Post", file=get_test_image_file())
    lesson.body = [
        ("text", "<p>Look at this post before you read on.</p>"),
        ("image", {"image": image, "alt_text": ALT, "decorative": False, "caption": "A real post"}),
        ("image", {"image": image, "alt_text": "", "decorative": True, "caption": ""}),
    ]
    lesson.save_revision().publish()
    return course


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).order_by("path").first()


@pytest.fixture
def enrolled(client, learner, course):
    services.enrol(learner, course)
    client.force_login(learner)
    return client


def pdf_url(module):
    return reverse("courses:module_pdf", args=[module.pk])


def download(client, module):
    response = client.get(pdf_url(module))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def structure_elements(pdf):
    """Every structure element of the PDF's tag tree, in reading order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def test_download_is_a_tagged_pdf_with_lessons_in_order_and_alt_text(enrolled, module):
    response = enrolled.get(pdf_url(module))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="knowledge-module.pdf"'
    data = b"".join(response.streaming_content)

    assert pdf_ua_problems(data) == []
    pdf = pikepdf.open(io.BytesIO(data))
    assert str(pdf.Root.Lang) == "en-AU"
    assert pdf.Root.MarkInfo.Marked is True
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo["/Title"]).startswith("Knowledge module – Posting for council")
    elements = structure_elements(pdf)
    figures = [element for element in elements if element.S == "/Figure"]
    # Every figure has its alt text; the decorative image is left out (PDF/UA: no figure without one).
    assert [str(figure.get("/Alt")) for figure in figures] == [ALT]
    headings = [element for element in elements if element.S == "/H1"]
    assert len(headings) == 4  # the module's title, then one per lesson

    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    positions = [text.index(f"{number}. Knowledge lesson {number}") for number in (1, 2, 3)]
    assert positions == sorted(positions)
    assert "Skill lesson" not in text  # only this module
    assert "Look at this post before you read on." in text


def test_the_copy_is_rendered_once_per_revision(enrolled, module):
    with mock.patch.object(offline, "render_module_pdf", wraps=offline.render_module_pdf) as render:
        first = download(enrolled, module)
        assert download(enrolled, module) == first
        assert render.call_count == 1
        lesson = LessonPage.objects.child_of(module).order_by("path").first()
        lesson.title = "Knowledge lesson 1 (revised)"
        lesson.save_revision().publish()
        text = pypdf.PdfReader(io.BytesIO(download(enrolled, module))).pages[1].extract_text()
        assert render.call_count == 2
    assert "Knowledge lesson 1 (revised)" in text
    _, stored = private_storage().listdir(offline.FOLDER)
    assert len([name for name in stored if name.startswith(f"module-{module.pk}-")]) == 1


def test_not_enrolled_gets_404_and_signed_out_signs_in(client, other_learner, module):
    response = client.get(pdf_url(module))
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(other_learner)
    assert client.get(pdf_url(module)).status_code == 404


def test_private_course_gets_404(enrolled, course, module):
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Council staff"))
    assert enrolled.get(pdf_url(module)).status_code == 404


def test_locked_module_gets_404(enrolled, course):
    course.sequential_modules = True
    course.save_revision().publish()
    skill = ModulePage.objects.child_of(course).order_by("path").last()
    assert enrolled.get(pdf_url(skill)).status_code == 404


def test_a_lesson_private_to_others_is_left_out(enrolled, module):
    lesson = LessonPage.objects.child_of(module).order_by("path").last()
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Council managers"))
    text = "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(download(enrolled, module))).pages
    )
    assert "Knowledge lesson 2" in text and "Knowledge lesson 3" not in text


def test_course_page_links_each_open_module_for_enrolled_learners(client, enrolled, course, module):
    html = enrolled.get(course.url).content.decode()
    assert f'<a href="{pdf_url(module)}" download>Download “Knowledge module” to read offline</a>' in html
    course.sequential_modules = True
    course.save_revision().publish()
    html = enrolled.get(course.url).content.decode()
    skill = ModulePage.objects.child_of(course).order_by("path").last()
    assert pdf_url(module) in html and pdf_url(skill) not in html  # locked
    client.logout()
    assert pdf_url(module) not in client.get(course.url).content.decode()


def link_uris(data):
    pdf = pikepdf.open(io.BytesIO(data))
    return {
        str(annotation.A.URI)
        for page in pdf.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation and "/URI" in annotation.A
    }


def publish_links(module):
    lesson = LessonPage.objects.child_of(module).order_by("path").first()
    lesson.body = [
        (
            "text",
            '<p>Read <a href="/courses/">the catalogue</a> or '
            '<a href="https://www.oaic.gov.au/">the OAIC</a>.</p>',
        )
    ]
    lesson.save_revision().publish()


def test_links_in_lessons_point_at_the_site(enrolled, module, settings):
    settings.SITE_BASE_URL = "https://learn.council.example"
    publish_links(module)
    uris = link_uris(download(enrolled, module))
    assert "https://learn.council.example/courses/" in uris
    assert "https://www.oaic.gov.au/" in uris
    assert not any(uri.startswith("file:") for uri in uris)


def test_embedded_default_links_to_the_address_the_request_came_in_on(enrolled, module, settings):
    settings.SITE_BASE_URL_FROM_REQUEST = True
    publish_links(module)
    assert "http://testserver/courses/" in link_uris(download(enrolled, module))
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    response = enrolled.get(pdf_url(module), HTTP_HOST="127.0.0.1:8001")
    assert "http://127.0.0.1:8001/courses/" in link_uris(b"".join(response.streaming_content))


def test_a_request_waits_for_a_render_in_progress(module, course):
    items = LessonPage.objects.child_of(module).order_by("path")
    name = offline.pdf_name(module, items)
    lock = f"offline-render:{name}"
    cache.add(lock, True, 60)  # another request is rendering this copy

    def other_request_finishes(seconds):
        private_storage().save(name, ContentFile(b"%PDF-1.7\n...\n%%EOF\n"))
        cache.delete(lock)

    with (
        mock.patch.object(offline.time, "sleep", side_effect=other_request_finishes) as sleep,
        mock.patch.object(offline, "render_module_pdf") as render,
    ):
        assert offline.module_pdf(module, course, items) == name
    assert sleep.call_count == 1 and render.call_count == 0


def test_a_copy_cut_short_is_rendered_again(enrolled, module):
    items = [item.specific for item in LessonPage.objects.child_of(module).order_by("path")]
    name = offline.pdf_name(module, items)
    private_storage().save(name, ContentFile(b"%PDF-1.7\n1 0 obj"))  # a render that died
    data = download(enrolled, module)
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def test_videos_print_their_transcript(enrolled, module):
    lesson = LessonPage.objects.child_of(module).order_by("path").first()
    lesson.body = [
        {
            "type": "video",
            "value": {
                "title": "The mayor's briefing",
                "file": None,
                "captions": [],
                "video": "https://www.youtube.com/watch?v=abc123",
                "transcript": "<p>Welcome to the briefing on posting.</p>",
            },
        }
    ]
    lesson.save_revision().publish()
    with mock.patch("courses.blocks.embeds.get_embed") as lookup:
        data = download(enrolled, module)
    assert lookup.call_count == 0  # the copy never looks an embed up
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Transcript: The mayor's briefing" in text and "Welcome to the briefing on posting." in text
    assert "It is also at https://www.youtube.com/watch?" in text  # the address, wrapped
    pdf = pikepdf.open(io.BytesIO(data))
    headings = [element.S for element in structure_elements(pdf)]
    assert "/H2" in headings
    assert "/H3" not in headings  # the transcript's heading sits under the lesson's, no level skipped
