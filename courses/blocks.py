"""StreamField blocks for lesson bodies."""

import hashlib
import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds import embeds
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageChooserBlock

from . import media

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]
# A BCP 47 language tag as a <track srclang> takes it (en, en-AU, zh-Hans).
LANGUAGE_TAG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")

# A chosen document's checks, by kind: (its name is right, its bytes are right, the name error).
DOCUMENT_CHECKS = {
    "video": (media.is_video_name, media.check_video_file, "Choose an MP4 or WebM video file."),
    "captions": (media.is_captions_name, media.check_captions_file, "Choose a WebVTT (.vtt) file."),
}


def document_problem(document, kind):
    """A ValidationError for a chosen document that is not a real file of `kind`, else None (the
    file is checked again on save: it may have been replaced under Documents since it was chosen)."""
    name_is_right, check_file, wrong_name = DOCUMENT_CHECKS[kind]
    try:
        if not name_is_right(document.file.name):
            raise ValidationError(wrong_name)
        with document.file.open("rb") as file:
            check_file(file, document.filename)
    except ValidationError as error:
        return ValidationError(error.messages[0])
    except OSError:
        return ValidationError("The file is missing.")
    return None


EMBED_RETRY_SECONDS = 300


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", "Information"), ("tip", "Tip"), ("warning", "Take care")],
        default="info",
    )
    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=160)
    situation = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    what_happened = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, required=False)
    lesson = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, help_text="What to learn from it.")

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/case_study.html"


class AccessibleImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text="Describe the image for people who cannot see it.",
    )
    decorative = blocks.BooleanBlock(
        required=False, help_text="Tick only if the image adds no information (alt text is then empty)."
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alt_text") or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError("Alt text is required unless the image is decorative.")
                }
            )
        return value


class CaptionTrackBlock(blocks.StructBlock):
    """A WebVTT file for the video's <track>: captions (speech and sounds), subtitles (a
    translation) or descriptions (what is seen, read aloud by screen readers)."""

    file = DocumentChooserBlock(help_text="A .vtt file uploaded under Documents (its first line is WEBVTT).")
    kind = blocks.ChoiceBlock(
        choices=[("captions", "Captions"), ("subtitles", "Subtitles"), ("descriptions", "Descriptions")],
        default="captions",
    )
    srclang = blocks.CharBlock(
        max_length=20, default="en", label="Language code", help_text="For example en, or zh-Hans."
    )
    label = blocks.CharBlock(max_length=60, default="English", help_text="Shown in the player's menu.")

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        document = value.get("file")
        if document is not None and (problem := document_problem(document, "captions")):
            errors["file"] = problem
        if not LANGUAGE_TAG_RE.fullmatch(value.get("srclang") or ""):
            errors["srclang"] = ValidationError("Use a language code such as en, en-AU or zh-Hans.")
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


class VideoBlock(blocks.StructBlock):
    """A video in a lesson: an uploaded file (plays without the internet, with captions and a
    transcript) and/or an external embed (YouTube, Vimeo), which falls back to a link when the
    embed cannot be looked up."""

    title = blocks.CharBlock(max_length=160, help_text="Names the video for screen-reader users.")
    file = DocumentChooserBlock(
        required=False,
        label="Video file",
        help_text="An MP4 (H.264) or WebM file uploaded under Documents: plays on intranets and offline.",
    )
    captions = blocks.ListBlock(CaptionTrackBlock(), default=[], label="Captions and subtitles")
    video = EmbedBlock(
        required=False,
        label="External video",
        help_text="Optional: a YouTube or Vimeo address (needs the internet; learners get a link if "
        "it cannot be shown).",
    )
    transcript = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, required=False, help_text="A transcript or summary."
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        document = value.get("file")
        if document is not None:
            if problem := document_problem(document, "video"):
                errors["file"] = problem
        elif not value.get("video"):
            errors["file"] = ValidationError("Choose a video file, or give an external video address.")
        if value.get("captions") and document is None:
            errors["captions"] = ValidationError("Captions play with an uploaded video file: choose one.")
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # An offline copy (pdf) prints a link, never looks the embed up.
        if not (parent_context or {}).get("pdf"):
            context["embed_html"] = embed_html(value.get("video"))
        if value.get("file") is not None:
            context["video_type"] = media.content_type_for(value["file"].filename)
        return context


def embed_html(embed_value):
    """The external video's player HTML, or "" when it cannot be looked up now (offline, on an
    intranet, a removed video): the template then shows a link. A failed lookup is remembered for
    a few minutes so an unreachable provider does not slow every view of the lesson."""
    if not embed_value:
        return ""
    url = embed_value.url
    failed_key = "embed-failed:" + hashlib.sha256(url.encode()).hexdigest()
    if cache.get(failed_key):
        return ""
    try:
        embed = embeds.get_embed(url)
    except (EmbedException, OSError, ValueError):
        cache.set(failed_key, True, EMBED_RETRY_SECONDS)
        return ""
    return render_to_string("wagtailembeds/embed_frontend.html", {"embed": embed})


class KeyTakeawaysBlock(blocks.StructBlock):
    points = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/key_takeaways.html"


class ExerciseBlock(blocks.StructBlock):
    """A concrete task for the learner to do at work (every Practice lesson has one)."""

    title = blocks.CharBlock(max_length=160)
    minutes = blocks.IntegerBlock(
        min_value=1, max_value=600, required=False, help_text="About how long it takes."
    )
    instructions = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    success = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, required=False, help_text="What a good result looks like."
    )

    class Meta:
        icon = "tick-inverse"
        template = "courses/blocks/exercise.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    callout = CalloutBlock()
    case_study = CaseStudyBlock()
    image = AccessibleImageBlock()
    video = VideoBlock()
    exercise = ExerciseBlock()
    # A table with a caption, a header row and a header column (th scope="col" / "row").
    table = TableBlock(template="courses/blocks/table.html", help_text="Give it a caption and header cells.")
    key_takeaways = KeyTakeawaysBlock()


class RubricLevelBlock(blocks.StructBlock):
    """One level of a rubric criterion: what it is called, its points and what it looks like."""

    label = blocks.CharBlock(max_length=80, help_text="For example: Not yet, Meets, Exceeds.")
    points = blocks.IntegerBlock(min_value=0, max_value=100)
    description = blocks.TextBlock(required=False, help_text="What work at this level looks like.")


class RubricCriterionBlock(blocks.StructBlock):
    """A criterion a reviewer scores a practice task against, choosing one of its levels."""

    criterion = blocks.CharBlock(max_length=200)
    levels = blocks.ListBlock(RubricLevelBlock(), min_num=2, max_num=6)

    class Meta:
        icon = "list-ol"


class RubricBlock(blocks.StreamBlock):
    criterion = RubricCriterionBlock()
