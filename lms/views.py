"""The learner's own details, and the doors that lead to allauth's login: the Wagtail admin's and
Wagtail's front-end login pages, and invitation links sent before allauth."""

from allauth.account import views as allauth_views
from allauth.core.ratelimit import consume_or_429
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base import views as mfa_views
from allauth.mfa.webauthn import views as webauthn_views
from allauth.socialaccount import views as socialaccount_views
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator as legacy_token_generator
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods

from . import mfa, services, sso
from .accounts import password_setup_path
from .forms import OrganisationRequestForm, ProfileForm


class LoginView(allauth_views.LoginView):
    """allauth's login page, with a button for each organisation's single sign-on."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_buttons": sso.login_buttons(self.request)}


login = LoginView.as_view()


class ConnectionsView(socialaccount_views.ConnectionsView):
    """allauth's *Sign-ins with your organisation*: the providers connected to your account (to
    disconnect one) and a button to connect each other provider."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        connected = [
            {"pk": account.pk, "provider": account.get_provider().name, "uid": account.get_provider_account()}
            for account in context["form"].accounts
        ]
        return {**context, "connected": connected, "sso_buttons": sso.login_buttons(self.request)}


connections = login_required(ConnectionsView.as_view())


class TwoStepView(mfa_views.IndexView):
    """allauth's two-step sign-in overview (/accounts/2fa/), which also says whether the address is
    confirmed: allauth lets only a confirmed account add an authenticator."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "email_verified": services.email_is_verified(self.request.user)}


two_step = login_required(TwoStepView.as_view())


class RemoveSecurityKeyView(webauthn_views.RemoveWebAuthnView):
    """allauth's "remove a security key", refusing the last authenticator of someone who can reach
    the admin (as allauth does itself for the authenticator app, through the adapter)."""

    def form_valid(self, form):
        adapter = get_mfa_adapter()
        if not adapter.can_delete_authenticator(self.get_object()):
            messages.error(self.request, adapter.error_messages["cannot_delete_authenticator"])
            return redirect("mfa_list_webauthn")
        return super().form_valid(form)


remove_security_key = login_required(RemoveSecurityKeyView.as_view())


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    """See and correct your details (APP 13: correction); ask to join another organisation.

    The details form holds the name only: a posted role or organisation is ignored."""
    user = request.user
    form = ProfileForm(instance=user)
    organisation_form = OrganisationRequestForm(user=user)
    if request.method == "POST" and "request_organisation" in request.POST:
        organisation_form = OrganisationRequestForm(request.POST, user=user)
        if organisation_form.is_valid():
            organisation = organisation_form.cleaned_data["organisation"]
            services.request_membership(user, organisation)
            messages.success(request, f"Your request to join {organisation} is waiting for a trainer.")
            return redirect("profile")
    elif request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your details are saved.")
            return redirect("profile")
    return render(
        request,
        "lms/profile.html",
        {
            "form": form,
            "organisation_form": organisation_form,
            "pending_membership": services.pending_membership(user),
            "email_verified": services.email_is_verified(user),
            "two_step_on": mfa.has_second_step(user),
        },
    )


def _safe_next(request):
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def login_elsewhere(request):
    """The Wagtail admin's login page (/admin/login/) and Wagtail's front-end login page: never a
    login form of their own, so allauth's rate limits cover every way in. A POST logs nobody in."""
    return redirect_to_login(_safe_next(request) or reverse("wagtailadmin_home"), login_url="account_login")


def legacy_password_link(request, uidb64, token):
    """An invitation or reset link sent before accounts moved to allauth
    (/accounts/password-reset/<uidb64>/<token>/): still valid for its lifetime, it now leads to
    allauth's "choose a password" page for the same account. Rate limited like that page."""
    limited = consume_or_429(request, action="reset_password_from_key")
    if limited:
        return limited
    user_model = get_user_model()
    try:
        user = user_model.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, user_model.DoesNotExist):
        user = None
    if user is None or not user.is_active or not legacy_token_generator.check_token(user, token):
        messages.error(request, "This link has expired or has already been used. Ask for a new one below.")
        return redirect("account_reset_password")
    return redirect(password_setup_path(user))


def not_found(request, **kwargs):
    """404 for paths that must never be served as plain files (documents under MEDIA_ROOT)."""
    raise Http404("No such file.")


@require_http_methods(["GET", "HEAD"])
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever a page links to: the site's
    icon among the static files (its hashed name in production, so a redirect, kept a day)."""
    response = redirect(static("lms/favicon.ico"))
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    return response
