"""A learner's own records, for download (Australian Privacy Principle 12: access)."""

import io

from django.utils import timezone

from certificates.models import Certificate
from courses.models import Assignment, Enrolment, LessonCompletion, LessonView, TaskSubmission
from lms.exports import spreadsheet_writer
from lms.formatting import percent_number
from quizzes.models import Attempt, Response
from quizzes.services import quiz_status


def iso(value):
    return value.isoformat() if value else None


def learner_records(user):
    """Everything the platform holds about `user`, as JSON-ready data (queries grow with the number
    of quizzes attempted, not with attempts or answers)."""

    enrolments = list(Enrolment.objects.filter(user=user).select_related("course"))
    assignments = {a.enrolment_id: a for a in Assignment.objects.filter(enrolment__user=user)}
    attempts = list(Attempt.objects.filter(user=user).select_related("quiz").order_by("started_at"))
    statuses = {a.quiz_id: quiz_status(user, a.quiz) for a in attempts}
    reviews = {a.pk: statuses[a.quiz_id].review(a) for a in attempts}
    responses = {}
    for response in Response.objects.filter(attempt__user=user).order_by("attempt_id", "position"):
        responses.setdefault(response.attempt_id, []).append(response)
    return {
        "exported_at": iso(timezone.now()),
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.get_role_display(),
            "organisation": user.organisation.name if user.organisation_id else None,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
        },
        "enrolments": [
            {
                "course": e.course.title,
                "enrolled_at": iso(e.enrolled_at),
                "completed_at": iso(e.completed_at),
                "cycle": e.cycle,
                "last_activity_at": iso(e.last_activity_at),
                "due_date": iso(assignments[e.pk].due_date) if e.pk in assignments else None,
            }
            for e in enrolments
        ],
        "lessons_viewed": [
            {
                "lesson": v.lesson.title,
                "first_viewed_at": iso(v.first_viewed_at),
                "last_viewed_at": iso(v.last_viewed_at),
            }
            for v in LessonView.objects.filter(enrolment__user=user).select_related("lesson")
        ],
        "lessons_completed": [
            {"lesson": c.lesson.title, "completed_at": iso(c.completed_at)}
            for c in LessonCompletion.objects.filter(enrolment__user=user).select_related("lesson")
        ],
        "practice_tasks": [
            {
                "lesson": t.lesson.title,
                "text": t.text,
                "status": t.get_status_display(),
                "submitted_at": iso(t.submitted_at),
                "reviewer_feedback": t.reviewer_feedback,
                # Every try as submitted and reviewed; the learner's own answers, not the expected
                # figures of a metrics exercise (an answer key, kept out like a quiz's).
                "tries": [
                    {
                        "number": r.number,
                        "submitted_at": iso(r.submitted_at),
                        "text": r.text,
                        "answer": r.answer,
                        "status": r.get_status_display(),
                        "reviewer_feedback": r.reviewer_feedback,
                        "rubric_scores": r.rubric_scores,
                        "has_attachment": bool(r.attachment),
                    }
                    for r in t.records.all()
                ],
            }
            for t in TaskSubmission.objects.filter(enrolment__user=user)
            .select_related("lesson")
            .prefetch_related("records")
        ],
        "quiz_attempts": [
            {
                "quiz": a.quiz.title,
                "number": a.number,
                "started_at": iso(a.started_at),
                "submitted_at": iso(a.submitted_at),
                "score": percent_number(a.score) if a.score is not None else None,
                "passed": a.passed,
                # The learner's own answers; answer keys are not personal information and stay out,
                # and marks per question only where the quiz's review policy shows them.
                "answers": [
                    {
                        "question": q.name,
                        "answer": q.answer_display(a.answers.get(str(q.pk))),
                        **({"mark": str(r.mark)} if reviews[a.pk].answers else {}),
                    }
                    for q, r in zip(a.questions, responses.get(a.pk, []), strict=False)
                ]
                if a.is_submitted
                else [
                    {"question": q.name, "answer": q.answer_display(a.answers.get(str(q.pk)))}
                    for q in a.questions
                ],
            }
            for a in attempts
        ],
        "certificates": [
            {
                "course": c.course_title,
                "name_on_certificate": c.learner_name,
                "code": c.code,
                "issued_at": iso(c.issued_at),
                "expires_at": iso(c.expires_at),
                "verify_url": c.get_verify_url(),
            }
            for c in Certificate.objects.filter(user=user).order_by("issued_at")
        ],
    }


def records_csv(records):
    """The same records as one CSV: a row per record, with its kind, date and details."""
    out = io.StringIO()
    writer = spreadsheet_writer(out)
    writer.writerow(["record", "date", "course or item", "details"])
    profile = records["profile"]
    writer.writerow(
        [
            "profile",
            profile["date_joined"],
            "",
            f"{profile['full_name']} <{profile['email']}>, "
            f"{profile['role']}, {profile['organisation'] or 'no organisation'}",
        ]
    )
    for e in records["enrolments"]:
        detail = f"completed {e['completed_at']}" if e["completed_at"] else "in progress"
        if e["due_date"]:
            detail += f", due {e['due_date']}"
        writer.writerow(["enrolment", e["enrolled_at"], e["course"], detail])
    for v in records["lessons_viewed"]:
        writer.writerow(
            ["lesson viewed", v["last_viewed_at"], v["lesson"], f"first viewed {v['first_viewed_at']}"]
        )
    for c in records["lessons_completed"]:
        writer.writerow(["lesson completed", c["completed_at"], c["lesson"], ""])
    for t in records["practice_tasks"]:
        writer.writerow(["practice task", t["submitted_at"], t["lesson"], f"{t['status']}: {t['text']}"])
    for a in records["quiz_attempts"]:
        writer.writerow(
            [
                "quiz attempt",
                a["submitted_at"] or a["started_at"],
                a["quiz"],
                f"attempt {a['number']}, score {a['score']}%, passed {a['passed']}",
            ]
        )
    for c in records["certificates"]:
        writer.writerow(
            ["certificate", c["issued_at"], c["course"], f"{c['name_on_certificate']}, code {c['code']}"]
        )
    return out.getvalue()
