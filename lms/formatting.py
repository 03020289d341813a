"""How figures read wherever a learner or trainer sees them: the one home for percentages.

A quiz score is stored to two decimal places (quizzes.services.grade_attempt) and compared with
the pass mark at that precision, so it is shown at that precision too, without trailing zeros:
54.55 reads "54.55%" on the result page, the quiz page, My learning, the records export and the
reports alike, never "55%" on one and "54.55%" on another. Templates use the `percent` filter
(lms/templatetags/formatting.py) and `figure` for marks; Python code calls `format_percent`.

A time of day reads "9:05 am", "3:40 pm" (the Australian Government Style Manual's form, and what
the browser's en-AU clock writes in quizzes/static/quizzes/attempt.js): Django's "a" format gives
"p.m.", which doubles the full stop at the end of a sentence. Templates use `time_of_day`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

PERCENT_PLACES = Decimal("0.01")


def percent_number(value):
    """A figure to two decimal places without trailing zeros ("54.55", "80", "66.7"), or ""
    for None or not a number: a percentage's number, and a question's marks ("0.5 of 1")."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).quantize(PERCENT_PLACES, ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_percent(value):
    """A percentage for people to read: "54.55%", "80%"; "" for None."""
    number = percent_number(value)
    return f"{number}%" if number else ""


def time_of_day(value):
    """The local time of an aware datetime as "3:40 pm"; "" for None."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"
