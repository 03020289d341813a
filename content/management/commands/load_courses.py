from django.core.management.base import BaseCommand, CommandError

from content.loader import COURSES_DIR, ContentError, CourseLoader


class Command(BaseCommand):
    help = "Load the course source files under content/courses/ into pages and quizzes (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(COURSES_DIR), help="Folder holding <course>/course.yaml files."
        )

    def handle(self, *args, **options):
        try:
            report = CourseLoader(options["dir"]).load_all()
        except ContentError as error:
            raise CommandError(f"Nothing loaded from the failing course: {error}") from error
        for source in report.kept_edited:
            self.stdout.write(self.style.WARNING(f"Left alone (edited in the admin since loading): {source}"))
        self.stdout.write(
            f"Pages: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.kept_edited)} kept as edited. "
            f"Questions: {report.questions_created} created."
        )
        if not report.changed:
            self.stdout.write(self.style.SUCCESS("Nothing to change: the content is up to date."))
