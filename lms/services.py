"""People and organisations: confirmed email addresses, confirmed roles and organisation
membership.

- An email address counts as verified when allauth's EmailAddress record for the user's (primary)
  address is verified: the learner followed the confirmation link, set their password from an
  emailed link, or an operator created the account from the command line (add_trainer).
- A role is a claim until a trainer or an administrator confirms it (or a trainer's CSV import
  sets it); only a confirmed councillor gets a councillor certificate.
- A learner joins an organisation by confirming an address at one of its verified email domains
  (exact match: `ballarat.vic.gov.au` does not cover `x.ballarat.vic.gov.au`), or by asking to
  join one from the list, which waits for a trainer (MembershipRequest). Learners never create an
  organisation nor move themselves into one.
"""

import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone

from .models import MembershipRequest, Organisation, OrganisationDomain, User, normalise_domain
from .permissions import forget_user

logger = logging.getLogger(__name__)

# --- email addresses ------------------------------------------------------------------------------


def email_is_verified(user):
    """Whether the user's own address (User.email, the primary one) is confirmed."""
    if user is None or not user.pk or not user.email:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def primary_email_address(user):
    """allauth's record of the user's own address, created (unverified) if it is missing, for
    example for an account made in the admin or by a CSV import."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress.objects.create(
            user=user,
            email=user.email.lower(),
            verified=False,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    return address


def mark_email_verified(user):
    """Record the user's own address as verified without sending anything (an operator vouches
    for it, as add_trainer does). Returns the EmailAddress."""
    address = primary_email_address(user)
    if not address.verified or not address.primary:
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])
    return address


# --- two-step sign-in -------------------------------------------------------------------------------


def reset_two_step(user):
    """Remove the person's authenticator app, security keys and recovery codes (they lost their
    phone and their codes): the password alone signs them in again, and if they can reach the
    admin it sends them to set up a new authenticator first. Returns how many were removed."""
    removed, _ = Authenticator.objects.filter(user=user).delete()
    if removed:
        logger.warning("Two-step sign-in reset for user %s (%d authenticators removed).", user.pk, removed)
    return removed


# --- roles ------------------------------------------------------------------------------------------


def pending_role_claims():
    """Active learners who say they are councillors and wait for a trainer to confirm it."""
    return User.objects.filter(
        is_active=True, role=User.Role.COUNCILLOR, role_status=User.RoleStatus.CLAIMED
    ).select_related("organisation")


def _review_role(user, status, by):
    user.role_status = status
    user.role_reviewed_by = by
    user.role_reviewed_at = timezone.now()
    user.save(update_fields=["role_status", "role_reviewed_by", "role_reviewed_at"])
    return user


def confirm_role(user, by):
    """A trainer or administrator confirms the role the learner claims."""
    return _review_role(user, User.RoleStatus.CONFIRMED, by)


def reject_role(user, by):
    """A trainer does not confirm the claim: the learner keeps the claim on record and gets the
    standard certificate."""
    return _review_role(user, User.RoleStatus.REJECTED, by)


def confirmed_role_fields(role, by=None):
    """User fields for a role set by a trusted person (an administrator in the user admin, a
    trainer's CSV import): confirmed at once."""
    return {
        "role": role,
        "role_status": User.RoleStatus.CONFIRMED,
        "role_reviewed_by": by,
        "role_reviewed_at": timezone.now(),
    }


def set_confirmed_role(user, role, by=None):
    for name, value in confirmed_role_fields(role, by).items():
        setattr(user, name, value)
    user.save(update_fields=["role", "role_status", "role_reviewed_by", "role_reviewed_at"])
    return user


# --- organisations ----------------------------------------------------------------------------------


def email_domain(email):
    return normalise_domain((email or "").rpartition("@")[2])


def organisation_for_email(email):
    """The organisation that verified the address's domain (exact match), or None."""
    domain = email_domain(email)
    if not domain:
        return None
    match = OrganisationDomain.objects.select_related("organisation").filter(domain=domain).first()
    return match.organisation if match else None


def email_at_organisation_domain(email, organisation):
    """Whether the address is at exactly one of the organisation's verified email domains: the only
    addresses an identity provider mapped to that organisation may vouch for (lms/sso.py)."""
    domain = email_domain(email)
    if organisation is None or not domain:
        return False
    return OrganisationDomain.objects.filter(organisation=organisation, domain=domain).exists()


def pending_membership(user):
    return (
        MembershipRequest.objects.filter(user=user, status=MembershipRequest.Status.PENDING)
        .select_related("organisation")
        .first()
    )


def pending_membership_requests():
    return MembershipRequest.objects.filter(
        status=MembershipRequest.Status.PENDING, user__is_active=True
    ).select_related("user", "user__organisation", "organisation")


def _close_pending(user, status, by=None):
    return MembershipRequest.objects.filter(user=user, status=MembershipRequest.Status.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now()
    )


def request_membership(user, organisation):
    """The learner asks to join an organisation from the list: pending until a trainer approves.
    A new request replaces an earlier pending one. Returns the request, or None when the learner
    already belongs to that organisation."""
    if not isinstance(organisation, Organisation):
        raise TypeError("request_membership needs an existing Organisation")
    with transaction.atomic():
        if user.organisation_id == organisation.pk:
            _close_pending(user, MembershipRequest.Status.WITHDRAWN)
            return None
        _close_pending(user, MembershipRequest.Status.WITHDRAWN)
        return MembershipRequest.objects.create(user=user, organisation=organisation)


def _decide(membership_request, status, by):
    """Decide a pending request once (a second decision, or one made concurrently, is a no-op).
    Returns True if this call decided it."""
    with transaction.atomic():
        decided = MembershipRequest.objects.filter(
            pk=membership_request.pk, status=MembershipRequest.Status.PENDING
        ).update(status=status, decided_by=by, decided_at=timezone.now())
        if decided and status == MembershipRequest.Status.APPROVED:
            User.objects.filter(pk=membership_request.user_id).update(
                organisation=membership_request.organisation_id
            )
            forget_user(membership_request.user_id)  # an update: no signal tells the kept row
    membership_request.refresh_from_db()
    return bool(decided)


def approve_membership(membership_request, by):
    return _decide(membership_request, MembershipRequest.Status.APPROVED, by)


def reject_membership(membership_request, by):
    return _decide(membership_request, MembershipRequest.Status.REJECTED, by)


def join_by_verified_domain(user):
    """Put a learner whose confirmed address is at an organisation's verified domain into it.

    A learner without an organisation joins at once (any pending request is withdrawn); one who
    already belongs elsewhere gets a pending request for a trainer instead, since moving people
    between organisations is a trainer's call. Returns the organisation joined, or None."""
    organisation = organisation_for_email(user.email)
    if organisation is None or user.organisation_id == organisation.pk or not email_is_verified(user):
        return None
    if user.organisation_id is not None:
        request_membership(user, organisation)
        return None
    with transaction.atomic():
        _close_pending(user, MembershipRequest.Status.WITHDRAWN)
        user.organisation = organisation
        user.save(update_fields=["organisation"])
    return organisation


def place_new_member(user, requested=None):
    """Where a new account belongs: the organisation of its email domain (joined now if the
    address is already confirmed, as with single sign-on, otherwise once it is confirmed), or a
    pending request for the organisation the learner picked from the list."""
    if user.organisation_id is not None:
        return
    if organisation_for_email(user.email) is not None:
        join_by_verified_domain(user)
    elif requested is not None:
        request_membership(user, requested)
