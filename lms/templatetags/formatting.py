"""`{{ attempt.score|percent }}`: a percentage, formatted the one way (lms.formatting); `{{ mark|figure }}`
for marks at the same precision; `{{ when|time_of_day }}`: "3:40 pm"."""

from django import template

from lms.formatting import format_percent, percent_number
from lms.formatting import time_of_day as format_time_of_day

register = template.Library()


@register.filter
def percent(value):
    """54.55 -> "54.55%", 80 -> "80%", None -> ""."""
    return format_percent(value)


@register.filter
def figure(value):
    """0.50 -> "0.5", 1.00 -> "1", None -> ""."""
    return percent_number(value)


@register.filter
def time_of_day(value):
    """A datetime -> "3:40 pm" (never "3:40 p.m.")."""
    return format_time_of_day(value)
