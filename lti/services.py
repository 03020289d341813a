"""What a checked launch does here: who the learner is (an account made at their first launch,
never joined to an existing one by email address), which course the platform's link opens, where
their grade goes, and the deep linking answer listing the courses an instructor chose."""

import secrets
import urllib.parse

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from courses.models import CoursePage
from lms.models import User
from lms.services import (
    email_at_organisation_domain,
    mark_email_verified,
    place_new_member,
    primary_email_address,
)
from lms.site_url import absolute_url

from . import jose
from .launch import AGS_ENDPOINT, DEEP_LINKING_SETTINGS, LTI, LaunchError
from .models import LtiGradeTarget, LtiResourceLink, LtiUserLink

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DEEP_LINKING_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
SCORE_MAXIMUM = 100


# --- The learner ----------------------------------------------------------------------------------


def _full_name(claims):
    name = (claims.get("name") or "").strip()
    if not name:
        name = " ".join(
            part for part in (claims.get("given_name"), claims.get("family_name")) if part
        ).strip()
    return name[:150] or "Learner"


def _free_email(claims):
    """The platform's address for the learner when it is a valid one that no account has."""
    email = (claims.get("email") or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        return None
    return None if User.objects.filter(email__iexact=email).exists() else email


def _stand_in_email():
    """An address for an account whose platform gave none, or gave one another account has. The
    .invalid domain never receives mail (RFC 2606); the learner may change it under Your details."""
    return f"lti-{secrets.token_hex(10)}@lti.invalid"


def learner_for_launch(launch):
    """The account of the platform's user: the one linked at their first launch, or a new one,
    without a password, made now. An existing account with the same email address is never
    joined (its owner may be someone else): the new account gets a stand-in address instead."""
    platform, subject = launch.platform, launch.subject
    link = LtiUserLink.objects.filter(platform=platform, subject=subject).select_related("user").first()
    if link is None:
        try:
            with transaction.atomic():
                link = _new_learner(launch)
        except IntegrityError:  # the same person's second launch won a race, or the address was taken
            link = (
                LtiUserLink.objects.filter(platform=platform, subject=subject).select_related("user").first()
            )
            if link is None:
                with transaction.atomic():
                    link = _new_learner(launch, platform_email=False)
    user = link.user
    if not user.is_active:
        raise LaunchError("This account is switched off. Ask GovSocial Academy's administrators.", 403)
    # A launch signs in without the password or second step the admin asks for: never for anyone
    # who can open the admin.
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        raise LaunchError(
            "Accounts that can open the admin cannot be signed in from a learning system. "
            "Log in to GovSocial Academy directly.",
            403,
        )
    LtiUserLink.objects.filter(pk=link.pk).update(last_launch_at=timezone.now())
    return user


def _new_learner(launch, platform_email=True):
    platform = launch.platform
    email = _free_email(launch.claims) if platform_email else None
    user = User.objects.create_user(
        email=email or _stand_in_email(), full_name=_full_name(launch.claims)
    )  # no password: create_user(password=None) makes an unusable one
    primary_email_address(user)  # unconfirmed, so certificates wait until the learner confirms it
    # The platform vouches only for addresses at its own organisation's verified domains (the same
    # rule as single sign-on); then the learner joins it at once, otherwise a trainer approves.
    if email and email_at_organisation_domain(email, platform.organisation):
        mark_email_verified(user)
    place_new_member(user, requested=platform.organisation)
    return LtiUserLink.objects.create(platform=platform, subject=launch.subject, user=user)


# --- The course and the grade target --------------------------------------------------------------


def resource_link_for_launch(launch):
    """The platform's link and the course it opens: known links keep their course; a new link
    opens the live course its `course_id` custom parameter names."""
    claim = launch.claim("resource_link")
    link = (
        LtiResourceLink.objects.filter(platform=launch.platform, resource_link_id=claim["id"])
        .select_related("course")
        .first()
    )
    if link is not None:
        return link
    course_id = str((launch.claim("custom") or {}).get("course_id", "")).strip()
    course = CoursePage.objects.live().filter(pk=int(course_id)).first() if course_id.isdigit() else None
    if course is None:
        raise LaunchError(
            "This link does not name one of our courses. Ask your learning system's administrator to "
            "choose the course again (deep linking) or set the custom parameter course_id.",
            404,
        )
    link, _ = LtiResourceLink.objects.get_or_create(
        platform=launch.platform,
        resource_link_id=claim["id"],
        defaults={
            "course": course,
            "deployment_id": launch.deployment_id,
            "title": str(claim.get("title") or "")[:255],
        },
    )
    return link


def scores_url(lineitem_url):
    """A line item's scores endpoint: its path plus /scores, its query kept (AGS 2.0, 3.4)."""
    parts = urllib.parse.urlsplit(lineitem_url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def remember_grade_target(launch, link, user):
    """Keep where this learner's grade for the link goes, when the platform offers to take scores:
    the launch's line item, or, for a link without one, the line item the sender creates for the
    link in the platform's line items service (lti/grades.py link_line_item)."""
    endpoint = launch.claims.get(AGS_ENDPOINT)
    if not isinstance(endpoint, dict) or SCORE_SCOPE not in (endpoint.get("scope") or []):
        return None
    lineitem, lineitems = endpoint.get("lineitem"), endpoint.get("lineitems")
    if lineitem:
        urls = {"lineitem_url": lineitem, "scores_url": scores_url(lineitem)}
    elif lineitems and LINEITEM_SCOPE in endpoint["scope"]:
        if link.lineitems_url != lineitems:
            LtiResourceLink.objects.filter(pk=link.pk).update(lineitems_url=lineitems)
            link.lineitems_url = lineitems
        urls = {"lineitem_url": "", "scores_url": ""}
    else:
        return None
    target, _ = LtiGradeTarget.objects.update_or_create(
        resource_link=link, user=user, defaults={"subject": launch.subject, **urls}
    )
    return target


# --- Deep linking ---------------------------------------------------------------------------------

DEEP_LINK_SALT = "lti.deep-link"
DEEP_LINK_MAX_AGE = 3600  # an instructor may take an hour to choose


def deep_link_request(launch):
    """What the chooser form carries, signed, to build the answer after the choice."""
    settings = launch.claims[DEEP_LINKING_SETTINGS]
    return {
        "platform": launch.platform.pk,
        "deployment_id": launch.deployment_id,
        "return_url": settings["deep_link_return_url"],
        "data": settings.get("data"),
        "accept_multiple": settings.get("accept_multiple", True) is not False,
        "title": settings.get("title") or "",
    }


def offered_courses():
    """Courses an instructor may link: live and open to everyone (no Wagtail privacy)."""
    return CoursePage.objects.live().public().order_by("title")


def deep_linking_response(platform, request_data, courses):
    """The signed LtiDeepLinkingResponse JWT listing the chosen courses, each as an LTI resource
    link to our launch URL with its course_id and a line item (out of 100) for its grade."""
    items = [
        {
            "type": "ltiResourceLink",
            "title": course.title,
            "text": course.summary[:500] if getattr(course, "summary", "") else "",
            "url": absolute_url(reverse("lti:launch")),
            "custom": {"course_id": str(course.pk)},
            "lineItem": {
                "scoreMaximum": SCORE_MAXIMUM,
                "label": course.title,
                "resourceId": f"course-{course.pk}",
            },
        }
        for course in courses
    ]
    claims = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "nonce": secrets.token_urlsafe(16),
        LTI + "message_type": DEEP_LINKING_RESPONSE,
        LTI + "version": "1.3.0",
        LTI + "deployment_id": request_data["deployment_id"],
        CONTENT_ITEMS: items,
    }
    if request_data.get("data") is not None:
        claims[DEEP_LINKING_DATA] = request_data["data"]
    return jose.sign(claims)
