from django import template

from lms.sanitise import learner_html as clean_learner_html
from lms.sanitise import learner_markdown as clean_learner_markdown

register = template.Library()


@register.filter
def learner_html(text):
    """What a learner typed, as safe HTML (lms.sanitise.learner_html)."""
    return clean_learner_html(text)


@register.filter
def learner_markdown(text):
    """A learner's longer answer (Markdown or simple HTML), as safe HTML (lms.sanitise)."""
    return clean_learner_markdown(text)
