"""The lms app's Wagtail admin views.

- The user admin (Settings > Users), adapted to our User: full name, role and organisation, no
  first or last name. A role an administrator sets there counts as confirmed.
- Account approvals (/admin/account-approvals/, namespace "account_approvals"): the queue of
  councillor roles to confirm and organisation memberships to approve, for holders of
  `lms.review_accounts` (the Trainers group, lms/0006; superusers implicitly). Others get 403.

Registered in lms/wagtail_hooks.py.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from wagtail.admin.widgets.button import Button
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import CreateView as WagtailUserCreateView
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import IndexView as WagtailUserIndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from . import services
from .admin_utils import admin_context, learner_record_url, require
from .models import MembershipRequest, User
from .scoping import may_see_learner

LMS_FIELDS = ["full_name", "role", "organisation"]


class LmsUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields - {"first_name", "last_name"} | set(LMS_FIELDS)


class LmsUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields - {"first_name", "last_name"} | set(LMS_FIELDS)


class UserIndexView(WagtailUserIndexView):
    """Search by email or full name; sort the Name column by full name (Wagtail's own view sorts
    and searches by first and last name, which our User does not have)."""

    search_fields = ["email", "full_name"]

    @cached_property
    def columns(self):
        columns = super().columns
        for column in columns:
            if column.name == "name":
                column.sort_key = "name"
        return columns

    def order_queryset(self, queryset):
        if self.ordering in ("name", "-name"):
            descending = "-" if self.ordering.startswith("-") else ""
            return queryset.order_by(f"{descending}full_name", f"{descending}email")
        return super().order_queryset(queryset)


class ConfirmRoleOnSaveMixin:
    """A role an administrator sets (on a new user, or changed on an existing one) is confirmed;
    a changed organisation settles any pending request to join one."""

    def save_instance(self):
        changed = set(self.form.changed_data)
        is_new = self.form.instance.pk is None
        instance = super().save_instance()
        if is_new or "role" in changed:
            services.set_confirmed_role(instance, instance.role, by=self.request.user)
        if "organisation" in changed:
            MembershipRequest.objects.filter(user=instance, status=MembershipRequest.Status.PENDING).update(
                status=MembershipRequest.Status.WITHDRAWN
            )
        return instance


class UserCreateView(ConfirmRoleOnSaveMixin, WagtailUserCreateView):
    pass


class UserEditView(ConfirmRoleOnSaveMixin, WagtailUserEditView):
    @cached_property
    def header_more_buttons(self):
        """Adds "Learner record" (the reports app's page of everything this person did), for those
        who may see this learner."""
        buttons = list(super().header_more_buttons)
        url = learner_record_url(self.object.pk)
        if url and may_see_learner(self.request.user, self.object):
            buttons.append(Button("Learner record", url=url, icon_name="table", priority=5))
        return buttons


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    edit_view_class = UserEditView

    def get_form_class(self, for_update=False):
        return LmsUserEditForm if for_update else LmsUserCreationForm


# --- Account approvals: councillor roles and organisation memberships ------------------------------

REVIEW_PERMISSION = "lms.review_accounts"
QUEUE_PER_PAGE = 50


def can_review_accounts(user):
    return user.has_perm(REVIEW_PERMISSION)


def queue_view(request):
    require(can_review_accounts, request)
    claims = Paginator(services.pending_role_claims().order_by("date_joined", "pk"), QUEUE_PER_PAGE)
    memberships = Paginator(services.pending_membership_requests(), QUEUE_PER_PAGE)
    context = admin_context(
        "Account approvals",
        "user",
        claims=claims.get_page(request.GET.get("claims")),
        memberships=memberships.get_page(request.GET.get("memberships")),
    )
    return TemplateResponse(request, "lms/admin/account_approvals.html", context)


@require_POST
def decide_role_view(request, user_id):
    require(can_review_accounts, request)
    learner = get_object_or_404(User, pk=user_id, is_active=True)
    decision = request.POST.get("decision")
    if learner.role_status != User.RoleStatus.CLAIMED:
        messages.warning(request, f"{learner.full_name}'s role was already reviewed.")
    elif decision == "confirm":
        services.confirm_role(learner, request.user)
        messages.success(request, f"Confirmed {learner.full_name} as a {learner.get_role_display().lower()}.")
    elif decision == "reject":
        services.reject_role(learner, request.user)
        messages.success(
            request, f"Did not confirm {learner.full_name}'s role: their certificates are standard."
        )
    return redirect("account_approvals:index")


@require_POST
def decide_membership_view(request, request_id):
    require(can_review_accounts, request)
    membership = get_object_or_404(
        MembershipRequest.objects.select_related("user", "organisation"), pk=request_id
    )
    decision = request.POST.get("decision")
    learner, organisation = membership.user.full_name, membership.organisation.name
    if decision == "approve" and services.approve_membership(membership, request.user):
        messages.success(request, f"{learner} is now a member of {organisation}.")
    elif decision == "reject" and services.reject_membership(membership, request.user):
        messages.success(request, f"Rejected {learner}'s request to join {organisation}.")
    elif decision in ("approve", "reject"):
        messages.warning(request, f"{learner}'s request to join {organisation} was already decided.")
    return redirect("account_approvals:index")


approval_urlpatterns = [
    path("", queue_view, name="index"),
    path("roles/<int:user_id>/", decide_role_view, name="decide_role"),
    path("memberships/<int:request_id>/", decide_membership_view, name="decide_membership"),
]
