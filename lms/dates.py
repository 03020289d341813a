"""How the site writes a time of day: "9:05 am", "3:40 pm" (the Australian Government Style
Manual's form, and what the browser's en-AU clock writes in quizzes/static/quizzes/attempt.js).
Django's "a" format gives "p.m.", which doubles the full stop at the end of a sentence."""

from django.utils import timezone


def time_of_day(value):
    """The local time of an aware datetime as "3:40 pm"; "" for None."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"
