"""The learning-record API's endpoints (/api/v1/): JSON, GET only, one organisation per token.

Errors are JSON too ({"error": code, "detail": text}) with the HTTP status a client expects: 400 for
a bad parameter, 401 without a usable token (with WWW-Authenticate), 403 for a scope the token lacks,
405 for anything but GET, 429 with Retry-After over the rate limit. Lists are paged by keyset
(`after` the last id seen, `page_size` up to 200), so a sync that runs while records are added
neither skips nor repeats any.
"""

from datetime import UTC, datetime, time
from functools import wraps
from urllib.parse import urlencode

from django.http import JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.cache import never_cache

from certificates.status_list import credential_status

from . import services
from .models import ApiToken
from .openapi import openapi_document

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
CERTIFICATE_STATUSES = ("valid", "expired", "revoked")


class BadParameter(ValueError):
    pass


def error(status, code, detail, **headers):
    response = JsonResponse({"error": code, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def timestamp(value):
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _integer(request, name, minimum, maximum=None, default=None):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < minimum or (maximum is not None and int(raw) > maximum):
        bound = f" and {maximum}" if maximum is not None else ""
        raise BadParameter(f"`{name}` must be a whole number between {minimum}{bound}.")
    return int(raw)


def _since(request):
    raw = request.GET.get("since", "").strip()
    if not raw:
        return None
    moment = parse_datetime(raw.replace(" ", "+"))  # a "+" in a query string arrives as a space
    if moment is None and (day := parse_date(raw)):
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise BadParameter("`since` must be an ISO 8601 date or date-time, for example 2026-07-01T00:00:00Z.")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def api_endpoint(scope):
    """GET only, a usable token with `scope`, within the rate limit; parameters checked."""

    def decorate(view):
        @wraps(view)
        @never_cache
        def wrapper(request):
            if request.method != "GET":
                return error(405, "method_not_allowed", "The API is read-only: use GET.", Allow="GET")
            token = services.authenticate(request.headers.get("Authorization"))
            if token is None:
                return error(
                    401,
                    "invalid_token",
                    "Send a valid, unrevoked, unexpired API token: `Authorization: Bearer <token>`.",
                    WWW_Authenticate='Bearer realm="api", error="invalid_token"',
                )
            if scope and not token.has_scope(scope):
                return error(
                    403,
                    "insufficient_scope",
                    f"This token may not read {scope}; an administrator can issue one that may.",
                    WWW_Authenticate=f'Bearer realm="api", error="insufficient_scope", scope="{scope}"',
                )
            if wait := services.seconds_until_allowed(token):
                return error(
                    429, "rate_limited", f"Too many requests: try again in {wait} s.", Retry_After=str(wait)
                )
            try:
                return view(request, token)
            except BadParameter as problem:
                return error(400, "bad_parameter", str(problem))

        return wrapper

    return decorate


def paged(request, queryset, serialise):
    """One keyset page of `queryset` (ordered by pk) as the API's list body."""
    after = _integer(request, "after", 0, default=0)
    size = _integer(request, "page_size", 1, MAX_PAGE_SIZE, default=PAGE_SIZE)
    rows = list(queryset.filter(pk__gt=after)[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    next_url = None
    if more:
        query = request.GET.copy()
        query["after"] = rows[-1].pk
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")
    return JsonResponse({"results": serialise(rows), "next": next_url})


def _learner(user):
    return {"id": user.pk, "email": user.email, "full_name": user.full_name}


@api_endpoint(scope=None)
def index_view(request, token):
    links = {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in ApiToken.Scope.values}
    return JsonResponse(
        {
            "organisation": {"id": token.organisation.pk, "name": token.organisation.name},
            "token": {"name": token.name, "scopes": token.scopes, "expires_at": timestamp(token.expires_at)},
            "endpoints": {name: url for name, url in links.items() if token.has_scope(name)},
            "openapi": request.build_absolute_uri(reverse("api:openapi")),
        }
    )


@api_endpoint(ApiToken.Scope.COMPLETIONS)
def completions_view(request, token):
    found = services.completions(token, _integer(request, "course", 1), _since(request))

    def serialise(rows):
        return [
            {
                "id": e.pk,
                "learner": _learner(e.user),
                "course": {"id": e.course_id, "title": e.course.title},
                "completed_at": timestamp(e.completed_at),
                "cycle": e.cycle,
            }
            for e in rows
        ]

    return paged(request, found, serialise)


@api_endpoint(ApiToken.Scope.CERTIFICATES)
def certificates_view(request, token):
    status = request.GET.get("status", "")
    if status and status not in CERTIFICATE_STATUSES:
        raise BadParameter(f"`status` must be one of {', '.join(CERTIFICATE_STATUSES)}.")
    found = services.certificates(token, _integer(request, "course", 1), _since(request), status)

    def serialise(rows):
        return [
            {
                "id": c.pk,
                "code": c.code,
                "learner": _learner(c.user),
                "name_on_certificate": c.learner_name,
                "course": {"id": c.course_id, "title": c.course_title},
                "cycle": c.cycle,
                "cpd_hours": str(c.cpd_hours),
                "issued_at": timestamp(c.issued_at),
                "expires_at": timestamp(c.expires_at),
                "revoked_at": timestamp(c.revoked_at),
                "status": services.certificate_status(c),
                "verify_url": c.get_verify_url(),
                # So an HR system can check the credential and its revocation itself.
                "signed_credential_url": c.get_signed_credential_url(),
                "credential_status": credential_status(c) if c.status_list_index is not None else None,
            }
            for c in rows
        ]

    return paged(request, found, serialise)


@api_endpoint(ApiToken.Scope.PROGRESS)
def progress_view(request, token):
    found = services.progress(token, _integer(request, "course", 1))

    def serialise(rows):
        records = []
        for enrolment, progress, due_date in services.progress_rows(rows):
            if enrolment.completed_at:
                status = "completed"
            elif progress.done_ids or progress.viewed_ids or enrolment.last_activity_at:
                status = "in_progress"
            else:
                status = "not_started"
            records.append(
                {
                    "id": enrolment.pk,
                    "learner": _learner(enrolment.user),
                    "course": {"id": enrolment.course_id, "title": enrolment.course.title},
                    "status": status,
                    "items_done": progress.done,
                    "items_required": progress.total,
                    "percent": progress.percent,
                    "enrolled_at": timestamp(enrolment.enrolled_at),
                    "last_activity_at": timestamp(enrolment.last_activity_at),
                    "completed_at": timestamp(enrolment.completed_at),
                    "due_date": due_date.isoformat() if due_date else None,
                }
            )
        return records

    return paged(request, found, serialise)


@never_cache
def openapi_view(request):
    """The OpenAPI 3.1 description (public: it names no one)."""
    return JsonResponse(openapi_document(request.build_absolute_uri(reverse("api:index"))))
