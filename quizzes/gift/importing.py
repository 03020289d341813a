"""Importing GIFT text into the question bank: all the questions, or (raising GiftError) none."""

from dataclasses import dataclass, field

from django.db import transaction

from ..models import QuestionCategory
from ..questions import Question
from .parse import GiftError, parse_gift

__all__ = ["ImportResult", "import_gift"]


@dataclass
class ImportResult:
    created: list[Question]
    categories: list[QuestionCategory]
    warnings: list[tuple[int, str]] = field(default_factory=list)


def import_gift(text, default_category_name):
    """Create the questions in `text`: all of them, or (raising GiftError) none.

    Questions before any ``$CATEGORY:`` line go into `default_category_name` (created if needed).
    Raises GiftError (every problem, with line numbers) and writes nothing if any question is bad;
    ValueError if `default_category_name` is empty or longer than 200 characters.
    """
    default_category_name = (default_category_name or "").strip()
    if not default_category_name or len(default_category_name) > 200:
        raise ValueError("the default category name must be 1 to 200 characters")
    parsed = parse_gift(text)
    if not parsed:
        raise GiftError([(1, "no questions found")])
    created, categories, warnings = [], {}, []
    with transaction.atomic():
        for item in parsed:
            name = item.category or default_category_name
            if name not in categories:
                categories[name] = QuestionCategory.objects.get_or_create(name=name)[0]
            created.append(item.model.objects.create(category=categories[name], **item.fields))
            warnings += item.warnings
    return ImportResult(created=created, categories=list(categories.values()), warnings=warnings)
