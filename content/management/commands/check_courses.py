"""Check the course source files: shape, plain English, originality and answer-key bias
(content/checks.py)."""

from django.core.management.base import BaseCommand, CommandError

from content.checks import all_courses_problems, course_folders, course_problems, course_quizzes, key_facts
from content.fingerprint import load_fingerprint


class Command(BaseCommand):
    help = (
        "Check the full courses under content/courses/ (or the named course folders): shape, "
        "plain English, no 12-word run shared with the source material's fingerprint, and quiz "
        "answer keys that can't be guessed by position, length or true/false split."
    )

    def add_arguments(self, parser):
        parser.add_argument("courses", nargs="*", help="Course folder names, e.g. 01-public-servants.")

    def handle(self, *args, courses, **options):
        fingerprint = load_fingerprint()
        folders = course_folders(courses)
        total = 0
        for folder in folders:
            problems = course_problems(folder, fingerprint)
            total += len(problems)
            self.stdout.write(f"{folder.name}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
            for problem in problems:
                self.stdout.write(f"  - {problem}")
            if options["verbosity"] > 1:
                self.stdout.write(f"  {key_facts(course_quizzes(folder)).summary()}")
        if len(folders) > 1:
            problems = all_courses_problems(folders)
            total += len(problems)
            self.stdout.write(
                f"all courses' answer keys: {'OK' if not problems else f'{len(problems)} problem(s)'}"
            )
            for problem in problems:
                self.stdout.write(f"  - {problem}")
        if total:
            raise CommandError(f"{total} problem(s) in the course files")
