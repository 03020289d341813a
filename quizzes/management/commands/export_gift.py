"""Export a question bank category as Moodle GIFT."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.gift import export_gift
from quizzes.models import Question, QuestionCategory


class Command(BaseCommand):
    help = "Export the questions in one or more categories as Moodle GIFT (to standard output by default)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--category", required=True, action="append", help="Category name (repeat for several)."
        )
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args, category, output=None, **options):
        categories = []
        for name in category:
            found = QuestionCategory.objects.filter(name=name).first()
            if found is None:
                known = ", ".join(QuestionCategory.objects.values_list("name", flat=True)[:20]) or "none yet"
                raise CommandError(f"no question category named {name!r} (categories: {known})")
            categories.append(found)

        questions = []
        for found in categories:
            in_category = Question.objects.filter(category=found).select_related("category")
            questions += list(in_category.order_by("pk"))
        result = export_gift(questions)

        for question, reason in result.skipped:
            self.stderr.write(f"skipped {question.name!r} (question {question.pk}): {reason}")
        exported = len(questions) - len(result.skipped)
        summary = f"Exported {exported} question{'s' if exported != 1 else ''}"
        if output:
            try:
                Path(output).write_text(result.text, encoding="utf-8")
            except OSError as problem:
                raise CommandError(f"{output}: {problem.strerror or problem}") from None
            self.stdout.write(self.style.SUCCESS(f"{summary} to {output}."))
        else:
            self.stdout.write(result.text, ending="")
            self.stderr.write(f"{summary}.")
