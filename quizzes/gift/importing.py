"""Saving GIFT questions into the question bank: the one import path.

The admin import view, the import_gift command and the course loader (content/loader.py) all call
`import_gift`, so the category name is checked and questions are saved in one place.
"""

from dataclasses import dataclass, field

from django.db import transaction

from ..models import QuestionCategory
from ..questions import Question
from .parse import GiftError, parse_gift

__all__ = ["CATEGORY_NAME_MAX_LENGTH", "ImportResult", "clean_category_name", "import_gift"]

CATEGORY_NAME_MAX_LENGTH = QuestionCategory._meta.get_field("name").max_length


@dataclass
class ImportResult:
    """`created` holds the new questions; `questions` every question of the text, in its order
    (with `keep_existing`, some of them were already in the bank); `outcomes` the outcome code
    each of those names in the text (``// outcome: K1``), "" where none."""

    created: list[Question]
    categories: list[QuestionCategory]
    warnings: list[tuple[int, str]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)


def clean_category_name(name):
    """`name` without surrounding whitespace; ValueError unless that is 1 to 200 characters."""
    name = (name or "").strip()
    if not name or len(name) > CATEGORY_NAME_MAX_LENGTH:
        raise ValueError(f"the default category name must be 1 to {CATEGORY_NAME_MAX_LENGTH} characters")
    return name


def import_gift(text, default_category_name, *, keep_existing=False):
    """Create the questions in `text`: all of them, or (raising GiftError) none.

    Questions before any ``$CATEGORY:`` line go into `default_category_name` (created if needed).
    With `keep_existing`, a question whose category already holds one of the same name is not
    created again: the bank's question is kept as it is and returned in `questions`. The course
    loader relies on this, so loading twice changes nothing and quizzes keep their questions.

    Raises GiftError (every problem, with line numbers) and writes nothing if any question is bad;
    ValueError if `default_category_name` is empty or longer than 200 characters.
    """
    default_category_name = clean_category_name(default_category_name)
    parsed = parse_gift(text)
    if not parsed:
        raise GiftError([(1, "no questions found")])
    questions, created, categories, warnings = [], [], {}, []
    with transaction.atomic():
        for item in parsed:
            name = item.category or default_category_name
            if name not in categories:
                categories[name] = QuestionCategory.objects.get_or_create(name=name)[0]
            category = categories[name]
            question = None
            if keep_existing:
                question = Question.objects.filter(category=category, name=item.fields["name"]).first()
            if question is None:
                question = item.model.objects.create(category=category, **item.fields)
                created.append(question)
            questions.append(question)
            warnings += item.warnings
    return ImportResult(
        created=created,
        categories=list(categories.values()),
        warnings=warnings,
        questions=questions,
        outcomes=[item.outcome for item in parsed],
    )
