"""API tokens: who may read an organisation's learning records through /api/v1/."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from lms.models import Organisation


class ApiToken(models.Model):
    """A token an agency's HR or reporting system sends (`Authorization: Bearer ...`) to read its
    own organisation's completions, certificates or progress (*Settings > API tokens*, for
    administrators). The secret is shown once when the token is created; only its SHA-256 digest is
    kept. Each token has scopes, an optional expiry, and can be revoked; its requests are rate
    limited (API_RATE_LIMIT_PER_MINUTE)."""

    class Scope(models.TextChoices):
        COMPLETIONS = "completions", "Completions"
        CERTIFICATES = "certificates", "Certificates"
        PROGRESS = "progress", "Progress"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120, help_text="Which system uses it, for example “HR system”.")
    scopes = models.JSONField(default=list, help_text="What the token may read.")
    prefix = models.CharField(max_length=16, editable=False, help_text="The secret's first characters.")
    secret_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty for no expiry.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.organisation.name}, {self.prefix}…)"

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def status(self):
        if self.revoked_at:
            return "Revoked"
        return "Active" if self.is_usable() else "Expired"

    def has_scope(self, scope):
        return scope in self.scopes
