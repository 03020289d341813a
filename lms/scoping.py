"""Which learners an admin user may see: the one scoping rule every report, learner record,
certificate listing and assignment form in the admin goes through.

- Holders of `lms.view_all_learners` (the Trainers group, lms/0008; superusers implicitly) see
  every learner and organisation.
- An organisation manager (Organisation.managers, in the "Organisation managers" group) sees the
  members of the organisation(s) they manage, and nothing else.
- Anyone else sees no one.

Views look objects up through these querysets, so an object outside the user's scope answers 404,
exactly as a missing one does.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import Http404

from .models import Organisation, User

VIEW_ALL_PERMISSION = "lms.view_all_learners"
MANAGERS_GROUP = "Organisation managers"


def sees_all_learners(user):
    return bool(user and user.is_active and user.has_perm(VIEW_ALL_PERMISSION))


def managed_organisation_ids(user):
    """Ids of the organisations this user manages (cached on the user object for the request)."""
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_managed_organisation_ids", None)
    if cached is None:
        cached = frozenset(user.managed_organisations.values_list("pk", flat=True))
        user._managed_organisation_ids = cached
    return cached


def is_organisation_manager(user):
    return bool(managed_organisation_ids(user))


def can_see_learners(user):
    """Whether the user may open learner reports at all (everyone's, or their organisations')."""
    return sees_all_learners(user) or is_organisation_manager(user)


def may_see_learner(user, learner):
    """Whether the admin user may see this learner (no query once the user's organisations are known)."""
    return sees_all_learners(user) or (
        learner.organisation_id is not None and learner.organisation_id in managed_organisation_ids(user)
    )


def visible_organisations(user):
    organisations = Organisation.objects.order_by("name")
    if sees_all_learners(user):
        return organisations
    return organisations.filter(pk__in=managed_organisation_ids(user))


def scope_queryset(queryset, user, user_path="user"):
    """`queryset` narrowed to rows whose learner (reached through `user_path`, for example
    "enrolment__user"; "" for a User queryset) the admin user may see."""
    if sees_all_learners(user):
        return queryset
    organisation_field = f"{user_path}__organisation_id__in" if user_path else "organisation_id__in"
    ids = managed_organisation_ids(user)
    if not ids:
        return queryset.none()
    return queryset.filter(**{organisation_field: ids})


def visible_learners(user, queryset=None):
    """Users the admin user may see (active or not), as a queryset."""
    return scope_queryset(User.objects.all() if queryset is None else queryset, user, user_path="")


def learner_or_404(user, learner_id):
    """The learner, if the admin user may see them; otherwise 404, as for a missing one."""
    learner = visible_learners(user).select_related("organisation").filter(pk=learner_id).first()
    if learner is None:
        raise Http404("No such learner.")
    return learner


def organisation_or_404(user, organisation_id):
    organisation = visible_organisations(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def set_organisation_managers(organisation, users):
    """Make exactly `users` the organisation's managers, and keep the "Organisation managers"
    group (admin access, assigning courses) to people who manage at least one organisation."""
    users = list(users)
    with transaction.atomic():
        organisation.managers.set(users)
        group, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
        group.user_set.add(*users)
        group.user_set.remove(*group.user_set.filter(managed_organisations__isnull=True))
    for user in users:
        user.__dict__.pop("_managed_organisation_ids", None)
