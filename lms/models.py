from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Organisation(models.Model):
    """An agency or a council that learners belong to (*Organisations* in the admin, for
    administrators); assignments, reports and bulk certificate downloads use it."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Government agency"
        COUNCIL = "council", "Local council"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AGENCY)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(
        max_length=150,
        help_text="Your name exactly as it should print on a certificate.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PUBLIC_SERVANT)
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
    def is_councillor(self):
        return self.role == self.Role.COUNCILLOR
