from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class Organisation(ClusterableModel):
    """An agency or a council that learners belong to (*Organisations* in the admin, for
    administrators, with its verified email domains and its managers); assignments, reports and
    bulk certificate downloads use it. Learners join it by a verified email domain or a trainer's
    approval (MembershipRequest); they cannot create one or move themselves into one. A council's
    name and logo (edited on the same form) are printed on its councillors' certificates.

    Its `managers` see reports, learners and certificates of its members only, and assign courses
    to them (lms.scoping decides what each admin user sees)."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Government agency"
        COUNCIL = "council", "Local council"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A council's crest or logo, printed on its councillors' certificates. PNG or SVG.",
    )
    logo_alt = models.CharField(
        "logo description",
        max_length=200,
        blank=True,
        help_text="What the logo shows, for screen readers (the council's name when left empty).",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_organisations",
        help_text="Members who see this organisation's reports, learners and certificates and assign "
        "courses to its people (and nothing about other organisations).",
    )

    class Meta:
        ordering = ["name"]
        permissions = [
            ("view_all_learners", "See every organisation's learners, reports and certificates"),
        ]

    def __str__(self):
        return self.name


def validate_email_domain(value):
    if "@" in value or value.startswith(".") or "." not in value:
        raise ValidationError("Enter a domain such as finance.gov.au (no @, no leading dot).")
    DomainNameValidator(accept_idna=False, message="Enter a domain such as finance.gov.au.")(value)


class OrganisationDomain(models.Model):
    """An email domain an organisation has verified, for example `finance.gov.au`. A learner who
    confirms an address at exactly this domain (not a subdomain of it) joins the organisation
    without waiting for a trainer. Edited by administrators in the organisation's form under
    *Organisations* in the admin; a domain belongs to one organisation only."""

    organisation = ParentalKey(Organisation, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(
        max_length=253,
        unique=True,
        validators=[validate_email_domain],
        help_text="Addresses ending in @ this domain join the organisation once confirmed, "
        "for example finance.gov.au. Subdomains are not included: add each one.",
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = "verified email domain"

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = normalise_domain(self.domain)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.domain = normalise_domain(self.domain)


def normalise_domain(value):
    return (value or "").strip().lower().rstrip(".")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.TRAINER)
        extra_fields.setdefault("role_status", User.RoleStatus.CONFIRMED)  # not a claim
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A learner, trainer or administrator. Logs in with email; the full name is printed on
    certificates. Managed under *Settings > Users* (lms/admin_views.py); trainers are in the
    Trainers group."""

    class Role(models.TextChoices):
        PUBLIC_SERVANT = "public_servant", "Public servant"
        COUNCILLOR = "councillor", "Councillor"
        TRAINER = "trainer", "Trainer"
        OTHER = "other", "Other"

    class RoleStatus(models.TextChoices):
        CLAIMED = "claimed", "Claimed (not confirmed)"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Not confirmed by a trainer"

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(
        max_length=150,
        help_text="Your name exactly as it should print on a certificate.",
    )
    # The role is what the learner says they are; role_status says whether a trainer or an
    # administrator confirmed it (or a trainer's CSV import set it). Only a confirmed councillor
    # gets a councillor certificate.
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PUBLIC_SERVANT)
    role_status = models.CharField(
        "role confirmation", max_length=20, choices=RoleStatus.choices, default=RoleStatus.CLAIMED
    )
    role_reviewed_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    role_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_staff = models.BooleanField(
        "staff status",
        default=False,
        help_text="Can use Django's own admin. Wagtail admin access comes from groups.",
    )
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def claims_councillor(self):
        """The learner says they are a councillor (confirmed or not)."""
        return self.role == self.Role.COUNCILLOR

    @property
    def role_is_confirmed(self):
        return self.role_status == self.RoleStatus.CONFIRMED

    @property
    def is_councillor(self):
        """A councillor whose role a trainer or administrator confirmed (or a CSV import set):
        the only learners who get a councillor certificate."""
        return self.claims_councillor and self.role_is_confirmed


# The roles a learner may claim at sign-up; trainers are appointed by an administrator.
SELF_CHOSEN_ROLES = [User.Role.PUBLIC_SERVANT, User.Role.COUNCILLOR, User.Role.OTHER]


class MembershipRequest(models.Model):
    """A learner's request to join an organisation chosen from the list (at sign-up or later from
    *Your details*), waiting for a trainer. Trainers approve or reject it in the admin's
    *Account approvals* queue (lms/admin_views.py); approving sets the learner's organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="membership_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_membership_request"
            )
        ]
        permissions = [
            ("review_accounts", "Confirm learners' roles and approve organisation memberships"),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class IdentityProvider(models.Model):
    """An agency's OpenID Connect identity provider for single sign-on (Microsoft Entra ID, Okta,
    Google Workspace or any standard OIDC provider), mapped to one organisation. Edited by
    administrators under *Settings → Single sign-on* in the admin; lms/sso.py turns each enabled
    row into an allauth SocialApp. The provider's word that an email address is verified counts
    only for addresses at the organisation's verified domains."""

    name = models.CharField(
        max_length=100, help_text="What the login page's button says, for example “Department of Finance”."
    )
    slug = models.SlugField(
        "provider ID",
        max_length=60,
        unique=True,
        help_text="Part of the callback URL the provider must allow: "
        "/accounts/oidc/PROVIDER-ID/login/callback/ (your provider ID in place of PROVIDER-ID). "
        "Changing it later disconnects everyone who signed in through it.",
    )
    server_url = models.URLField(
        "issuer URL",
        help_text="The provider's issuer, where /.well-known/openid-configuration is found, for example "
        "https://login.microsoftonline.com/TENANT-ID/v2.0",
    )
    client_id = models.CharField("client ID", max_length=255)
    client_secret = models.CharField("client secret", max_length=512)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="identity_providers",
        help_text="People who sign in here join this organisation when their address is at one of "
        "its verified email domains; the provider is trusted to vouch for those addresses only.",
    )
    enabled = models.BooleanField(
        default=True, help_text="Show the provider on the login page and accept sign-ins through it."
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "identity provider"

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # allauth finds a provider by this ID among its own provider names and the providers set in
        # the environment: a clash would make sign-ins through either fail.
        taken = {"openid_connect", "saml"} | {
            app.get("provider_id")
            for config in settings.SOCIALACCOUNT_PROVIDERS.values()
            for app in config.get("APPS", [])
        }
        if self.slug in taken:
            raise ValidationError({"slug": "This provider ID is already in use. Choose another."})
