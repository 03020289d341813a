from django.core.management.base import BaseCommand, CommandError

from content.package import PackageError, export_course
from courses.models import CoursePage


class Command(BaseCommand):
    help = "Write a published course as a course package (.zip) another site can import (README)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The course page's slug, e.g. public-servants.")
        parser.add_argument("output", help="The .zip file to write.")

    def handle(self, *args, **options):
        course = CoursePage.objects.filter(slug=options["slug"]).first()
        if course is None:
            known = ", ".join(CoursePage.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No course has the slug {options['slug']!r} (courses: {known}).")
        try:
            with open(options["output"], "wb") as out:
                warnings = export_course(course, out)
        except PackageError as error:
            raise CommandError(" ".join(error.problems)) from error
        for warning in warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(f"Wrote “{course.title}” to {options['output']}."))
