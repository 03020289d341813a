"""Course packages (content/package.py): export a course to a zip, import it as a new course; bad
packages refused with every reason and nothing half-imported; only trainers may do either."""

import hashlib
import io
import json
import re
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from content.package import PackageError, export_course, import_package
from courses.factories import add_child, make_course_pages, make_user
from courses.models import CoursePage, LearningOutcome, LessonPage, ModulePage
from lms.models import Organisation, User
from lms.scoping import set_organisation_managers
from practice.factories import make_draft_post, make_reflection, make_scenario
from quizzes import factories as quiz_factories
from quizzes.models import Question, QuestionCategory, QuizPage
from surveys.models import CourseSurvey, SurveyItem
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 4
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello, council.\n"


def png_bytes():
    out = io.BytesIO()
    PILImage.new("RGB", (4, 3), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def rich_course():
    """A published course with what a package must carry: an image, a video with captions, a
    table, a link between its pages, module outcomes, a quiz of every question type (one worth
    2 marks, one naming an outcome), two practice activities, a practice-task lesson, a survey."""
    course = make_course_pages("Posting for councils", kinds=("knowledge", "practice"))
    course.sequential_modules, course.renewal_months, course.cpd_hours = True, 12, Decimal("1.5")
    course.save_revision().publish()
    knowledge, practice = ModulePage.objects.child_of(course).order_by("path")
    outcome = LearningOutcome.objects.create(module=knowledge, code="K1", text="Post with care", sort_order=1)
    image = Image.objects.create(
        title="A busy feed", description="A phone", file=ContentFile(png_bytes(), name="feed.png")
    )
    video = Document.objects.create(title="Briefing", file=ContentFile(MP4, name="briefing.mp4"))
    captions = Document.objects.create(title="Briefing captions", file=ContentFile(VTT, name="briefing.vtt"))
    lesson = LessonPage.objects.child_of(knowledge).get()
    target = LessonPage.objects.child_of(practice).get()
    lesson.body = [
        ("text", f'<h2>Before you post</h2><p>See <a linktype="page" id="{target.pk}">the practice</a>.</p>'),
        (
            "image",
            {"image": image, "alt_text": "A phone showing a feed", "decorative": False, "caption": "Feeds"},
        ),
        (
            "video",
            {
                "title": "Mayor's briefing",
                "file": video,
                "captions": [{"file": captions, "kind": "captions", "srclang": "en-AU", "label": "English"}],
                "video": None,
                "transcript": "<p>Hello, council.</p>",
            },
        ),
        (
            "table",
            {
                "table_caption": "",
                "first_row_is_table_header": False,
                "first_col_is_header": False,
                "table_header_choice": "neither",
                "data": [["a", None], ["b", "c"]],
            },
        ),
        ("key_takeaways", {"points": ["Pause first", "Check facts"]}),
    ]
    lesson.save_revision().publish()
    target.requires_approval, target.task_prompt = True, "<p>Send us a post.</p>"
    target.rubric = [
        (
            "criterion",
            {
                "criterion": "Clear",
                "levels": [
                    {"label": "No", "points": 0, "description": ""},
                    {"label": "Yes", "points": 2, "description": "Plain"},
                ],
            },
        )
    ]
    target.save_revision().publish()
    bank = quiz_factories.bank("Council bank")
    questions = [
        quiz_factories.make_single_choice(bank),
        quiz_factories.make_multiple_response(bank),
        quiz_factories.make_true_false(bank),
        quiz_factories.make_short_answer(bank),
        quiz_factories.make_numeric(bank),
        quiz_factories.make_matching(bank),
        quiz_factories.make_ordering(bank),
    ]
    questions[0].outcome = outcome
    questions[0].save()
    questions[1].default_mark = Decimal("2.00")
    questions[1].save()
    quiz_factories.make_quiz(
        knowledge, "Check your knowledge", questions, pass_mark=70, time_limit_minutes=15
    )
    add_child(knowledge, LessonPage(title="After the quiz", body=[("text", "<p>Well done.</p>")]))
    extra = quiz_factories.make_true_false(quiz_factories.bank("Extra bank"), name="Drawn at random")
    quiz_factories.make_quiz(  # two quizzes in one module, the second with a random draw
        knowledge, "A second check", random_category=extra.category, random_count=1
    )
    make_draft_post(practice, "Draft a pool post", platform="Bluesky", words_to_avoid="asap\nFYI")
    make_scenario(practice)
    make_reflection(practice)
    survey = CourseSurvey(course=course, intro="Tell us.")
    survey.items = [SurveyItem(statement="It was useful.", sort_order=0)]
    survey.save()
    return CoursePage.objects.get(pk=course.pk)


def export_bytes(course):
    out = io.BytesIO()
    export_course(course, out)
    return out.getvalue()


def file_digest(item):
    with item.file.open("rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def media_ids_to_digests(value):
    """A block's JSON with image and document ids replaced by their files' digests."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "image" and isinstance(item, int):
                out[key] = ("image", file_digest(Image.objects.get(pk=item)))
            elif key == "file" and isinstance(item, int):
                out[key] = ("document", file_digest(Document.objects.get(pk=item)))
            elif key != "id":
                out[key] = media_ids_to_digests(item)
        return out
    if isinstance(value, list):
        return [media_ids_to_digests(item) for item in value]
    if isinstance(value, str):
        return portable(value)
    return value


def portable(html):
    """HTML with whitespace between tags dropped and page links as the package writes them: by
    their address."""
    html = re.sub(r">\s+<", "><", html)
    return re.sub(
        r'<a linktype="page" id="(\d+)">', lambda m: f'<a href="{Page.objects.get(pk=m[1]).url}">', html
    )


def question_key(question):
    data = question.to_snapshot(shuffle_options=False)
    data.pop("id"), data.pop("extra")
    outcome = question.outcome.code if question.outcome_id else ""
    return (type(question).__name__, outcome, media_ids_to_digests(data))


SKIPPED = {
    "id",
    "path",
    "depth",
    "numchild",
    "url_path",
    "translation_key",
    "locale",
    "latest_revision",
    "live_revision",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "draft_title",
    "has_unpublished_changes",
    "owner",
    "content_type",
    "page_ptr",
    "lessonpage_ptr",
    "locked_at",
    "locked_by",
    "live",
    "slug",
    "random_category",
}


def course_shape(course):
    """Everything learners and trainers see of a course, with media as file digests and
    questions as their answer keys: equal for a course and its imported copy."""
    shape = []
    for page in Page.objects.descendant_of(course, inclusive=True).specific().order_by("path"):
        fields = {}
        for field in type(page)._meta.concrete_fields:
            if field.name in SKIPPED or field.name.endswith("_ptr"):
                continue
            value = getattr(page, field.attname)
            if hasattr(value, "raw_data"):
                value = media_ids_to_digests(list(value.raw_data))
            elif field.name == "platform":
                value = page.platform.name
            elif isinstance(value, str):
                value = portable(value)
            fields[field.name] = value
        if isinstance(page, ModulePage):
            fields["outcomes"] = list(page.outcomes.values_list("code", "text"))
        if isinstance(page, QuizPage):
            fields["questions"] = [question_key(question) for question in page.questions()]
        shape.append((type(page).__name__, page.depth - course.depth, fields))
    survey = CourseSurvey.objects.filter(course=course).first()
    if survey is not None:
        shape.append(("survey", survey.intro, list(survey.items.values_list("statement", flat=True))))
    return shape


def assert_same_shape(new_shape, shape):
    assert [row[:2] for row in new_shape] == [row[:2] for row in shape]
    for new, old in zip(new_shape, shape, strict=True):
        if isinstance(old[2], dict):  # name the fields that differ
            assert {key: value for key, value in new[2].items() if value != old[2][key]} == {}, old[:2]
        assert new == old


def test_a_course_exported_and_imported_into_a_fresh_site_is_the_same_course(rich_course):
    package = export_bytes(rich_course)
    shape = course_shape(rich_course)
    slug, old_pks = (
        rich_course.slug,
        set(Page.objects.descendant_of(rich_course).values_list("pk", flat=True)),
    )
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        course_yaml = archive.read("course/course.yaml").decode()
    assert manifest["format_version"] == 1 and manifest["platform_version"] and manifest["exported_at"]
    assert {entry["kind"] for entry in manifest["media"]} == {"image", "document"}
    assert (
        "alt_text: A phone showing a feed" in course_yaml
        and "order:" in course_yaml
        and "quizzes:" in course_yaml
    )

    # A fresh site: the course, its questions and its media gone.
    questions = [q.pk for quiz in QuizPage.objects.descendant_of(rich_course) for q in quiz.questions()]
    categories = set(Question.objects.filter(pk__in=questions).values_list("category", flat=True))
    rich_course.delete()
    Question.objects.filter(pk__in=questions).delete()
    QuestionCategory.objects.filter(pk__in=categories).delete()
    Image.objects.all().delete()
    Document.objects.all().delete()

    result = import_package(io.BytesIO(package), publish=True)

    course = result.course
    assert course.slug == slug and not result.renamed_from
    assert_same_shape(course_shape(course), shape)
    assert not old_pks & set(Page.objects.descendant_of(course).values_list("pk", flat=True))
    lesson = LessonPage.objects.descendant_of(course).get(slug="knowledge-lesson-1")
    link = LessonPage.objects.descendant_of(course).get(slug="practice-lesson-1").url
    assert f'href="{link}"' in lesson.body[0].value.source  # the link points into the new course
    assert result.media == 3 and result.questions == 9


def test_a_shipped_course_travels_in_the_loaders_own_format(loaded_courses):
    """The package's course.yaml is the loader's format, with readable blocks (no Wagtail JSON);
    importing it gives the same course beside the original."""
    course = CoursePage.objects.get(slug="councillors")
    package = export_bytes(course)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        course_yaml = archive.read("course/course.yaml").decode()
    assert "- block:" not in course_yaml and "  quiz:" in course_yaml

    copy = import_package(io.BytesIO(package)).course  # through the loader's own load_course

    shape, copied = course_shape(course), course_shape(copy)
    old_url, new_url = course.url, copy.url
    as_json = lambda value: json.dumps(value, default=str)  # noqa: E731
    assert f'href=\\"{old_url}' not in as_json(copied)  # its "Try it" links lead into the copy
    assert f'href=\\"{new_url}' in as_json(copied)
    assert_same_shape(json.loads(as_json(copied).replace(new_url, old_url)), json.loads(as_json(shape)))


def test_importing_a_course_the_site_has_makes_a_draft_copy_beside_it(rich_course):
    package = export_bytes(rich_course)
    questions_before = Question.objects.count()

    result = import_package(io.BytesIO(package))

    copy = result.course
    assert result.renamed_from == rich_course.slug and copy.slug == f"{rich_course.slug}-imported"
    assert not copy.live and not Page.objects.descendant_of(copy).filter(live=True).exists()
    assert Question.objects.count() == questions_before + 9  # new questions, in new categories
    drawing = QuizPage.objects.descendant_of(copy).get(slug="a-second-check")
    assert [q.name for q in drawing.random_category.questions.all()] == ["Drawn at random"]
    quiz = QuizPage.objects.descendant_of(copy).get(slug="check-your-knowledge")
    assert quiz.questions()[0].category.name == "Posting for councils: Check your knowledge"
    assert quiz.questions()[1].default_mark == 2 and quiz.questions()[0].outcome.code == "K1"
    assert CoursePage.objects.get(pk=rich_course.pk).live  # the original is untouched
    second = import_package(io.BytesIO(package))
    assert second.course.slug == f"{rich_course.slug}-imported-2"


# --- bad packages ---------------------------------------------------------------------------------


def rewrite(package, changes=(), extra=(), manifest_change=None, fix_checksums=True):
    """The package with files replaced (`changes`: {name: bytes}), added (`extra`, unlisted) and
    its manifest edited; checksums updated for replaced files unless `fix_checksums` is false."""
    source = zipfile.ZipFile(io.BytesIO(package))
    manifest = json.loads(source.read("manifest.json"))
    changes = dict(changes)
    for name, data in changes.items():
        if fix_checksums and name in manifest["files"]:
            manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if manifest_change:
        manifest_change(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name == "manifest.json":
                target.writestr(name, json.dumps(manifest))
            else:
                target.writestr(name, changes.get(name, source.read(name)))
        for name, data in extra:
            target.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def package(rich_course):
    return export_bytes(rich_course)


def refused(data):
    pages, images, documents = Page.objects.count(), Image.objects.count(), Document.objects.count()
    with pytest.raises(PackageError) as error:
        import_package(io.BytesIO(data))
    assert (Page.objects.count(), Image.objects.count(), Document.objects.count()) == (
        pages,
        images,
        documents,
    )
    return " ".join(error.value.problems)


def name_of(package, prefix):
    return next(name for name in zipfile.ZipFile(io.BytesIO(package)).namelist() if name.startswith(prefix))


def test_bad_packages_are_refused_with_a_clear_reason_and_nothing_imported(package):
    assert "not a zip file" in refused(b"PK not really")
    assert "unsafe or unknown name" in refused(rewrite(package, extra=[("../../evil.py", b"x")]))
    assert "unsafe or unknown name" in refused(rewrite(package, extra=[("/etc/cron.d/x", b"x")]))
    newer = rewrite(package, manifest_change=lambda manifest: manifest.update(format_version=99))
    assert "format version 99" in refused(newer) and "Update this site" in refused(newer)
    other = rewrite(package, manifest_change=lambda manifest: manifest.update(format="scorm"))
    assert "not a GovSocial Academy course package" in refused(other)
    tampered = rewrite(package, {"course/course.yaml": b"slug: x\n"}, fix_checksums=False)
    assert "does not match its checksum" in refused(tampered)
    assert "not in the manifest" in refused(rewrite(package, extra=[("course/extra.gift", b"x")]))
    odd = b"slug: x\ntitle: X\nsummary: X\nmodules: [just a string]\n"
    assert "not in the shape of a course package" in refused(rewrite(package, {"course/course.yaml": odd}))
    laughs = b"slug: x\na: &a [lol, lol]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    assert "anchors or aliases" in refused(rewrite(package, {"course/course.yaml": laughs}))
    video = next(n for n in zipfile.ZipFile(io.BytesIO(package)).namelist() if n.endswith(".mp4"))
    assert "is not an MP4 or WebM video" in refused(rewrite(package, {video: b"MZ not a video"}))
    image = name_of(package, "media/images/")
    assert "is not an image file" in refused(rewrite(package, {image: b"not a png"}))


def test_a_packages_html_is_cleaned_as_any_html_from_outside(package):
    course_yaml = zipfile.ZipFile(io.BytesIO(package)).read("course/course.yaml").decode()
    assert "<h2>Before you post</h2>" in course_yaml
    script = '<script>alert(1)</script><img src="x" onerror="alert(1)"><h2>Before you post</h2>'
    hostile = rewrite(
        package, {"course/course.yaml": course_yaml.replace("<h2>Before you post</h2>", script).encode()}
    )

    course = import_package(io.BytesIO(hostile)).course

    text = LessonPage.objects.descendant_of(course).get(slug="knowledge-lesson-1").body[0].value.source
    assert text.startswith("<h2>Before you post</h2>") and "alert" not in text


def test_a_package_failing_halfway_leaves_no_pages_questions_or_media_files(package, settings):
    gift = name_of(package, "course/knowledge")
    broken = rewrite(package, {gift: b"::Broken::{ this is not GIFT"})
    media_files = {path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()}
    questions = Question.objects.count()

    problem = refused(broken)

    assert problem.startswith("Nothing was imported:") and gift.removeprefix("course/") in problem
    assert Question.objects.count() == questions
    assert {path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()} == media_files


def test_a_package_larger_than_the_limit_is_refused(package, settings):
    settings.COURSE_PACKAGE_MAX_BYTES = 1000
    assert "unpacks to more than" in refused(package)


# --- who may, and the commands ------------------------------------------------------------------


@pytest.fixture
def trainer(client):
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    sign_in_to_admin(client, user)
    return user


def test_a_trainer_exports_a_course_and_imports_it_from_the_admin(client, trainer, rich_course):
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(rich_course.pk,)))
    export_url = reverse("course_package:export", args=(rich_course.pk,))
    assert export_url in edit.content.decode()

    catalogue = client.get(reverse("wagtailadmin_explore", args=(rich_course.get_parent().pk,)))
    assert reverse("course_package:import") in catalogue.content.decode()
    form = client.get(reverse("course_package:import"))
    assert form.status_code == 200 and 'for="id_package"' in form.content.decode()
    response = client.get(export_url)

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "posting-for-councils" in response["Content-Disposition"]
    package = b"".join(response.streaming_content)
    import_url = reverse("course_package:import")
    refusal = client.post(import_url, {"package": SimpleUploadedFile("x.zip", b"nonsense")})
    assert refusal.status_code == 200 and "not a zip file" in refusal.content.decode()
    wrong_type = client.post(import_url, {"package": SimpleUploadedFile("course.gift", package)})
    assert "Choose the .zip file of a course package." in wrong_type.content.decode()
    response = client.post(import_url, {"package": SimpleUploadedFile("course.zip", package)})
    copy = CoursePage.objects.get(slug="posting-for-councils-imported")
    assert response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_explore", args=(copy.pk,)
    )
    assert not copy.live


def test_a_learner_can_neither_export_nor_import(client, rich_course, package):
    learner = make_user(email="someone@example.gov.au")
    client.force_login(learner)
    export = client.get(reverse("course_package:export", args=(rich_course.pk,)))
    imported = client.post(
        reverse("course_package:import"), {"package": SimpleUploadedFile("course.zip", package)}
    )
    assert export.status_code in (302, 404) and imported.status_code in (302, 404)
    assert not CoursePage.objects.filter(slug__endswith="-imported").exists()


def test_an_organisation_manager_in_the_admin_can_neither_export_nor_import(client, rich_course, package):
    manager = make_user(email="manager@example.gov.au")
    set_organisation_managers(Organisation.objects.create(name="Riverbend Shire"), [manager])
    sign_in_to_admin(client, manager)

    export = client.get(reverse("course_package:export", args=(rich_course.pk,)))
    imported = client.post(
        reverse("course_package:import"), {"package": SimpleUploadedFile("c.zip", package)}
    )

    assert export.status_code == 404  # the same answer as for a course that does not exist
    assert imported.status_code == 302 and imported["Location"] == reverse("wagtailadmin_home")
    assert not CoursePage.objects.filter(slug__endswith="-imported").exists()


def test_export_of_something_that_is_not_a_course_is_not_found(client, trainer, rich_course):
    module = ModulePage.objects.child_of(rich_course).first()
    assert client.get(reverse("course_package:export", args=(module.pk,))).status_code == 404
    assert client.get(reverse("course_package:export", args=(999999,))).status_code == 404


def test_the_commands_export_and_import_a_course(rich_course, tmp_path):
    target = tmp_path / "course.zip"
    call_command("export_course", rich_course.slug, str(target), stdout=StringIO())
    out = StringIO()
    call_command("import_course", str(target), "--publish", stdout=out)
    copy = CoursePage.objects.get(slug=f"{rich_course.slug}-imported")
    assert copy.live and "already has" in out.getvalue() and copy.slug in out.getvalue()
