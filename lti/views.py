"""LTI 1.3 endpoints: the OIDC login initiation, the launch, our public keys, and the deep linking
chooser. The platform posts to /lti/login and /lti/launch from its own site, so they cannot carry
our CSRF token: the state cookie and the nonce (lti/launch.py) protect them instead. The chooser's
own form is an ordinary CSRF-protected POST."""

import urllib.parse

from django.conf import settings
from django.contrib.auth import login
from django.core import signing
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.access import AccessRefused, open_course_item
from courses.services import enrol

from . import jose, roster, services
from .forms import DeepLinkForm
from .launch import (
    DEEP_LINKING_REQUEST,
    STATE_MAX_AGE,
    LaunchError,
    begin_login,
    state_cookie_name,
    verify_launch,
)
from .models import LtiPlatform


def error_page(request, error):
    return render(request, "lti/error.html", {"message": error.message}, status=error.status)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login_initiation(request):
    params = request.POST if request.method == "POST" else request.GET
    try:
        url, state, cookie = begin_login(params)
    except LaunchError as error:
        return error_page(request, error)
    response = HttpResponseRedirect(url)
    # SameSite=None (so the platform's cross-site POST of the launch carries it) needs Secure.
    # Browsers keep Secure cookies from http://localhost and http://127.0.0.1 too; elsewhere the
    # site must be served over https (it always is in production).
    response.set_cookie(
        state_cookie_name(state),
        cookie,
        max_age=STATE_MAX_AGE,
        path="/lti/",
        secure=True,
        httponly=True,
        samesite="None",
    )
    return response


@csrf_exempt
@never_cache
@require_POST
def launch(request):
    try:
        checked = verify_launch(request)
        if checked.message_type == DEEP_LINKING_REQUEST:
            response = deep_link_chooser(request, checked)
        else:
            response = resource_link_launch(request, checked)
    except LaunchError as error:
        response = error_page(request, error)
    state = request.POST.get("state", "")
    if state and state_cookie_name(state) in request.COOKIES:
        response.delete_cookie(state_cookie_name(state), path="/lti/", samesite="None")
    return response


def resource_link_launch(request, checked):
    """Sign the learner in, enrol them in the link's course, remember where their grade goes, and
    open the course."""
    link = services.resource_link_for_launch(checked)
    user = services.learner_for_launch(checked)
    # The site's own account backend (first in the list): a session names its backend, and one not
    # in AUTHENTICATION_BACKENDS is not signed in at all.
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    try:
        open_course_item(request, link.course, enrolled=False)  # the course's Wagtail privacy
    except AccessRefused as refusal:
        raise LaunchError(
            "This course is not open to you. Ask your learning system's administrator.", 403
        ) from refusal
    enrol(user, link.course)
    services.remember_grade_target(checked, link, user)
    roster.remember_roster_service(checked, link)
    return HttpResponseRedirect(link.course.url)


def deep_link_chooser(request, checked):
    """The instructor picks the courses to link (nobody is signed in here for it)."""
    data = services.deep_link_request(checked)
    form = DeepLinkForm(
        initial={"request": signing.dumps(data, salt=services.DEEP_LINK_SALT)},
        courses=services.offered_courses(),
        accept_multiple=data["accept_multiple"],
    )
    return render(request, "lti/deep_link.html", {"platform": checked.platform, "form": form})


@never_cache
@require_POST
def deep_link_return(request):
    """Answer the platform with the chosen courses: a signed LtiDeepLinkingResponse, posted by the
    browser to the platform's return URL (a form that sends itself; a button without JavaScript)."""
    try:
        data = signing.loads(
            request.POST.get("request", ""), salt=services.DEEP_LINK_SALT, max_age=services.DEEP_LINK_MAX_AGE
        )
    except signing.BadSignature:
        return error_page(
            request, LaunchError("This choice has expired. Start again from your learning system.")
        )
    platform = LtiPlatform.objects.filter(pk=data["platform"], enabled=True).first()
    if platform is None:
        return error_page(
            request, LaunchError("This learning system is not registered with GovSocial Academy.", 403)
        )
    form = DeepLinkForm(
        request.POST, courses=services.offered_courses(), accept_multiple=data["accept_multiple"]
    )
    if not form.is_valid():
        return render(request, "lti/deep_link.html", {"platform": platform, "form": form}, status=400)
    courses = list(form.cleaned_data["courses"])
    token = services.deep_linking_response(platform, data, courses)
    response = render(
        request, "lti/autopost.html", {"action": data["return_url"], "jwt": token, "courses": courses}
    )
    # The page's form posts to the platform: allow its origin in form-action for this response.
    parts = urllib.parse.urlsplit(data["return_url"])
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


@require_GET
def jwks(request):
    """This tool's public keys, for platforms to verify what we sign."""
    response = JsonResponse(jose.tool_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
