"""Lesson video and caption files: Wagtail documents a lesson's video block plays offline.

Trainers upload an MP4 or WebM video and its WebVTT captions under *Documents* in the admin
(`CourseDocumentForm` checks each upload by its content, not its name) and choose them in a
lesson's video block. Learners never reach these files through /documents/ or /media/: the lesson
streams them (`courses.views.lesson_media_view`, behind the access gate, so a private course's
video is as private as the course), with byte ranges so a player can seek.
"""

import re

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

# What a video block plays, by extension, and the first bytes each kind of file starts with.
VIDEO_CONTENT_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm"}
CAPTIONS_CONTENT_TYPE = "text/vtt; charset=utf-8"
MEDIA_EXTENSIONS = [*VIDEO_CONTENT_TYPES, "vtt"]
EBML_MAGIC = b"\x1a\x45\xdf\xa3"  # WebM (Matroska) files start with an EBML header
WEBVTT_RE = re.compile(rb"\A(\xef\xbb\xbf)?WEBVTT([ \t\r\n]|\Z)")
CHUNK_BYTES = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def is_video_name(name):
    return extension(name) in VIDEO_CONTENT_TYPES


def is_captions_name(name):
    return extension(name) == "vtt"


def _head(file, size=64):
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def check_video_file(file, name=None):
    """Raise ValidationError unless the file is, by its first bytes, the MP4 or WebM its name says."""
    kind = extension(name or file.name)
    head = _head(file, 12)
    if kind in ("mp4", "m4v") and head[4:8] == b"ftyp":
        return
    if kind == "webm" and head.startswith(EBML_MAGIC):
        return
    raise ValidationError(
        f"“{name or file.name}” is not an MP4 or WebM video. Upload the video itself (H.264 MP4 plays "
        "in every browser)."
    )


def check_captions_file(file, name=None):
    """Raise ValidationError unless the file is WebVTT: it must start with the line “WEBVTT”."""
    if not WEBVTT_RE.match(_head(file, 16)):
        raise ValidationError(
            f"“{name or file.name}” is not a WebVTT captions file: its first line must be “WEBVTT”."
        )


def check_media_upload(file, name):
    """The check for an uploaded document by its extension (video, captions, or none)."""
    if is_video_name(name):
        check_video_file(file, name)
    elif is_captions_name(name):
        check_captions_file(file, name)


def content_type_for(name):
    kind = extension(name)
    if kind == "vtt":
        return CAPTIONS_CONTENT_TYPE
    return VIDEO_CONTENT_TYPES.get(kind, "application/octet-stream")


def _byte_range(header, size):
    """(start, end) inclusive for a single "bytes=" range, None for no usable range header, or
    "unsatisfiable"."""
    match = RANGE_RE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def _read_range(file, start, end):
    with file:
        file.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = file.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def stream_file(request, field_file, filename):
    """Stream a stored file inline with its content type, answering a single byte range with 206
    (how video players seek) and a range past the end with 416. Never cached by shared caches."""
    content_type = content_type_for(filename)
    size = field_file.size
    wanted = _byte_range(request.headers.get("Range"), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(field_file.open("rb"), content_type=content_type, filename=filename)
    else:
        start, end = wanted
        response = StreamingHttpResponse(
            _read_range(field_file.open("rb"), start, end), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
