"""Check the course source files: shape, plain English and originality (content/checks.py)."""

from django.core.management.base import BaseCommand, CommandError

from content.checks import course_folders, course_problems
from content.fingerprint import load_fingerprint


class Command(BaseCommand):
    help = (
        "Check the full courses under content/courses/ (or the named course folders): shape, "
        "plain English, and no 12-word run shared with the source material's fingerprint."
    )

    def add_arguments(self, parser):
        parser.add_argument("courses", nargs="*", help="Course folder names, e.g. 01-public-servants.")

    def handle(self, *args, courses, **options):
        fingerprint = load_fingerprint()
        total = 0
        for folder in course_folders(courses):
            problems = course_problems(folder, fingerprint)
            total += len(problems)
            self.stdout.write(f"{folder.name}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
            for problem in problems:
                self.stdout.write(f"  - {problem}")
        if total:
            raise CommandError(f"{total} problem(s) in the course files")
