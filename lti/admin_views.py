"""The admin's LTI roster page (Names and Role Provisioning Services): for one resource link, the
platform's members of its course and whether each has launched it here. Administrators only, as
the other LTI screens (whoever may change resource links)."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lms.admin_utils import admin_context, require

from .grades import PlatformError
from .models import LtiResourceLink
from .roster import fetch_roster


def can_see_rosters(user):
    return user.has_perm("lti.change_ltiresourcelink")


@require_http_methods(["GET", "POST"])
def roster_view(request, pk):
    """GET: what the button does; POST (CSRF-checked): fetch the roster from the platform and show it."""
    require(can_see_rosters, request)
    link = get_object_or_404(LtiResourceLink.objects.select_related("platform", "course"), pk=pk)
    roster, error = None, ""
    if request.method == "POST":
        try:
            roster = fetch_roster(link)
        except PlatformError as failure:
            error = f"The platform did not give its roster: {failure}"
    context = admin_context(
        "The platform's roster",
        "group",
        parents=[(reverse("lti_resource_links:index"), "LTI resource links")],
        link=link,
        roster=roster,
        launched=sum(1 for member in roster or [] if member.account),
        error=error,
    )
    return TemplateResponse(request, "lti/admin/roster.html", context)
