"""Names and Role Provisioning Services (NRPS 2.0): the platform's roster for the course a resource
link sits in, fetched on an administrator's request (*Settings → LTI resource links → Fetch the
platform's roster*) and shown beside who has launched the link here. Nothing of it is stored: the
platform stays the record of its people.

A launch that offers the service names its context_memberships_url (kept on the resource link).
The fetch gets an access token for the contextmembership.readonly scope (the same client
credentials as grades, lti/grades.py) and follows the answer's `Link: <...>; rel="next"` pages on
the same host.
"""

import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime

from lms.models import User

from .grades import PlatformError, platform_call
from .models import LtiResourceLink, LtiUserLink

NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MEMBERSHIPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIPS_CONTENT_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 100  # a runaway "next" chain stops here
NEXT_LINK = re.compile(r'<([^>]+)>\s*;[^,]*rel="?next"?', re.IGNORECASE)


def remember_roster_service(launch, link):
    """Keep the link's roster address when the launch offers the service (it may change)."""
    claim = launch.claims.get(NRPS_CLAIM)
    url = claim.get("context_memberships_url") if isinstance(claim, dict) else None
    if isinstance(url, str) and url and url != link.memberships_url:
        LtiResourceLink.objects.filter(pk=link.pk).update(memberships_url=url[:1000])
        link.memberships_url = url


@dataclass
class RosterMember:
    """One person on the platform's roster, and their account here if they have launched."""

    user_id: str
    name: str
    email: str
    roles: list
    status: str
    account: User | None
    last_launch_at: datetime | None


def role_name(role):
    """A role's short name: ...membership#Instructor is "Instructor"."""
    return re.split(r"[#/]", str(role))[-1]


def _same_host(url, base):
    one, other = urllib.parse.urlsplit(url), urllib.parse.urlsplit(base)
    return (one.scheme, one.netloc) == (other.scheme, other.netloc)


def _next_page(headers, base):
    """The next page's URL from a Link header, only on the roster's own host (our token goes there)."""
    match = NEXT_LINK.search(headers.get("Link", "") if headers else "")
    if not match:
        return None
    url = urllib.parse.urljoin(base, match.group(1))
    return url if _same_host(url, base) else None


def fetch_members(link):
    """Every member of the link's context on the platform (the raw NRPS member objects)."""
    if not link.memberships_url:
        raise PlatformError("roster: the platform's launches for this link offered no roster service")
    members, url = [], link.memberships_url
    for _ in range(MAX_PAGES):
        status, body, headers = platform_call(
            link.platform,
            MEMBERSHIPS_SCOPE,
            "roster",
            url,
            headers={"Accept": MEMBERSHIPS_CONTENT_TYPE},
            with_headers=True,
        )
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("members"), list):
            raise PlatformError(f"roster: HTTP {status}")
        members += [member for member in body["members"] if isinstance(member, dict)]
        url = _next_page(headers, link.memberships_url)
        if url is None:
            break
    return members


def fetch_roster(link):
    """The roster with who has launched here: RosterMember rows, launched ones first, then by name."""
    members = fetch_members(link)
    ids = [str(member.get("user_id", "")) for member in members]
    launched = {
        user_link.subject: user_link
        for user_link in LtiUserLink.objects.filter(platform=link.platform, subject__in=ids).select_related(
            "user"
        )
    }
    roster = []
    for member, user_id in zip(members, ids, strict=True):
        user_link = launched.get(user_id)
        roster.append(
            RosterMember(
                user_id=user_id,
                name=str(
                    member.get("name")
                    or " ".join(
                        str(part) for part in (member.get("given_name"), member.get("family_name")) if part
                    )
                ),
                email=str(member.get("email") or ""),
                roles=[role_name(role) for role in member.get("roles") or []],
                status=str(member.get("status") or "Active"),
                account=user_link.user if user_link else None,
                last_launch_at=user_link.last_launch_at if user_link else None,
            )
        )
    roster.sort(key=lambda row: (row.account is None, row.name.lower()))
    return roster
