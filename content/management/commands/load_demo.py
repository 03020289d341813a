"""Sample people and their progress, so a newcomer sees the platform working: `make demo`.

Everything it creates is marked as demo data: email addresses end in @demo.example, organisation
names start with "Demo", and the one extra course (a practice task waiting for review) is titled
"Demo: ...". The learners take the shipped courses (load_courses first). It goes through the same
services the site uses (enrol, complete_lesson, quiz attempts, submit_task, review_task,
assign_course), so progress, reports and certificates are real. Idempotent: a person already
there is left as they are, so running it twice changes nothing. Refuses production settings.
"""

from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from courses.assignments import assign_course
from courses.factories import add_child, catalogue
from courses.models import CoursePage, LessonPage, ModulePage
from courses.services import complete_lesson, course_outline, enrol, record_visit, review_task, submit_task
from lms.mfa import give_authenticator_app
from lms.models import Organisation, User
from lms.services import mark_email_verified
from quizzes.models import (
    Attempt,
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    QuizPage,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from quizzes.services import start_attempt, submit_attempt

DOMAIN = "demo.example"
ADMIN = ("admin@demo.example", "Demo Administrator", "demo-admin-2026")
TRAINER = ("trainer@demo.example", "Demo Trainer", "demo-trainer-2026")
# The admin needs two-step sign-in: the demo staff get fixed authenticator-app keys (base32), printed
# with their passwords, so an evaluator can add them to any authenticator app.
TOTP_KEYS = {
    ADMIN[0]: "GOVSOCIALDEMOADMINTOTPSECRETKEYS",
    TRAINER[0]: "GOVSOCIALDEMOTRAINERTOTPSECRETKY",
}
DEMO_ANSWER = (  # what the certified learner submits for each activity a trainer reviews
    "My plan: post twice a week on one theme at a time, check every post against the four WAIT "
    "questions before it goes out, reply to questions within a working day, and review the "
    "figures and my notes at the end of each month to decide what to change."
)
LEARNER_PASSWORD = "demo-learner-2026"  # noqa: S105 - demo accounts, never in production
AGENCY = ("Demo Department of Digital Services", Organisation.Kind.AGENCY)
COUNCIL = ("Demo Riverbend Shire Council", Organisation.Kind.COUNCIL)
PUBLIC_SERVANTS, AGENCIES, COUNCILLORS = "public-servants", "agencies", "councillors"
PRACTICE_COURSE = "demo-practice-review"
STORIES = {
    "certified": "finished Public servants: certificate issued",
    "in_progress": "assigned Public servants, due in 2 weeks, first module done",
    "overdue": "assigned Agencies, 10 days overdue",
    "task_waiting": "practice task waiting for a trainer's review",
    "overdue_after_quiz": "assigned Councillors, 3 days overdue, quiz not passed",
}

# email, full name, organisation, role, story (a story_* method below).
LEARNERS = [
    ("priya.sharma", "Priya Sharma", AGENCY, User.Role.PUBLIC_SERVANT, "certified"),
    ("ben.nguyen", "Ben Nguyen", AGENCY, User.Role.PUBLIC_SERVANT, "in_progress"),
    ("mei.chen", "Mei Chen", AGENCY, User.Role.PUBLIC_SERVANT, "overdue"),
    ("tom.walker", "Tom Walker", COUNCIL, User.Role.COUNCILLOR, "task_waiting"),
    ("sarah.obrien", "Sarah O'Brien", COUNCIL, User.Role.COUNCILLOR, "overdue_after_quiz"),
]


class Command(BaseCommand):
    help = "Load demo learners, a trainer and an administrator with progress (never in production)."

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("Demo data is never loaded with production settings.")
        courses = {page.slug: page for page in CoursePage.objects.live()}
        missing = {PUBLIC_SERVANTS, AGENCIES, COUNCILLORS} - set(courses)
        if missing:
            raise CommandError(
                f"Load the courses first (`manage.py load_courses`); missing: {sorted(missing)}"
            )
        self.today = timezone.localdate()
        created = []
        with transaction.atomic():
            admin = self.account(*ADMIN, superuser=True, created=created)
            trainer = self.account(*TRAINER, created=created)
            practice_course = self.practice_course(created)
            courses[PRACTICE_COURSE] = practice_course
            for handle, name, (org_name, org_kind), role, story in LEARNERS:
                email = f"{handle}@{DOMAIN}"
                if User.objects.filter(email__iexact=email).exists():
                    continue
                organisation, _ = Organisation.objects.get_or_create(
                    name=org_name, defaults={"kind": org_kind}
                )
                user = User.objects.create_user(
                    email=email,
                    password=LEARNER_PASSWORD,
                    full_name=name,
                    role=role,
                    organisation=organisation,
                )
                mark_email_verified(user)  # demo addresses: the operator vouches for them
                getattr(self, f"story_{story}")(user, courses, trainer)
                created.append(f"learner {email}")
        self.report(admin, trainer, created)

    # --- accounts and the demo course ------------------------------------------------------------

    def account(self, email, name, password, superuser=False, created=None):
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            return user
        if superuser:
            user = User.objects.create_superuser(email=email, password=password, full_name=name)
            mark_email_verified(user)  # a demo address: the operator vouches for it
        else:
            call_command("add_trainer", email, name=name, password=password, stdout=StringIO())
            user = User.objects.get(email__iexact=email)
        give_authenticator_app(user, TOTP_KEYS[email])
        created.append(f"{'administrator' if superuser else 'trainer'} {email}")
        return user

    def practice_course(self, created):
        course = CoursePage.objects.filter(slug=PRACTICE_COURSE).first()
        if course is not None:
            return course
        course = add_child(
            catalogue(),
            CoursePage(
                title="Demo: a practice task for a trainer to review",
                slug=PRACTICE_COURSE,
                summary="Demo data: a one-lesson course whose practice task a trainer approves.",
                estimated_minutes=15,
                learning_outcomes=[("outcome", "Plan one small social media experiment")],
            ),
        )
        module = add_child(course, ModulePage(title="Try it out", slug="try-it-out", kind="practice"))
        add_child(
            module,
            LessonPage(
                title="Plan one small experiment",
                slug="plan-one-small-experiment",
                estimated_minutes=15,
                requires_approval=True,
                task_prompt="<p>Describe one change you will try on your team's account next month, "
                "and how you will know whether it worked.</p>",
                body=[
                    ("text", "<p>Pick one thing to change, such as the time of day you post.</p>"),
                    ("key_takeaways", {"points": ["Change one thing at a time", "Decide how to measure it"]}),
                ],
            ),
        )
        created.append(f"course {course.title}")
        return course

    # --- one story per learner -------------------------------------------------------------------

    def lessons(self, course):
        return [item for item in course_outline(course).items if isinstance(item, LessonPage)]

    def quizzes(self, course):
        return [item for item in course_outline(course).items if isinstance(item, QuizPage)]

    def complete(self, enrolment, lessons, reviewer=None):
        """Lessons done and activities submitted; with a `reviewer`, the trainer approves the
        activities that need a review (otherwise they wait for one)."""
        for lesson in lessons:
            record_visit(enrolment, lesson)
            if lesson.is_activity and not lesson.requires_approval:
                # A practice activity its checks complete: one passing try, for the story.
                submit_task(enrolment, lesson, "Done by the demo learner.", passed=True)
            elif lesson.is_activity and reviewer is not None:
                submission = submit_task(enrolment, lesson, DEMO_ANSWER)
                review_task(submission, reviewer, approve=True, feedback="Clear and practical. Approved.")
            elif not lesson.completed_by_submission:
                complete_lesson(enrolment, lesson)

    def take_quiz(self, user, quiz, right):
        """One submitted attempt with its first `right` questions answered correctly and the rest
        left blank."""
        attempt = start_attempt(user, quiz)
        answers = {str(q.pk): right_answer(q) for q in attempt.questions[:right]}
        attempt = submit_attempt(attempt, answers).attempt
        if not attempt.passed and quiz.retry_delay_minutes:
            # The story's earlier try: dated before the quiz's wait, so the next one may start.
            earlier = timezone.now() - timedelta(minutes=quiz.retry_delay_minutes + 1)
            Attempt.objects.filter(pk=attempt.pk).update(started_at=earlier, submitted_at=earlier)
        return attempt

    def story_certified(self, user, courses, trainer):
        """Finished the Public servants course: every lesson and activity (a trainer approved the
        reviewed ones), the first quiz passed on the second try: a certificate is issued."""
        course = courses[PUBLIC_SERVANTS]
        enrolment = enrol(user, course)
        self.complete(enrolment, self.lessons(course), reviewer=trainer)
        for number, quiz in enumerate(self.quizzes(course)):
            if number == 0:
                self.take_quiz(user, quiz, right=1)  # not passed
            self.take_quiz(user, quiz, right=len(quiz.questions()))  # passed

    def story_in_progress(self, user, courses, trainer):
        """Assigned a course due in two weeks; the first module's lessons done."""
        course = courses[PUBLIC_SERVANTS]
        (assignment,) = assign_course(course, [user], self.today + timedelta(days=14), trainer)
        first_module = course_outline(course).modules[0]
        self.complete(assignment.enrolment, [i for i in first_module.items if isinstance(i, LessonPage)])

    def story_overdue(self, user, courses, trainer):
        """Assigned a course due ten days ago; one lesson done."""
        course = courses[AGENCIES]
        (assignment,) = assign_course(course, [user], self.today - timedelta(days=10), trainer)
        self.complete(assignment.enrolment, self.lessons(course)[:1])

    def story_task_waiting(self, user, courses, trainer):
        """Submitted a practice task that waits for a trainer; part-way through the councillors course."""
        course = courses[PRACTICE_COURSE]
        enrolment = enrol(user, course)
        (lesson,) = self.lessons(course)
        record_visit(enrolment, lesson)
        submit_task(
            enrolment,
            lesson,
            "<p>Next month we will post our road-works updates at 7 am instead of noon, and compare "
            "the reach and the questions we get with this month's posts.</p>",
        )
        councillors = courses[COUNCILLORS]
        self.complete(enrol(user, councillors), self.lessons(councillors)[:2])

    def story_overdue_after_quiz(self, user, courses, trainer):
        """Assigned the councillors course, due three days ago; tried the first quiz without passing."""
        course = courses[COUNCILLORS]
        (assignment,) = assign_course(course, [user], self.today - timedelta(days=3), trainer)
        self.complete(assignment.enrolment, self.lessons(course)[:2])
        self.take_quiz(user, self.quizzes(course)[0], right=2)

    # --- what was done ----------------------------------------------------------------------------

    def report(self, admin, trainer, created):
        write = self.stdout.write
        if created:
            write(self.style.SUCCESS(f"Demo data loaded ({len(created)} new: {', '.join(created)})."))
        else:
            write(self.style.SUCCESS("Nothing to change: the demo data is already loaded."))
        write("DEMO DATA: sample people and progress; never use these accounts on a real site.")
        write(f"  administrator  {ADMIN[0]:<28} password: {ADMIN[2]}   (/admin/)")
        write(f"                 authenticator app key: {grouped(TOTP_KEYS[ADMIN[0]])}")
        write(f"  trainer        {TRAINER[0]:<28} password: {TRAINER[2]}   (/admin/)")
        write(f"                 authenticator app key: {grouped(TOTP_KEYS[TRAINER[0]])}")
        write("  (The admin asks for a code after the password: add the key to any authenticator app.)")
        for handle, _, _, _, story in LEARNERS:
            email = f"{handle}@{DOMAIN}"
            write(f"  learner        {email:<28} password: {LEARNER_PASSWORD}   ({STORIES[story]})")


def right_answer(question):
    """The answer that earns a question full marks, in the form its attempt form posts."""
    if isinstance(question, SingleChoiceQuestion):
        return next(oid for oid, option in question.option_list() if option["is_correct"])
    if isinstance(question, MultipleResponseQuestion):
        return [oid for oid, option in question.option_list() if option["is_correct"]]
    if isinstance(question, TrueFalseQuestion):
        return "true" if question.correct_answer else "false"
    if isinstance(question, MatchingQuestion):
        return {prompt_id: match for prompt_id, _, match in question.prompts()}
    if isinstance(question, OrderingQuestion):
        return [item_id for item_id, _ in question.item_list()]
    full = [block_value(block) for block in question.answers if block_value(block)["fraction"] == 100]
    if isinstance(question, NumericQuestion):
        return str(full[0]["value"])
    return next(answer["text"] for answer in full if "*" not in answer["text"])  # short answer


def block_value(block):
    return block.value if hasattr(block, "value") else block[1]


def grouped(key):
    """An authenticator-app key in groups of four, as the apps' "enter a key" screens accept it."""
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
