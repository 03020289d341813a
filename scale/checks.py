"""The scale test's checks afterwards, in the database: what the learners were told (the Locust
ledger, scale/locustfile.py) against what was stored.

`check_run(ledger)` returns {"problems": [sentences], "figures": {name: number}}; no problems means:
- no autosave lost: every answer an autosave was acknowledged for is on its attempt, and nothing
  is stored that the learner did not send;
- every submit graded exactly once: a submitted attempt has one response per question, whether
  one browser or two pressed Submit, and no learner opened a second attempt;
- exactly one certificate per completion, none without one;
- every certificate's PDF rendered once: ready, stored once (no stray file), a PDF naming its own
  learner, and one successful render task for it;
- no learner shown another's page: every signed-in page named its own learner and nobody else,
  and every certificate a learner downloaded is theirs.
"""

import io
from collections import Counter

from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.services import render_certificate_task
from courses.models import Enrolment
from quizzes.forms import AttemptForm
from quizzes.models import Attempt, Response


def stored_answers(attempt, form_data):
    """Form data as a browser posted it (slots and tokens), as the attempt stores answers."""
    return AttemptForm(attempt, form_data).partial_answers()


def check_run(ledger):
    problems = []
    figures = Counter({"answers lost": 0})
    attempts = {attempt.pk: attempt for attempt in Attempt.objects.select_related("user")}
    _check_answers(ledger, attempts, problems, figures)
    _check_grading(ledger, attempts, problems, figures)
    _check_certificates(ledger, problems, figures)
    for leak in ledger["leaks"]:
        problems.append(f"{leak['learner']} was shown {', '.join(leak['names'])} on {leak['url']}")
    for missing in ledger["missing_name"]:
        problems.append(f"{missing['learner']}: {missing['url']} did not name its learner")
    figures["pages checked for their learner's name"] = ledger["pages_checked"]
    return {"problems": problems, "figures": dict(figures)}


def _check_answers(ledger, attempts, problems, figures):
    """An answer acknowledged (by an autosave's "saved" or a submit's result page) must be stored,
    unless the learner sent another answer to that question afterwards; nothing else may be."""
    sent = {}  # attempt id -> [(acknowledged, {question: answer})] in the order the learner sent them
    for entry in [*ledger["autosaves"], *ledger["submits"]]:
        attempt = attempts.get(entry["attempt"])
        if attempt is None or attempt.user.email != entry["learner"]:
            problems.append(f"attempt {entry['attempt']} is not {entry['learner']}'s")
            continue
        acknowledged = entry.get("acknowledged", bool(entry.get("statuses")))
        figures["autosaves acknowledged"] += "acknowledged" in entry and acknowledged
        sent.setdefault(attempt.pk, []).append((acknowledged, stored_answers(attempt, entry["data"])))
    for attempt_id, entries in sent.items():
        stored = attempts[attempt_id].answers
        lost = set()
        for index, (acknowledged, answers) in enumerate(entries):
            for key in answers if acknowledged else ():
                later = [given[key] for _, given in entries[index:] if key in given]
                if stored.get(key) not in later:
                    lost.add(key)
        if lost:
            figures["answers lost"] += len(lost)
            problems.append(f"attempt {attempt_id}: acknowledged answers to {sorted(lost)} are not stored")
        never_sent = [
            key for key, value in stored.items() if all(given.get(key) != value for _, given in entries)
        ]
        if never_sent:
            problems.append(f"attempt {attempt_id} holds answers its learner never sent: {never_sent}")


def _check_grading(ledger, attempts, problems, figures):
    responses = dict(
        Response.objects.values_list("attempt").annotate(n=Count("pk")).values_list("attempt", "n")
    )
    submitted_by_learners = {entry["attempt"] for entry in ledger["submits"]}
    for attempt in attempts.values():
        if attempt.submitted_at is None:
            if attempt.pk in responses:
                problems.append(f"attempt {attempt.pk} is open but has responses")
            continue
        figures["graded attempts"] += 1
        count, questions = responses.get(attempt.pk, 0), len(attempt.snapshot)
        if count != questions:
            problems.append(f"attempt {attempt.pk}: {count} responses to {questions} questions")
        if attempt.pk not in submitted_by_learners:
            problems.append(f"attempt {attempt.pk} was graded but never submitted")
    for entry in ledger["submits"]:
        attempt = attempts.get(entry["attempt"])
        if attempt is None:
            continue
        figures["submits"] += 1
        figures["submits from two browsers at once"] += entry["browsers"] > 1
        if entry.get("statuses") and attempt.submitted_at is None:
            problems.append(f"attempt {attempt.pk}: the learner saw a result but it is not submitted")
    second = Counter((attempt.user_id, attempt.quiz_id) for attempt in attempts.values())
    for (user_id, quiz_id), count in second.items():
        if count > 1:
            problems.append(
                f"user {user_id} has {count} attempts at quiz {quiz_id} (one passed start was enough)"
            )


def _check_certificates(ledger, problems, figures):
    completed = list(Enrolment.objects.filter(completed_at__isnull=False).select_related("user"))
    figures["completions"] = len(completed)
    per_completion = Counter(Certificate.objects.values_list("enrolment_id", "cycle"))
    for enrolment in completed:
        count = per_completion.pop((enrolment.pk, enrolment.cycle), 0)
        if count != 1:
            problems.append(f"{enrolment.user.email}'s completion has {count} certificates")
    for (enrolment_id, cycle), count in per_completion.items():
        problems.append(
            f"enrolment {enrolment_id} (cycle {cycle}) has {count} certificates but no completion"
        )

    ready_renders = Counter(
        result.args_kwargs["args"][0]
        for result in DBTaskResult.objects.filter(
            task_path=render_certificate_task.module_path, status="SUCCESSFUL"
        )
        if result.return_value == "ready"
    )
    certificates = list(Certificate.objects.select_related("user"))
    figures["certificates"] = len(certificates)
    stored_names = set()
    for certificate in certificates:
        if certificate.render_status != Certificate.RenderStatus.READY or not certificate.pdf:
            problems.append(f"certificate {certificate.pk}: PDF {certificate.render_status}")
            continue
        stored_names.add(certificate.pdf.name)
        if ready_renders[certificate.pk] != 1:
            problems.append(f"certificate {certificate.pk}: rendered {ready_renders[certificate.pk]} times")
        with certificate.pdf.open("rb") as pdf:
            content = pdf.read()
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        if certificate.learner_name not in " ".join(text.split()):
            problems.append(f"certificate {certificate.pk}'s PDF does not name {certificate.learner_name}")
        figures["certificate PDFs checked"] += 1
    storage = Certificate._meta.get_field("pdf").storage
    # Every file of these certificates (named by their codes) is the one their row points to.
    codes = tuple(certificate.code for certificate in certificates)
    on_disk = {
        name for name in _files_under(storage, "certificates") if name.rsplit("/", 1)[-1].startswith(codes)
    }
    if on_disk != stored_names:
        problems.append(f"stray certificate files: {sorted(on_disk - stored_names)[:5]}")
    owners = dict(Certificate.objects.values_list("code", "user__email"))
    for download in ledger["certificates"]:
        figures["certificates downloaded"] += 1
        if owners.get(download["code"]) != download["learner"]:
            problems.append(f"{download['learner']} downloaded a certificate that is not theirs")


def _files_under(storage, folder):
    if not storage.exists(folder):
        return
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _files_under(storage, f"{folder}/{directory}")
