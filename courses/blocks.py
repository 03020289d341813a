"""StreamField blocks for lesson bodies."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]


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


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(help_text="A YouTube or Vimeo address.")
    title = blocks.CharBlock(max_length=160, help_text="Names the video for screen-reader users.")
    transcript = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, required=False, help_text="A transcript or summary."
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"


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
