from django.core.management.base import BaseCommand, CommandError

from content.package import PackageError, import_package


class Command(BaseCommand):
    help = (
        "Create a new course from a course package (.zip): all of it or, if anything is wrong, nothing. "
        "It is a draft unless --publish; a course with the same slug is left alone and the new one gets "
        "<slug>-imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("package", help="The .zip file export_course (or the admin) made.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the course and its pages at once."
        )

    def handle(self, *args, **options):
        try:
            with open(options["package"], "rb") as upload:
                result = import_package(upload, publish=options["publish"])
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {options['package']}") from error
        except PackageError as error:
            raise CommandError("\n".join(error.problems)) from error
        course = result.course
        if result.renamed_from:
            self.stdout.write(
                self.style.WARNING(
                    f"This site already has a course at “{result.renamed_from}”: left unchanged; the "
                    f"imported course is at “{course.slug}”."
                )
            )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        state = "published" if options["publish"] else "as a draft"
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported “{course.title}” {state} at {course.slug}: {result.pages} pages, "
                f"{result.questions} questions, {result.media} media files."
            )
        )
