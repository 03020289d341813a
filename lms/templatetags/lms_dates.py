from django import template

from lms.dates import time_of_day as format_time_of_day

register = template.Library()


@register.filter
def time_of_day(value):
    """{{ when|time_of_day }}: "3:40 pm" (lms/dates.py)."""
    return format_time_of_day(value)
