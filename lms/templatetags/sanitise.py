from django import template

from lms.sanitise import learner_html as clean_learner_html

register = template.Library()


@register.filter
def learner_html(text):
    """What a learner typed, as safe HTML (lms.sanitise.learner_html)."""
    return clean_learner_html(text)
