"""Import a Moodle GIFT file into the question bank: every question, or (on any error) none."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.gift import GiftError, import_gift


class Command(BaseCommand):
    help = (
        "Import questions from a Moodle GIFT file. Questions before any $CATEGORY: line go into "
        "--category. If any question is invalid, nothing is imported and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The GIFT file (UTF-8 text).")
        parser.add_argument(
            "--category", required=True, help="Category for questions the file doesn't place in one."
        )

    def handle(self, *args, file, category, **options):
        path = Path(file)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{file}: is a folder, not a GIFT file") from None
        except PermissionError:
            raise CommandError(f"{file}: permission denied") from None
        except UnicodeDecodeError as problem:
            line = path.read_bytes()[: problem.start].count(b"\n") + 1
            raise CommandError(
                f"{file}:{line}: not UTF-8 text (byte {problem.start}); save the file as UTF-8 and try again"
            ) from None

        try:
            result = import_gift(text, category)
        except ValueError as problem:  # the category name
            raise CommandError(f"--category: {problem}") from None
        except GiftError as problem:
            for line, message in problem.errors:
                self.stderr.write(f"{file}:{line}: {message}")
            count = len(problem.errors)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {file}; nothing was imported"
            ) from None

        for line, message in result.warnings:
            self.stderr.write(f"{file}:{line}: warning: {message}")
        count = len(result.created)
        names = ", ".join(category.name for category in result.categories)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {count} question{'s' if count != 1 else ''} into {names}.")
        )
