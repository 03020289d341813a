"""API tokens (create, authenticate, revoke, rate limit) and the records the API returns.

A token's secret is `gsa_` and 43 random URL-safe characters (256 bits): a digest lookup is
enough to check it (no slow hash needed for a random secret, and the lookup is by a unique
index). Every query here is narrowed to the token's organisation, so one organisation's token can
never return another's people.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Assignment, Enrolment
from courses.services import progress_for_enrolments

from .models import ApiToken

SECRET_PREFIX = "gsa_"  # noqa: S105 - the visible start of every token, not a secret
LAST_USED_EVERY = timedelta(minutes=1)  # write last_used_at at most this often


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(organisation, name, scopes, created_by=None, expires_at=None):
    """A new token and its secret: the secret is returned here once and never stored."""
    unknown = set(scopes) - set(ApiToken.Scope.values)
    if unknown or not scopes:
        raise ValueError(f"Unknown or missing scopes: {sorted(unknown) or 'none given'}")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        scopes=sorted(set(scopes)),
        prefix=secret[: len(SECRET_PREFIX) + 6],
        secret_digest=digest(secret),
        created_by=created_by,
        expires_at=expires_at,
    )
    return token, secret


def revoke_token(token, by=None):
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
    token.refresh_from_db()
    return bool(updated)


def authenticate(authorization_header):
    """The usable token named by an `Authorization: Bearer <secret>` header, or None."""
    scheme, _, secret = (authorization_header or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(SECRET_PREFIX):
        return None
    token = ApiToken.objects.select_related("organisation").filter(secret_digest=digest(secret)).first()
    if token is None or not token.is_usable():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def seconds_until_allowed(token, now=None):
    """0 when the token may make another request now (and count it), else the seconds to wait.
    A fixed one-minute window per token in the shared cache, so every app server counts together."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    now = now or timezone.now()
    window = int(now.timestamp() // 60)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count <= limit:
        return 0
    return 60 - int(now.timestamp()) % 60 or 1


# --- the records ------------------------------------------------------------------------------------


def organisation_enrolments(token):
    """Enrolments of the token's organisation's active people, oldest first (the keyset order)."""
    return (
        Enrolment.objects.filter(user__organisation=token.organisation, user__is_active=True)
        .select_related("user", "course")
        .order_by("pk")
    )


def completions(token, course_id=None, since=None):
    enrolments = organisation_enrolments(token).filter(completed_at__isnull=False)
    if course_id is not None:
        enrolments = enrolments.filter(course_id=course_id)
    if since is not None:
        enrolments = enrolments.filter(completed_at__gte=since)
    return enrolments


def certificates(token, course_id=None, since=None, status=""):
    now = timezone.now()
    found = (
        Certificate.objects.filter(user__organisation=token.organisation)
        .select_related("user")
        .order_by("pk")
    )
    if course_id is not None:
        found = found.filter(course_id=course_id)
    if since is not None:
        found = found.filter(issued_at__gte=since)
    if status == "revoked":
        found = found.filter(revoked_at__isnull=False)
    elif status == "expired":
        found = found.filter(revoked_at__isnull=True, expires_at__lte=now)
    elif status == "valid":
        found = found.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)
    return found


def certificate_status(certificate, now=None):
    now = now or timezone.now()
    if certificate.revoked_at:
        return "revoked"
    return "expired" if certificate.expires_at and certificate.expires_at <= now else "valid"


def progress(token, course_id=None):
    enrolments = organisation_enrolments(token)
    return enrolments.filter(course_id=course_id) if course_id is not None else enrolments


def progress_rows(enrolments):
    """[(enrolment, Progress, due date or None)] for one page of enrolments, in a fixed number of
    queries (courses.services.progress_for_enrolments, one query for the assignments)."""
    enrolments = list(enrolments)
    progress_by_id = progress_for_enrolments(enrolments)
    due = dict(Assignment.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", "due_date"))
    return [(enrolment, progress_by_id[enrolment.pk], due.get(enrolment.pk)) for enrolment in enrolments]
