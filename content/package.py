"""Course packages: one course as a zip file that another GovSocial Academy site can import.

A package holds
- ``manifest.json``: the format and its version, the exporting platform's version, when it was
  exported, the course, the media files' titles, and every other file's size and SHA-256;
- ``course/course.yaml`` and one GIFT file per quiz: the course in the loader's own format
  (content/README.md; `load_courses` reads the same files), rich text written as the HTML the
  site stores, which Markdown passes through unchanged;
- ``media/images/`` and ``media/documents/``: the lesson images, videos and captions files.

`export_course` writes one; `import_package` checks all of it first (names, sizes, checksums,
file contents) and then creates a new course in one transaction: new pages, new questions in
new categories, new images and documents. Nothing of an existing course is changed.
"""

import hashlib
import json
import re
import shutil
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.images import ImageFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.images.utils import get_allowed_image_extensions
from wagtail.models import Page
from willow.image import Image as WillowImage

from courses import media as course_media
from courses.blocks import LessonBodyBlock
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from lms.sanitise import clean_html
from practice.models import DraftPostPage, MetricsExercisePage, Platform, ReflectionPage, ScenarioPage
from quizzes.gift import GiftError, export_gift, import_gift
from quizzes.models import QuestionCategory, QuizPage, QuizQuestion
from surveys.models import CourseSurvey

from .loader import (
    QUIZ_DEFAULTS,
    QUIZ_OPTIONAL,
    ContentError,
    CourseLoader,
    lesson_body,
)

FORMAT = "govsocial-course-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
COURSE_FILE = "course/course.yaml"

# Limits on what an import reads (settings may change them): a zip bomb or a stray huge file is
# refused before anything is written.
DEFAULT_MAX_PACKAGE_BYTES = 1024**3  # all files, unpacked: COURSE_PACKAGE_MAX_BYTES changes it
MAX_TEXT_BYTES = 5 * 1024 * 1024  # the manifest, course.yaml, each GIFT file
MAX_ENTRIES = 2000
# Every name a package may hold: no folders but these, no "..", no absolute paths (no zip-slip).
SAFE_NAME_RE = re.compile(
    r"(course/[A-Za-z0-9][A-Za-z0-9._-]{0,120}|media/(images|documents)/[A-Za-z0-9][A-Za-z0-9._-]{0,120})"
)
PAGE_LINK_RE = re.compile(r'<a linktype="page" id="(\d+)">')

Image = get_image_model()
Document = get_document_model()


class PackageError(Exception):
    """A package that cannot be exported or imported; `problems` says every reason found."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


def platform_version():
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]


# --- export -------------------------------------------------------------------------------------


def safe_file_name(name):
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", PurePosixPath(name).name).strip("-.") or "file"
    return stem[-80:].lstrip("-.") or "file"


def without_ids(value):
    """A block's JSON without its list items' ids (new ones are made on every load)."""
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    if isinstance(value, str):
        return re.sub(r">\s+<", "><", value)  # Markdown puts a line break between HTML blocks
    return value


def body_json(body):
    """StreamField data (tuples, as lesson_body makes) as its JSON, without ids."""
    block = LessonBodyBlock()
    return without_ids(block.get_prep_value(block.to_python(body)))


class CourseWriter:
    """Writes one course as the files of a package (`files`, in memory but the media)."""

    def __init__(self, course):
        self.course = course.specific
        self.course_url = self.course.get_url() or ""
        self.course_page_ids = set(
            Page.objects.descendant_of(self.course, inclusive=True).values_list("pk", flat=True)
        )
        self.texts = {}  # package path -> bytes
        self.media = {}  # (kind, pk) -> manifest entry
        self.media_files = {}  # package path -> the Image or Document
        self.warnings = []

    # rich text ---------------------------------------------------------------------------------
    def html(self, rich_text):
        """Stored rich text with links to pages made plain: a page of the course by its path
        (the importer points it at the new course), another page by its full address."""
        source = getattr(rich_text, "source", rich_text) or ""

        def link(match):
            page = Page.objects.filter(pk=int(match[1])).first()
            if page is None:
                return "<a>"
            url = page.get_url() if int(match[1]) in self.course_page_ids else page.get_full_url()
            return f'<a href="{url or ""}">'

        return PAGE_LINK_RE.sub(link, source)

    # media -------------------------------------------------------------------------------------
    def media_path(self, kind, item):
        key = (kind, item.pk)
        if key not in self.media:
            folder = "images" if kind == "image" else "documents"
            path = f"media/{folder}/{len(self.media) + 1:03d}-{safe_file_name(item.file.name)}"
            entry = {"path": path, "kind": kind, "title": item.title}
            if kind == "image":
                entry["description"] = getattr(item, "description", "") or ""
            self.media[key] = entry
            self.media_files[path] = item
        return self.media[key]["path"]

    # blocks ------------------------------------------------------------------------------------
    def block(self, child, source):
        kind, value = child.block_type, child.value
        if kind == "image":
            if value["image"] is None:
                self.warnings.append(f"{source}: an image block whose image was deleted is left out.")
                return None
            return {
                "image": {
                    "file": self.media_path("image", value["image"]),
                    "alt_text": value["alt_text"] or "",
                    "decorative": bool(value["decorative"]),
                    "caption": value["caption"] or "",
                }
            }
        if kind == "video":
            video = {"title": value["title"]}
            if value["file"] is not None:
                video["file"] = self.media_path("document", value["file"])
            captions = []
            for track in value["captions"]:
                if track["file"] is None:
                    self.warnings.append(f"{source}: a caption track whose file was deleted is left out.")
                    continue
                captions.append(
                    {
                        "file": self.media_path("document", track["file"]),
                        "kind": track["kind"],
                        "srclang": track["srclang"],
                        "label": track["label"],
                    }
                )
            video["captions"] = captions
            if value["video"]:
                video["url"] = value["video"].url
            video["transcript"] = self.html(value["transcript"])
            return {"video": video}
        written = self.readable_block(kind, value)
        raw = child.block.get_prep_value(value)
        if written is None or not self.loads_back(written, kind, value, source):
            # The YAML shape cannot hold this block exactly: carry Wagtail's own JSON.
            return {"block": {"type": kind, "value": self.plain_links(raw)}}
        return written

    @staticmethod
    def loads_back(written, kind, value, source):
        """Whether the loader turns the YAML block back into this very block."""
        try:
            return body_json(lesson_body([written], source)) == body_json([(kind, value)])
        except (ContentError, KeyError, TypeError, ValueError):
            return False

    def plain_links(self, raw):
        if isinstance(raw, dict):
            return {key: self.plain_links(item) for key, item in raw.items()}
        if isinstance(raw, list):
            return [self.plain_links(item) for item in raw]
        return self.html(raw) if isinstance(raw, str) else raw

    def readable_block(self, kind, value):
        """The block as course.yaml writes it (content/README.md), or None."""
        if kind == "text":
            return {"text": self.html(value)}
        if kind == "callout":
            return {
                "callout": {
                    "tone": value["tone"],
                    "heading": value["heading"],
                    "text": self.html(value["text"]),
                }
            }
        if kind == "case_study":
            return {
                "case_study": {
                    "title": value["title"],
                    "situation": self.html(value["situation"]),
                    "what_happened": self.html(value["what_happened"]),
                    "lesson": self.html(value["lesson"]),
                }
            }
        if kind == "exercise":
            return {
                "exercise": {
                    "title": value["title"],
                    "minutes": value["minutes"],
                    "instructions": self.html(value["instructions"]),
                    "success": self.html(value["success"]),
                }
            }
        if kind == "key_takeaways":
            return {"key_takeaways": [str(point) for point in value["points"]]}
        if kind == "table" and value and value.get("data"):
            data = value["data"]
            return {
                "table": {"caption": value.get("table_caption") or "", "header": data[0], "rows": data[1:]}
            }
        return None

    def body(self, stream, source):
        written = []
        for number, child in enumerate(stream, start=1):
            block = self.block(child, f"{source} block {number}")
            if block is not None:
                written.append(block)
        return written

    def rubric(self, stream):
        return [
            {
                "criterion": child.value["criterion"],
                "levels": [
                    {
                        "label": level["label"],
                        "points": level["points"],
                        "description": level["description"] or "",
                    }
                    for level in child.value["levels"]
                ],
            }
            for child in stream
        ]

    # pages -------------------------------------------------------------------------------------
    def lesson(self, page):
        data = {
            "slug": page.slug,
            "title": page.title,
            "minutes": page.estimated_minutes,
            "summary": page.summary,
            "body": self.body(page.body, page.title),
        }
        if not page.required:
            data["required"] = False
        if page.allow_attachment:
            data["allow_attachment"] = True
        if page.requires_approval:
            data.update(
                review="trainer",
                prompt=self.html(page.task_prompt),
                model_answer=self.html(page.model_answer),
                rubric=self.rubric(page.rubric),
            )
        return data

    ACTIVITY_TYPES = {
        DraftPostPage: "draft_post",
        ScenarioPage: "scenario",
        ReflectionPage: "reflection",
        MetricsExercisePage: "metrics",
    }

    def activity(self, page):
        data = {
            "type": self.ACTIVITY_TYPES[type(page)],
            "slug": page.slug,
            "title": page.title,
            "minutes": page.estimated_minutes,
            "summary": page.summary,
        }
        body = list(page.body)
        if len(body) == 1 and body[0].block_type == "text":
            data["intro"] = self.html(body[0].value)
        else:
            data["body"] = self.body(page.body, page.title)
        data.update(
            prompt=self.html(page.task_prompt),
            review="trainer" if page.requires_approval else "automatic",
            model_answer=self.html(page.model_answer),
            rubric=self.rubric(page.rubric),
            allow_attachment=page.allow_attachment,
            required=page.required,
        )
        if isinstance(page, DraftPostPage):
            self.platforms[page.platform.name] = page.platform
            data.update(
                platform=page.platform.name,
                require_link=page.require_link,
                words_to_avoid=page.words_to_avoid.split("\n") if page.words_to_avoid else [],
                max_reading_grade=float(page.max_reading_grade),
            )
        elif isinstance(page, ReflectionPage):
            data["min_words"] = page.min_words
        elif isinstance(page, MetricsExercisePage):
            data.update(
                figures=[dict(child.value) for child in page.figures],
                questions=[
                    {
                        "label": child.value["label"],
                        "formula": child.value["formula"],
                        "tolerance": str(child.value["tolerance"]),
                        "unit": child.value["unit"],
                        "explanation": child.value["explanation"],
                    }
                    for child in page.questions
                ],
                randomise_percent=page.randomise_percent,
            )
        elif isinstance(page, ScenarioPage):
            data["steps"] = [
                {
                    "name": step.value["name"],
                    "question": step.value["question"],
                    "comments": [
                        {"author": comment["author"], "text": comment["text"]}
                        for comment in step.value["comments"]
                    ],
                    "choices": [
                        {
                            "reply": choice["reply"],
                            "consequence": choice["consequence"],
                            "next": choice["next_step"],
                            "outcome": choice["outcome"],
                        }
                        for choice in step.value["choices"]
                    ],
                }
                for step in page.steps
            ]
        return data

    def gift(self, questions, name, source):
        for question in questions:  # in memory only, never saved
            question.text = self.html(question.text)
            question.general_feedback = self.html(question.general_feedback)
        result = export_gift(questions, categories=False)
        if result.skipped:
            raise PackageError(
                [
                    f"{source}: question '{question.name}' cannot be written as GIFT ({why})."
                    for question, why in result.skipped
                ]
            )
        self.texts[f"course/{name}"] = result.text.encode()
        return name

    def quiz(self, page, module):
        questions = page.questions()
        name = f"{module.slug}--{page.slug}"
        data = {
            "slug": page.slug,
            "title": page.title,
            "pass_mark": page.pass_mark,
            "intro": self.html(page.intro),
            "gift": self.gift(questions, f"{name}.gift", page.title),
        }
        for key in [*QUIZ_DEFAULTS, *QUIZ_OPTIONAL]:
            data[key] = getattr(page, key)
        marks = {
            question.name: str(question.default_mark) for question in questions if question.default_mark != 1
        }
        if marks:
            data["marks"] = marks
        if page.random_category_id and page.random_count:
            chosen = [question.pk for question in questions]
            pool = list(page.random_category.questions.exclude(pk__in=chosen).order_by("pk"))
            if pool:
                gift = self.gift(pool, f"{name}--random.gift", f"{page.title} (random draw)")
                data["random"] = {"count": page.random_count, "gift": gift}
        return data

    def module(self, module):
        data = {
            "slug": module.slug,
            "title": module.title,
            "kind": module.kind,
            "summary": module.summary,
            "outcomes": [{"code": outcome.code, "text": outcome.text} for outcome in module.outcomes.all()],
            "lessons": [],
            "activities": [],
        }
        quizzes, order = [], []
        for page in module.get_children().live().specific():
            order.append(page.slug)
            if isinstance(page, QuizPage):
                quizzes.append(self.quiz(page, module))
            elif type(page) in self.ACTIVITY_TYPES:
                data["activities"].append(self.activity(page))
            elif isinstance(page, LessonPage):
                data["lessons"].append(self.lesson(page))
        if len(quizzes) == 1:
            data["quiz"] = quizzes[0]
        elif quizzes:
            data["quizzes"] = quizzes
        loader_order = [item["slug"] for key in ("lessons", "activities") for item in data[key]]
        loader_order += [quiz["slug"] for quiz in quizzes]
        if order != loader_order:
            data["order"] = order  # the importer puts the pages in this order
        return data

    def course_data(self):
        course = self.course
        self.platforms = {}
        data = {
            "slug": course.slug,
            "title": course.title,
            "summary": course.summary,
            "audience": course.audience,
            "estimated_minutes": course.estimated_minutes,
            "description": self.html(course.description),
            "learning_outcomes": [str(child.value) for child in course.learning_outcomes],
            "sequential_modules": course.sequential_modules,
            "renewal_months": course.renewal_months,
            "cpd_hours": str(course.cpd_hours),
            "modules": [self.module(module) for module in ModulePage.objects.child_of(course).live()],
        }
        survey = CourseSurvey.objects.filter(course=course).first()
        if survey is not None and survey.items.exists():
            data["survey"] = {
                "intro": survey.intro,
                "comment_prompt": survey.comment_prompt,
                "statements": [item.statement for item in survey.items.all()],
            }
        if self.platforms:
            # The rules of the platforms its draft-a-post activities use, for a site without them.
            data["platforms"] = [
                {
                    "name": platform.name,
                    "character_limit": platform.character_limit,
                    "url_length": platform.url_length,
                    "emoji_weight": platform.emoji_weight,
                }
                for platform in self.platforms.values()
            ]
        return data


class PlainDumper(yaml.SafeDumper):
    """Writes every value out in full: no anchors and aliases, which the importer refuses."""

    def ignore_aliases(self, data):
        return True


def export_course(course, out):
    """Write `course` (a live CoursePage) as a package to the binary file `out`; returns the
    warnings (blocks left out because their image or file was deleted). PackageError if a quiz
    question cannot be written."""
    if not course.live:
        raise PackageError(f"“{course.title}” is not published: publish it before exporting it.")
    writer = CourseWriter(course)
    course_yaml = yaml.dump(
        writer.course_data(), Dumper=PlainDumper, allow_unicode=True, sort_keys=False, width=100
    )
    header = (
        f"# {course.title}: a GovSocial Academy course package (content/README.md describes this file).\n"
    )
    writer.texts[COURSE_FILE] = (header + course_yaml).encode()
    files = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in writer.texts.items():
            archive.writestr(path, data)
            files[path] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for path, item in writer.media_files.items():
            digest, size = hashlib.sha256(), 0
            with item.file.open("rb") as source, archive.open(path, "w", force_zip64=True) as target:
                while chunk := source.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
            files[path] = {"size": size, "sha256": digest.hexdigest()}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "platform": "GovSocial Academy",
            "platform_version": platform_version(),
            "exported_at": timezone.now().isoformat(timespec="seconds"),
            "course": {"slug": course.slug, "title": course.title, "url": writer.course_url},
            "media": list(writer.media.values()),
            "files": files,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return writer.warnings


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    course: CoursePage
    renamed_from: str = ""  # the package's slug, when a course already had it
    warnings: list = field(default_factory=list)
    pages: int = 0
    questions: int = 0
    media: int = 0


def read_limited(archive, info, limit):
    """The entry's bytes, refusing more than `limit` whatever its header says."""
    with archive.open(info) as source:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise PackageError(f"{info.filename} is larger than {limit // (1024 * 1024)} MB.")
    return data


def read_manifest(archive, names):
    if MANIFEST not in names:
        raise PackageError("This is not a course package: it has no manifest.json.")
    try:
        manifest = json.loads(read_limited(archive, names[MANIFEST], MAX_TEXT_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"manifest.json is not valid JSON: {error}.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageError(
            "This is not a GovSocial Academy course package (its manifest names another format)."
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackageError("The manifest's format_version is missing or not a whole number.")
    if version > FORMAT_VERSION:
        raise PackageError(
            f"This package is in format version {version}, from GovSocial Academy "
            f"{manifest.get('platform_version', 'of a later version')}; this site reads version "
            f"{FORMAT_VERSION} (GovSocial Academy {platform_version()}). Update this site, or export the "
            "course again from a site of this version."
        )
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("media", []), list):
        raise PackageError("The manifest has no list of files.")
    return manifest


def check_media_file(path, kind, name):
    """A problem with one media file (by its content), or None."""
    extension = course_media.extension(name)
    if kind == "image":
        if extension not in get_allowed_image_extensions():
            return f"{name}: images must be one of {', '.join(get_allowed_image_extensions())}."
        try:
            with open(path, "rb") as file:
                WillowImage.open(file).get_size()
        except Exception:  # noqa: BLE001 - Willow raises many kinds for a file that is not an image
            return f"{name} is not an image file."
        return None
    if extension not in getattr(settings, "WAGTAILDOCS_EXTENSIONS", [extension]):
        return f"{name}: documents of type .{extension} are not accepted here."
    try:
        with open(path, "rb") as file:
            course_media.check_media_upload(file, name)
    except ValidationError as error:
        return error.messages[0]
    return None


def unpack(upload, folder):
    """Check the zip file `upload` and write its files under `folder`; returns its manifest.
    Raises PackageError with every problem found; writes nothing of a package it refuses."""
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        raise PackageError("This file is not a zip file: choose the .zip a course export made.") from error
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_ENTRIES:
            raise PackageError(f"The package holds {len(infos)} files; at most {MAX_ENTRIES} are read.")
        names, problems = {}, []
        for info in infos:
            name = info.filename
            is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
            if name != MANIFEST and not SAFE_NAME_RE.fullmatch(name) or is_link:
                problems.append(f"{name!r} is not a file a course package holds (unsafe or unknown name).")
            elif name in names:
                problems.append(f"{name} is in the package twice.")
            names[name] = info
        if problems:
            raise PackageError(problems)
        max_bytes = getattr(settings, "COURSE_PACKAGE_MAX_BYTES", DEFAULT_MAX_PACKAGE_BYTES)
        if sum(info.file_size for info in infos) > max_bytes:
            raise PackageError(f"The package unpacks to more than {max_bytes // 1024**2} MB.")
        manifest = read_manifest(archive, names)
        listed = manifest["files"]
        present = set(names) - {MANIFEST}
        problems += [
            f"{name} is listed in the manifest but missing." for name in sorted(set(listed) - present)
        ]
        problems += [
            f"{name} is in the package but not in the manifest." for name in sorted(present - set(listed))
        ]
        if COURSE_FILE not in present:
            problems.append(f"The package has no {COURSE_FILE}.")
        media_kinds = {
            entry.get("path"): entry.get("kind") for entry in manifest["media"] if isinstance(entry, dict)
        }
        total = 0
        for name in sorted(present & set(listed)):
            expected = listed[name] if isinstance(listed[name], dict) else {}
            limit = MAX_TEXT_BYTES if name.startswith("course/") else max_bytes - total
            target = Path(folder, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            with archive.open(names[name]) as source, open(target, "wb") as out:
                while chunk := source.read(1024 * 1024):
                    size += len(chunk)
                    if size > limit:
                        break
                    digest.update(chunk)
                    out.write(chunk)
            total += size
            if size > limit:
                problems.append(f"{name} is larger than {limit // 1024**2} MB.")
            elif size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
                problems.append(
                    f"{name} does not match its checksum in the manifest: the package is damaged or changed."
                )
            elif name.startswith("media/"):
                kind = media_kinds.get(name)
                if kind not in ("image", "document") or (kind == "image") != name.startswith("media/images/"):
                    problems.append(f"{name} has no entry (image or document) in the manifest's media.")
                elif problem := check_media_file(target, kind, name):
                    problems.append(problem)
        if problems:
            raise PackageError(problems)
    return manifest


def free_slug(catalogue, slug):
    """The package's slug, or, when a course already has it, `<slug>-imported` (then -imported-2,
    -3...): an import never replaces or changes an existing course."""
    taken = set(CoursePage.objects.child_of(catalogue).values_list("slug", flat=True)) | set(
        catalogue.get_children().values_list("slug", flat=True)
    )
    if slug not in taken:
        return slug
    candidate, number = f"{slug}-imported", 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-imported-{number}"
    return candidate


def free_category_name(name):
    """`name`, or `name (imported 2)`, 3...: imported questions always go into a category of their
    own, never into one a site already has."""
    name = name[:180]
    candidate, number = name, 1
    while QuestionCategory.objects.filter(name=candidate).exists():
        number += 1
        candidate = f"{name} (imported {number})"
    return candidate


class PackageLoader(CourseLoader):
    """The course loader, reading an unpacked package: every page new (a draft unless `publish`),
    questions new in categories of their own, media files new Images and Documents."""

    def __init__(self, folder, manifest, catalogue, slug, publish=False, user=None):
        super().__init__(folder)
        self.folder = Path(folder)
        self.manifest = manifest
        self.catalogue = catalogue
        self.slug = slug
        self.publish = publish
        self.user = user
        self.media_entries = {entry["path"]: entry for entry in manifest["media"]}
        self.made = {}  # package path -> Image or Document
        self.saved_files = []  # (storage, name) of every file written, removed if the import fails
        self.warnings = []

    # media ---------------------------------------------------------------------------------------
    def media(self, kind, path, source):
        entry = self.media_entries.get(path)
        if entry is None or entry["kind"] != kind:
            raise ContentError(f"{source}: {path} is not one of the package's {kind} files.")
        if path not in self.made:
            name = PurePosixPath(path).name.split("-", 1)[-1]
            with open(self.folder / path, "rb") as file:
                if kind == "image":
                    item = Image(title=entry.get("title") or name, file=ImageFile(file, name=name))
                    if hasattr(item, "description"):
                        item.description = entry.get("description", "")[:255]
                    item._set_image_file_metadata()
                else:
                    item = Document(title=entry.get("title") or name, file=File(file, name=name))
                    item._set_document_file_metadata()
                item.uploaded_by_user = self.user
                item.save()
            self.saved_files.append((item.file.storage, item.file.name))
            self.made[path] = item
        return self.made[path]

    def remove_saved_files(self):
        for storage, name in self.saved_files:
            storage.delete(name)

    # the loader's steps, for new pages and questions ------------------------------------------------
    def read(self, path):
        data = super().read(path)
        old_url = (self.manifest.get("course") or {}).get("url") or ""
        new_url = f"{self.catalogue.get_url() or ''}{self.slug}/"
        data["slug"] = self.slug
        return rewrite_links(data, old_url, new_url) if old_url and old_url != new_url else data

    def sync_page(self, parent, model, source, fields):
        fields = dict(fields)
        question_ids = fields.pop("question_ids", None)
        page = model(**sanitised(model, fields))
        page.live = self.publish
        if question_ids is not None:
            page.quiz_questions.set(
                [QuizQuestion(question_id=pk, sort_order=n) for n, pk in enumerate(question_ids)]
            )
        parent.add_child(instance=page)
        revision = page.save_revision(user=self.user)
        if self.publish:
            revision.publish(user=self.user)
        self.report.created.append(source)
        return model.objects.get(pk=page.pk)

    def sync_gift(self, category_name, path):
        category_name = free_category_name(category_name)
        try:
            result = import_gift(path.read_text(encoding="utf-8"), category_name)
        except FileNotFoundError as error:
            raise ContentError(f"{path.name}: the package has no such file.") from error
        except (GiftError, ValueError) as error:
            raise ContentError(f"{path.name}: {error}") from error
        if [category.name for category in result.categories] != [category_name]:
            raise ContentError(f"{path.name}: a package's GIFT file may not name a $CATEGORY.")
        self.report.questions_created += len(result.created)
        return result

    def link_outcomes(self, module, questions, codes, path):
        known = set(module.outcomes.values_list("code", flat=True))
        for question, code in zip(questions, codes, strict=True):
            if code and code not in known:
                self.warnings.append(
                    f"{path.name}: '{question.name}' names outcome {code}, not one of its module's."
                )
        codes = [code if code in known else "" for code in codes]
        super().link_outcomes(module, questions, codes, path)

    def make_platforms(self, data):
        for rules in data.get("platforms") or []:
            if not Platform.objects.filter(name=rules.get("name")).exists():
                platform = Platform(
                    **{key: rules[key] for key in ("name", "character_limit", "url_length", "emoji_weight")}
                )
                try:
                    platform.full_clean()
                except ValidationError as error:
                    raise ContentError(f"course.yaml platforms: {'; '.join(error.messages)}") from error
                platform.save()
                self.warnings.append(f"Added the platform {platform.name} (the package's rules for it).")

    def put_in_order(self, course, data):
        for module_data in data.get("modules") or []:
            order = module_data.get("order")
            if not order:
                continue
            module = ModulePage.objects.child_of(course).get(slug=module_data["slug"])
            pages = {page.slug: page for page in module.get_children()}
            for slug in order:
                if slug in pages:
                    pages[slug].move(module, pos="last-child", user=self.user)
                    module = ModulePage.objects.get(pk=module.pk)

    def load(self):
        path = self.folder / COURSE_FILE
        data = self.read(path)
        self.make_platforms(data)
        try:
            self.load_course(self.catalogue, path)
        except KeyError as error:
            raise ContentError(f"course.yaml: a required field is missing: {error}") from error
        course = CoursePage.objects.child_of(self.catalogue).get(slug=self.slug)
        self.put_in_order(course, data)
        return course


def clean_rich_text(html):
    # A package comes from another site: its HTML is cleaned as GIFT's is (lms.sanitise), keeping
    # the <hr> lesson text may hold.
    return clean_html(getattr(html, "source", html), extra_tags={"hr"}, link_rel=None)


def clean_block(block, value):
    """A block's value with the HTML of every rich text in it cleaned."""
    if isinstance(block, blocks.RichTextBlock):
        return clean_rich_text(value)
    if isinstance(block, blocks.StructBlock):
        return {
            name: clean_block(child, value[name])
            for name, child in block.child_blocks.items()
            if name in value
        }
    if isinstance(block, blocks.ListBlock):
        return [clean_block(block.child_block, item) for item in value]
    if isinstance(block, blocks.StreamBlock):
        return [(child.block_type, clean_block(child.block, child.value)) for child in value]
    return value


def sanitised(model, fields):
    """Page fields with the HTML in their rich text fields and blocks cleaned."""
    cleaned = {}
    for name, value in fields.items():
        field = next((f for f in model._meta.concrete_fields if f.name == name), None)
        if isinstance(field, RichTextField):
            value = clean_rich_text(value)
        elif isinstance(field, StreamField):
            value = clean_block(field.stream_block, field.stream_block.normalize(value))
        cleaned[name] = value
    return cleaned


def rewrite_links(value, old_url, new_url):
    """Links to the exported course's own pages (href="<its path>...") pointed at the new course."""
    if isinstance(value, dict):
        return {key: rewrite_links(item, old_url, new_url) for key, item in value.items()}
    if isinstance(value, list):
        return [rewrite_links(item, old_url, new_url) for item in value]
    if isinstance(value, str):
        return value.replace(f'href="{old_url}', f'href="{new_url}')
    return value


def import_package(upload, *, publish=False, user=None):
    """Create a new course from the package `upload` (a path or binary file): all of it, or (raising
    PackageError with every problem found) nothing, with any media files it saved removed."""
    catalogue = CourseIndexPage.objects.first()
    if catalogue is None:
        raise PackageError("There is no course catalogue page; run `manage.py migrate` first.")
    folder = tempfile.mkdtemp(prefix="course-package-")
    try:
        manifest = unpack(upload, folder)
        try:
            text = Path(folder, COURSE_FILE).read_text(encoding="utf-8")
            # An alias repeats a node without its bytes (a "billion laughs"): never in an export.
            if any(isinstance(token, yaml.AliasToken | yaml.AnchorToken) for token in yaml.scan(text)):
                raise PackageError("course.yaml uses YAML anchors or aliases (& and *); a package has none.")
            data = yaml.safe_load(text)
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise PackageError(f"course.yaml is not valid YAML: {error}") from error
        if not isinstance(data, dict) or not data.get("slug"):
            raise PackageError("course.yaml needs a slug and the course's fields at the top level.")
        wanted = str(data["slug"])
        slug = free_slug(catalogue, wanted)
        loader = PackageLoader(folder, manifest, catalogue, slug, publish=publish, user=user)
        try:
            with transaction.atomic():
                course = loader.load()
        except BaseException:
            loader.remove_saved_files()  # the rows went with the rollback; their files go too
            raise
        return ImportResult(
            course=course,
            renamed_from=wanted if slug != wanted else "",
            warnings=loader.warnings,
            pages=len(loader.report.created),
            questions=loader.report.questions_created,
            media=len(loader.made),
        )
    except ContentError as error:
        raise PackageError(f"Nothing was imported: {error}") from error
    except ValidationError as error:  # a page's own checks (Page.full_clean on saving its revision)
        raise PackageError(
            f"Nothing was imported: a page is not valid: {'; '.join(error.messages)}"
        ) from error
    except (IntegrityError, AttributeError, KeyError, TypeError, ValueError) as error:
        # course.yaml edited by hand into something the loader cannot read
        raise PackageError(
            f"Nothing was imported: course.yaml is not in the shape of a course package "
            f"({type(error).__name__}: {error})."
        ) from error
    finally:
        shutil.rmtree(folder, ignore_errors=True)
