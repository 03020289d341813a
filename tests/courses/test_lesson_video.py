"""Lesson videos without the internet: an uploaded file with WebVTT captions and a transcript,
streamed by the lesson behind the access gate; external embeds optional and failing gracefully."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.blocks import StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail.embeds.blocks import EmbedValue
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.models import PageViewRestriction

from courses import services
from courses.blocks import VideoBlock
from courses.models import LessonPage

pytestmark = pytest.mark.django_db

Document = get_document_model()
# The start of an MP4 file (an ftyp box) and enough bytes after it to ask for ranges.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 4
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello, council.\n"


def document(name, content, title=None):
    return Document.objects.create(title=title or name, file=ContentFile(content, name=name))


@pytest.fixture
def files():
    return {"video": document("briefing.mp4", MP4), "captions": document("briefing-en.vtt", VTT)}


def video_body(files, embed_url=""):
    return [
        {
            "type": "video",
            "value": {
                "title": "Mayor's briefing",
                "file": files["video"].pk if files else None,
                "captions": [
                    {
                        "type": "item",
                        "id": "00000000-0000-4000-8000-000000000001",
                        "value": {
                            "file": files["captions"].pk,
                            "kind": "captions",
                            "srclang": "en-AU",
                            "label": "English",
                        },
                    }
                ]
                if files
                else [],
                "video": embed_url,
                "transcript": "<p>Hello, council. Today we talk about posting.</p>",
            },
        }
    ]


@pytest.fixture
def lesson(course):
    lesson = LessonPage.objects.descendant_of(course).first()
    return lesson


def publish_body(lesson, body):
    lesson.body = body
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


@pytest.fixture
def video_lesson(lesson, files):
    return publish_body(lesson, video_body(files))


@pytest.fixture
def enrolled(client, learner, course):
    services.enrol(learner, course)
    client.force_login(learner)
    return client


def media_url(lesson, doc):
    return reverse("courses:lesson_media", args=[lesson.pk, doc.pk])


def test_lesson_shows_an_html5_player_with_captions_and_transcript(enrolled, video_lesson, files):
    html = enrolled.get(video_lesson.url).content.decode()
    assert "<video controls" in html
    assert f'<source src="{media_url(video_lesson, files["video"])}" type="video/mp4">' in html
    track = (
        f'<track kind="captions" srclang="en-AU" label="English" '
        f'src="{media_url(video_lesson, files["captions"])}" default>'
    )
    assert track in html
    assert "<details><summary>Transcript</summary>" in html and "Today we talk about posting" in html
    assert "youtube" not in html.lower()  # no network embed when there is none


def test_enrolled_learner_streams_the_video_and_captions_with_their_types(enrolled, video_lesson, files):
    response = enrolled.get(media_url(video_lesson, files["video"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert b"".join(response.streaming_content) == MP4
    captions = enrolled.get(media_url(video_lesson, files["captions"]))
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(captions.streaming_content) == VTT


def test_byte_ranges_let_a_player_seek(enrolled, video_lesson, files):
    url = media_url(video_lesson, files["video"])
    response = enrolled.get(url, HTTP_RANGE="bytes=100-109")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-109/{len(MP4)}"
    assert b"".join(response.streaming_content) == MP4[100:110]
    tail = enrolled.get(url, HTTP_RANGE="bytes=-5")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == MP4[-5:]
    beyond = enrolled.get(url, HTTP_RANGE=f"bytes={len(MP4)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(MP4)}"


def test_files_are_404_to_anyone_the_lesson_refuses(client, other_learner, video_lesson, files):
    url = media_url(video_lesson, files["video"])
    assert client.get(url).status_code == 404  # signed out
    client.force_login(other_learner)
    assert client.get(url).status_code == 404  # not enrolled


def test_a_private_course_keeps_its_video_private(enrolled, course, video_lesson, files):
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Council staff"))
    assert enrolled.get(media_url(video_lesson, files["video"])).status_code == 404
    assert enrolled.get(media_url(video_lesson, files["captions"])).status_code == 404


def test_a_document_the_lesson_does_not_play_is_404(enrolled, video_lesson):
    other = document("other.mp4", MP4)
    assert enrolled.get(media_url(video_lesson, other)).status_code == 404


def test_video_documents_are_not_served_from_documents_except_to_editors(
    enrolled, admin_client, video_lesson, files
):
    for doc in files.values():
        assert enrolled.get(doc.url).status_code == 404
        assert admin_client.get(doc.url).status_code == 200
    pdf = document("handout.pdf", b"%PDF-1.7\n")
    assert enrolled.get(pdf.url).status_code == 200  # other documents are unchanged


def test_media_folder_does_not_serve_documents_in_development(client, files, settings):
    # Development serves MEDIA_ROOT as plain files; its documents/ folder is left out.
    assert client.get(files["video"].file.url).status_code == 404


def upload(admin_client, name, content, content_type):
    return admin_client.post(
        reverse("wagtaildocs:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": 1,
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("talk.mp4", b"<html>not a video</html>", "video/mp4", "is not an MP4 or WebM video"),
        ("talk.webm", MP4, "video/webm", "is not an MP4 or WebM video"),
        ("talk.vtt", b"1\n00:00:00,000 --> 00:00:02,000\nHi\n", "text/vtt", "its first line must be"),
    ],
    ids=["text-as-mp4", "mp4-as-webm", "srt-as-vtt"],
)
def test_uploads_are_checked_by_content(admin_client, name, content, content_type, message):
    response = upload(admin_client, name, content, content_type)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.filter(title=name).exists()


def test_valid_video_and_captions_upload(admin_client):
    assert upload(admin_client, "talk.mp4", MP4, "video/mp4").status_code == 302
    assert upload(admin_client, "talk.vtt", b"\xef\xbb\xbfWEBVTT\n\n", "text/vtt").status_code == 302
    assert set(Document.objects.values_list("title", flat=True)) >= {"talk.mp4", "talk.vtt"}


def block_errors(value):
    block = VideoBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python(value))
    return {name: str(e) for name, e in error.value.block_errors.items()}


def test_block_needs_a_video_file_or_an_address(files):
    value = video_body(None)[0]["value"]
    assert "Choose a video file" in block_errors(value)["file"]


def test_block_refuses_wrong_files_and_language_codes(files):
    pdf = document("handout.pdf", b"%PDF-1.7\n")
    value = video_body(files)[0]["value"]
    value["file"] = pdf.pk
    assert "MP4 or WebM" in block_errors(value)["file"]
    value = video_body(files)[0]["value"]
    value["captions"][0]["value"]["file"] = files["video"].pk
    value["captions"][0]["value"]["srclang"] = "English!"
    errors = block_errors(value)
    assert "captions" in errors
    value = video_body(files)[0]["value"]
    renamed = document("fake.vtt", b"not captions")
    value["captions"][0]["value"]["file"] = renamed.pk
    assert "captions" in block_errors(value)
    VideoBlock().clean(VideoBlock().to_python(video_body(files)[0]["value"]))  # the good one passes


def test_failed_embed_lookup_shows_a_link_not_an_error(enrolled, lesson):
    url = "https://www.youtube.com/watch?v=abc123"
    publish_body(lesson, video_body(None, embed_url=url))
    with mock.patch("courses.blocks.embeds.get_embed", side_effect=EmbedNotFoundException) as lookup:
        first = enrolled.get(lesson.url)
        second = enrolled.get(lesson.url)
    assert first.status_code == 200 and second.status_code == 200
    html = first.content.decode()
    assert f'<a href="{url}">Watch “Mayor&#x27;s briefing” on its own site</a>' in html
    assert "<video" not in html
    assert lookup.call_count == 1  # the failure is remembered for a while


def test_external_embed_still_works_when_it_can_be_looked_up(enrolled, lesson):
    url = "https://www.youtube.com/watch?v=abc123"
    publish_body(lesson, video_body(None, embed_url=url))
    embed = mock.Mock(
        html='<iframe title="Mayor video" src="https://www.youtube-nocookie.com/embed/abc123"></iframe>'
    )
    embed.ratio = 0.5625
    embed.is_responsive = True
    with mock.patch("courses.blocks.embeds.get_embed", return_value=embed):
        html = enrolled.get(lesson.url).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/abc123"' in html
    assert "on its own site" not in html


def test_embed_value_round_trips(lesson):
    # Existing lessons stored an embed only: they still load.
    value = VideoBlock().to_python({"title": "Old", "video": "https://vimeo.com/1", "transcript": ""})
    assert isinstance(value["video"], EmbedValue) and value["file"] is None and list(value["captions"]) == []


def test_the_admin_edits_a_lesson_with_a_video(admin_client, video_lesson):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[video_lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Captions and subtitles" in html and "Video file" in html and "External video" in html


def test_the_multiple_uploader_checks_content_too(admin_client):
    fake = SimpleUploadedFile("talk.mp4", b"<html>not a video</html>", content_type="video/mp4")
    response = admin_client.post(reverse("wagtaildocs:add_multiple"), {"files[]": fake, "collection": 1})
    assert response.json()["success"] is False
    assert "is not an MP4 or WebM video" in response.json()["error_message"]
    assert not Document.objects.filter(title="talk.mp4").exists()
