"""`python manage.py generate_load_data`: a large, made-up population to try the reports at scale.

By default 20,000 learners in 50 organisations, each enrolled in the three shipped courses (loaded
first if missing), about 500,000 lesson completions and 60,000 quiz attempts, with assignments
(some overdue) and certificates for completed courses. Everything is written with bulk_create in
batches, with progress on the way. The learners have addresses at load-N.example (a reserved
domain: no email can reach anyone) and no usable password. `--reset` deletes a previous run first.
Never run it on a production database.
"""

import random
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate, give_status_list_entries
from courses.models import Assignment, CoursePage, Enrolment, LessonCompletion, LessonPage
from courses.services import course_outlines
from lms.models import Organisation, User
from quizzes.models import Attempt, QuizPage

EMAIL_DOMAIN = "load-{}.example"
ORGANISATION_PREFIX = "Load test organisation"
FIRST_NAMES = "Alex Sam Jo Chris Pat Kim Lee Robin Ash Jamie Taylor Morgan Casey Drew Jordan Riley".split()
LAST_NAMES = "Nguyen Smith Jones Williams Brown Wilson Taylor Martin Lee Chen Singh Kelly Walker Hall".split()
# Share of enrolments in progress (done more than half the items); the share completed is worked out
# from --completions and the courses' lessons, the rest have not started.
IN_PROGRESS_SHARE = 0.25
IN_PROGRESS_LESSON_SHARE = 0.7  # of the course's lessons, on average


class Command(BaseCommand):
    help = "Create many made-up learners, enrolments, lesson completions and quiz attempts (for load tests)."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=20_000)
        parser.add_argument("--organisations", type=int, default=50)
        parser.add_argument(
            "--courses", type=int, default=3, help="How many courses (the first, in tree order)."
        )
        parser.add_argument(
            "--completions", type=int, default=500_000, help="About how many lesson completions."
        )
        parser.add_argument(
            "--attempts",
            type=int,
            default=60_000,
            help="About how many quiz attempts (a random sample of them).",
        )
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument("--batch-size", type=int, default=5_000)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the learners of a previous run first."
        )

    def handle(self, *args, **options):
        self.started = time.perf_counter()
        self.batch_size = options["batch_size"]
        rng = random.Random(options["seed"])  # noqa: S311 - made-up data, not security
        load_users = User.objects.filter(email__endswith=".example", email__contains="@load-")
        if load_users.exists():
            if not options["reset"]:
                raise CommandError("Load data is already there: add --reset to replace it.")
            self.step("Deleting the previous load data")
            load_users.delete()
            Organisation.objects.filter(name__startswith=ORGANISATION_PREFIX).delete()

        if not CoursePage.objects.live().exists():
            self.step("Loading the courses")
            call_command("load_courses", verbosity=0)
        courses = CoursePage.objects.live().order_by("path")
        courses = list(courses[: options["courses"]])
        outlines = course_outlines(courses)

        with transaction.atomic():
            organisations = self.make_organisations(options["organisations"])
            users = self.make_users(options["learners"], organisations, rng)
            lessons = sum(
                1 for outline in outlines.values() for item in outline.items if isinstance(item, LessonPage)
            )
            per_learner = options["completions"] / max(1, options["learners"])
            completed = (per_learner - IN_PROGRESS_SHARE * IN_PROGRESS_LESSON_SHARE * lessons) / max(
                1, lessons
            )
            completed = min(max(completed, 0.05), 1 - IN_PROGRESS_SHARE)
            stages = [
                ("completed", completed),
                ("in_progress", IN_PROGRESS_SHARE),
                ("not_started", 1 - IN_PROGRESS_SHARE - completed),
            ]
            enrolments = self.make_enrolments(users, courses, rng, stages)
            self.make_progress(enrolments, outlines, rng, options["attempts"])
        self.step("Done")

    # --- steps ------------------------------------------------------------------------------------

    def step(self, message, count=None):
        elapsed = time.perf_counter() - self.started
        suffix = f": {count:,}" if count is not None else ""
        self.stdout.write(f"[{elapsed:6.1f} s] {message}{suffix}")
        self.stdout.flush()

    def bulk(self, model, rows, label):
        """bulk_create in batches, reporting progress; returns the saved rows (with pks on PostgreSQL
        and SQLite)."""
        saved = []
        for start in range(0, len(rows), self.batch_size):
            saved += model.objects.bulk_create(rows[start : start + self.batch_size])
            if (start // self.batch_size) % 10 == 9:
                self.step(f"  {label}", len(saved))
        self.step(label, len(saved))
        return saved

    def make_organisations(self, count):
        rows = [
            Organisation(
                name=f"{ORGANISATION_PREFIX} {number:02d}",
                kind=Organisation.Kind.COUNCIL if number % 3 == 0 else Organisation.Kind.AGENCY,
            )
            for number in range(1, count + 1)
        ]
        return self.bulk(Organisation, rows, "Organisations")

    def make_users(self, count, organisations, rng):
        password = make_password(None)  # unusable, and hashed once rather than 20,000 times
        now = timezone.now()
        rows = []
        for number in range(1, count + 1):
            organisation = organisations[number % len(organisations)]
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {number}"
            rows.append(
                User(
                    email=f"learner{number}@{EMAIL_DOMAIN.format(organisation.pk)}",
                    full_name=name,
                    password=password,
                    organisation=organisation,
                    role=User.Role.COUNCILLOR
                    if organisation.kind == Organisation.Kind.COUNCIL
                    else User.Role.PUBLIC_SERVANT,
                    role_status=User.RoleStatus.CONFIRMED,
                    date_joined=now - timedelta(days=rng.randint(1, 400)),
                )
            )
        return self.bulk(User, rows, "Learners")

    def make_enrolments(self, users, courses, rng, stages):
        rows = []
        now = timezone.now()
        for user in users:
            for course in courses:
                stage = rng.choices([s for s, _ in stages], weights=[w for _, w in stages])[0]
                enrolment = Enrolment(user=user, course=course)
                enrolment.stage = stage
                if stage != "not_started":
                    enrolment.last_activity_at = now - timedelta(days=rng.randint(0, 90))
                if stage == "completed":
                    enrolment.completed_at = enrolment.last_activity_at
                    if course.renewal_months:
                        enrolment.renewal_due_at = enrolment.completed_at + timedelta(
                            days=30 * course.renewal_months
                        )
                rows.append(enrolment)
        saved = self.bulk(Enrolment, rows, "Enrolments")
        for enrolment, row in zip(saved, rows, strict=True):
            enrolment.stage = row.stage
        today = timezone.localdate()
        assignments = [
            Assignment(
                enrolment=enrolment, due_date=today + timedelta(days=rng.randint(-30, 60)), note="Load test"
            )
            for enrolment in saved
            if rng.random() < 0.3
        ]
        self.bulk(Assignment, assignments, "Assignments")
        return saved

    def make_progress(self, enrolments, outlines, rng, attempt_target):
        completions, attempts, certificates = [], [], []
        for enrolment in enrolments:
            outline = outlines[enrolment.course_id]
            items = outline.items
            if enrolment.stage == "not_started" or not items:
                continue
            done = len(items)
            if enrolment.stage == "in_progress":
                done = rng.randint(max(1, len(items) // 2), max(1, len(items) - 1))
            for item in items[:done]:
                if isinstance(item, LessonPage):
                    completions.append(LessonCompletion(enrolment=enrolment, lesson=item))
                elif isinstance(item, QuizPage):
                    tries = 2 if rng.random() < 0.25 else 1
                    for number in range(1, tries + 1):
                        passed = number == tries
                        score = (
                            rng.randint(item.pass_mark, 100)
                            if passed
                            else rng.randint(20, item.pass_mark - 1)
                        )
                        attempts.append(
                            Attempt(
                                user_id=enrolment.user_id,
                                quiz=item,
                                number=number,
                                pass_mark=item.pass_mark,
                                score=score,
                                passed=passed,
                                submitted_at=enrolment.last_activity_at,
                            )
                        )
            if enrolment.stage == "in_progress" and rng.random() < 0.3:
                # Tried the next quiz and did not pass it yet.
                quiz = next((item for item in items[done:] if isinstance(item, QuizPage)), None)
                if quiz is not None:
                    attempts.append(
                        Attempt(
                            user_id=enrolment.user_id,
                            quiz=quiz,
                            number=1,
                            pass_mark=quiz.pass_mark,
                            score=rng.randint(10, quiz.pass_mark - 1),
                            passed=False,
                            submitted_at=enrolment.last_activity_at,
                        )
                    )
            if enrolment.stage == "completed":
                course = outline.course
                certificates.append(
                    Certificate(
                        enrolment=enrolment,
                        user_id=enrolment.user_id,
                        course=course,
                        learner_name=enrolment.user.full_name,
                        course_title=course.title,
                        expires_at=enrolment.renewal_due_at,
                        cpd_hours=course.cpd_hours,
                    )
                )
        self.bulk(LessonCompletion, completions, "Lesson completions")
        if len(attempts) > attempt_target:  # keep a random sample (numbers stay unique per learner and quiz)
            attempts = rng.sample(attempts, attempt_target)
        self.bulk(Attempt, attempts, "Quiz attempts")
        give_status_list_entries(certificates, rng)  # bulk_create skips Certificate.save, which gives them
        self.bulk(Certificate, certificates, "Certificates")
