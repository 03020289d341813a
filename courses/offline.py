"""Offline copies: a module as a tagged PDF a learner downloads from the course page.

`module_pdf(module, items)` returns the PDF of a module's lessons in order (headings, images with
their alt text, video transcripts; quizzes and activities named as online only), laid out by
WeasyPrint through lms.pdf (local files only; PDF/UA-1 with /Lang and /Title). The copy holds no
learner data, so it is rendered once per published revision of the module and its items and kept
in private storage (`offline/`); publishing any of them changes the key and the next download
renders a new copy. Which items a person may read (page privacy) is the caller's question: the
view passes the items the access gate lets them open, and each set of items has its own copy.
"""

import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from lms.pdf import write_pdf
from lms.site_url import absolute_url, site_base_url
from lms.storage import private_storage

from .models import LessonPage

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "courses/module_pdf.html"
FOLDER = "offline"
# Bump when the template or its style changes, so every stored copy is rendered again.
LAYOUT_VERSION = "1"
RENDER_LOCK_SECONDS = 120  # a render holds its lock at most this long (if it dies, it expires)
RENDER_WAIT_SECONDS = 30  # how long a request waits for another's render before doing its own
# Links in lesson text are site paths ("/courses/..."); in a PDF they need the site's address
# (lms.site_url: SITE_BASE_URL, or the request's own address on the embedded default).
SITE_LINK_RE = re.compile(r'(<a\b[^>]*?\bhref=")/(?!/)')


def pdf_key(module, items):
    """What the copy depends on: the layout, the site's address its links print, the module and
    each item's published revision."""
    parts = [LAYOUT_VERSION, site_base_url(), f"{module.pk}:{module.live_revision_id}"]
    parts += [f"{item.pk}:{item.live_revision_id}" for item in items]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def pdf_name(module, items):
    return f"{FOLDER}/module-{module.pk}-{pdf_key(module, items)}.pdf"


def download_filename(module):
    slug = module.slug or f"module-{module.pk}"
    return f"{slug}.pdf"


def module_html(module, course, items):
    """The module as HTML for WeasyPrint (reads the database: call it where the data is)."""
    sections = [
        {
            "page": item,
            "is_lesson": isinstance(item, LessonPage),
            "url": absolute_url(item.url) if item.url else "",
        }
        for item in items
    ]
    context = {
        "module": module,
        "course": course,
        "sections": sections,
        "course_url": absolute_url(course.url) if course.url else "",
        "site_name": settings.WAGTAIL_SITE_NAME,
        "pdf": True,
    }
    with translation.override("en-au"):
        html = render_to_string(TEMPLATE_NAME, context)
    return SITE_LINK_RE.sub(lambda match: match.group(1) + site_base_url() + "/", html)


def render_module_pdf(module, course, items) -> bytes:
    """Render the module's PDF now, in this process."""
    return write_pdf(module_html(module, course, items))


def module_pdf(module, course, items):
    """The stored PDF of these items of the module (a storage name), rendering it first if this
    revision has none yet; copies of earlier revisions of the module are removed.

    One request renders a copy at a time: others asking for the same copy meanwhile wait for it
    (up to RENDER_WAIT_SECONDS, then render it themselves), so a module everyone opens after a
    publish is laid out once, and nobody is handed a half-written file."""
    storage = private_storage()
    name = pdf_name(module, items)
    lock = f"offline-render:{name}"
    if cache.get(lock) is None and _is_complete(storage, name):
        return name
    if not cache.add(lock, True, RENDER_LOCK_SECONDS):
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.25)
            if cache.get(lock) is None and _is_complete(storage, name):
                return name
    try:
        started = time.monotonic()
        pdf = render_module_pdf(module, course, items)
        logger.info("Rendered the offline copy of module %s in %.1f s", module.pk, time.monotonic() - started)
        if storage.exists(name):
            storage.delete(name)  # incomplete (a render that died), or stored meanwhile: replace it
        storage.save(name, ContentFile(pdf))
    finally:
        cache.delete(lock)
    _remove_old_copies(storage, module, keep=name)
    return name


def _is_complete(storage, name):
    """The stored copy exists and ends as a PDF does (not cut short by a render that died)."""
    if not storage.exists(name):
        return False
    with storage.open(name, "rb") as file:
        file.seek(0, 2)
        file.seek(max(file.tell() - 64, 0))
        return b"%%EOF" in file.read()


def _remove_old_copies(storage, module, keep):
    prefix = f"module-{module.pk}-"
    try:
        _, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for filename in files:
        path = f"{FOLDER}/{filename}"
        if filename.startswith(prefix) and path != keep:
            storage.delete(path)
