"""`{{ attempt.score|percent }}`: a percentage, formatted the one way (lms.formatting); `{{ mark|figure }}`
for marks at the same precision."""

from django import template

from lms.formatting import format_percent, percent_number

register = template.Library()


@register.filter
def percent(value):
    """54.55 -> "54.55%", 80 -> "80%", None -> ""."""
    return format_percent(value)


@register.filter
def figure(value):
    """0.50 -> "0.5", 1.00 -> "1", None -> ""."""
    return percent_number(value)
