"""What `make run` does to the database, in one process: migrate, create the cache table, load the
courses and, with --demo, the demo people. Prints how long each step took."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, create the cache table and load the courses (--demo: and the demo data)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also load the demo learners (load_demo).")

    def handle(self, *args, demo=False, **options):
        steps = [
            ("migrate", lambda: call_command("migrate", interactive=False, verbosity=0)),
            ("cache table", lambda: call_command("createcachetable", verbosity=0)),
            ("courses", lambda: call_command("load_courses", stdout=self.stdout)),
        ]
        if demo:
            steps.append(("demo data", lambda: call_command("load_demo", stdout=self.stdout)))
        timings = []
        for name, step in steps:
            began = time.perf_counter()
            step()
            timings.append(f"{name} {time.perf_counter() - began:.1f} s")
        self.stdout.write("Database ready: " + ", ".join(timings) + ".")
