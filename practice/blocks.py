"""StreamField blocks of the practice activities: a metrics exercise's figures and questions, and a
response scenario's steps (a small tree a trainer authors in the page editor)."""

from django.core.validators import RegexValidator
from wagtail import blocks

FIGURE_NAME = RegexValidator(
    r"^[a-z][a-z0-9_]{0,29}$",
    "A short name in lower case letters, digits and _ (as used in formulas), e.g. reach.",
)


class FigureBlock(blocks.StructBlock):
    """A figure the learner is given (reach, impressions, likes, ...)."""

    name = blocks.CharBlock(
        max_length=30, validators=[FIGURE_NAME], help_text="Used in formulas, e.g. likes."
    )
    label = blocks.CharBlock(max_length=80, help_text="What learners see, e.g. Likes.")
    value = blocks.IntegerBlock(min_value=0, max_value=1_000_000_000)


class MetricQuestionBlock(blocks.StructBlock):
    """A figure the learner works out, checked against its formula within a tolerance."""

    label = blocks.CharBlock(max_length=120, help_text="e.g. Engagement rate (% of reach)")
    formula = blocks.CharBlock(
        max_length=300,
        help_text="With the figures' names, numbers, + - * / and brackets, e.g. "
        "(likes + comments + shares) / reach * 100",
    )
    tolerance = blocks.DecimalBlock(
        min_value=0, max_digits=8, decimal_places=3, default=0.1, help_text="How far off an answer may be."
    )
    unit = blocks.CharBlock(max_length=20, required=False, help_text="e.g. %")
    explanation = blocks.TextBlock(required=False, help_text="How to work it out, shown after a try.")


class ScenarioCommentBlock(blocks.StructBlock):
    author = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock()


class ScenarioChoiceBlock(blocks.StructBlock):
    """A reply the learner may choose; it leads to another step or ends the scenario."""

    reply = blocks.TextBlock(help_text="The reply as it would be posted.")
    consequence = blocks.TextBlock(help_text="What happens next, shown once the learner chooses it.")
    next_step = blocks.CharBlock(
        max_length=40, required=False, help_text="The name of the step it leads to; empty to end here."
    )
    outcome = blocks.ChoiceBlock(
        choices=[("pass", "Pass"), ("fail", "Not yet")],
        default="fail",
        help_text="When the scenario ends here: does it count as a pass?",
    )


class ScenarioStepBlock(blocks.StructBlock):
    """A moment in the comment thread: the comments so far and the replies to choose from."""

    name = blocks.CharBlock(
        max_length=40, help_text="A short name other steps lead to (the first step is where it starts)."
    )
    comments = blocks.ListBlock(ScenarioCommentBlock(), min_num=1)
    question = blocks.CharBlock(max_length=200, default="How do you reply?")
    choices = blocks.ListBlock(ScenarioChoiceBlock(), min_num=2, max_num=5)
