"""xAPI 1.0.3 statements for GovSocial Academy's learning events: the verbs, actors and activities.

Activity ids are IRIs under SITE_BASE_URL made from database ids (`/xapi/activities/lesson/42`), not
from slugs or titles, so renaming or moving a page never splits its history in the LRS. People are
agents in the *account* form (homePage SITE_BASE_URL, name the user's id): the LRS learns no email
address, and the agency maps the id to a person through its own records (the learning-record API
gives the same id).
"""

import uuid
from decimal import Decimal

from django.conf import settings

LANGUAGE = "en-AU"


def _verb(iri, display):
    return {"id": iri, "display": {LANGUAGE: display}}


ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "registered": _verb(ADL + "registered", "registered"),
    "experienced": _verb(ADL + "experienced", "experienced"),
    "completed": _verb(ADL + "completed", "completed"),
    "attempted": _verb(ADL + "attempted", "attempted"),
    "answered": _verb(ADL + "answered", "answered"),
    "passed": _verb(ADL + "passed", "passed"),
    "failed": _verb(ADL + "failed", "failed"),
    "submitted": _verb("http://activitystrea.ms/schema/1.0/submit", "submitted"),
    # A trainer approved the learner's practice work: the authority found the criteria met.
    "satisfied": _verb("https://w3id.org/xapi/adl/verbs/satisfied", "satisfied"),
    "earned": _verb("http://id.tincanapi.com/verb/earned", "earned"),
    "lost": _verb("http://activitystrea.ms/schema/1.0/lose", "lost"),
    # xAPI's reserved verb for marking an earlier statement as made in error (spec 2.3.2).
    "voided": _verb(ADL + "voided", "voided"),
}

ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "certificate": "https://w3id.org/xapi/tla/activity-types/credential",
}


def base_url():
    return settings.SITE_BASE_URL.rstrip("/")


def activity_id(kind, pk):
    return f"{base_url()}/xapi/activities/{kind}/{pk}"


def activity(kind, pk, name=""):
    definition = {"type": ACTIVITY_TYPES[kind]}
    if name:
        definition["name"] = {LANGUAGE: str(name)}
    return {"objectType": "Activity", "id": activity_id(kind, pk), "definition": definition}


def actor(user):
    return {"objectType": "Agent", "account": {"homePage": base_url(), "name": str(user.pk)}}


def registration(enrolment):
    """One registration per enrolment cycle, the same every time it is made."""
    name = f"{base_url()}/xapi/enrolment/{enrolment.pk}/{enrolment.cycle}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def context(enrolment=None, parents=(), instructor=None):
    result = {"platform": "GovSocial Academy", "language": LANGUAGE}
    if enrolment is not None:
        result["registration"] = registration(enrolment)
    if parents:
        result["contextActivities"] = {"parent": list(parents)}
    if instructor is not None:
        result["instructor"] = actor(instructor)
    return result


def score(raw, maximum, minimum=0):
    """A result score from raw points: scaled is raw / maximum (0 when there is no maximum)."""
    raw, maximum, minimum = Decimal(raw), Decimal(maximum), Decimal(minimum)
    scaled = (raw / maximum) if maximum else Decimal(0)
    return {
        "scaled": float(round(scaled, 4)),
        "raw": float(raw),
        "min": float(minimum),
        "max": float(maximum),
    }


def statement(statement_id, user, verb, obj, timestamp, *, result=None, context_=None):
    body = {
        "id": str(statement_id),
        "actor": actor(user),
        "verb": VERBS[verb],
        "object": obj,
        "timestamp": timestamp.isoformat(),
    }
    if result is not None:
        body["result"] = result
    if context_ is not None:
        body["context"] = context_
    return body


def voiding_statement(statement_id, user, voided_statement_id, timestamp):
    """A statement voiding an earlier one made in error. Its object is a StatementRef, so it has no
    context.platform (the spec allows that only with an Activity object)."""
    return {
        "id": str(statement_id),
        "actor": actor(user),
        "verb": VERBS["voided"],
        "object": {"objectType": "StatementRef", "id": str(voided_statement_id)},
        "timestamp": timestamp.isoformat(),
    }
