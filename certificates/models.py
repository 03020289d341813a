import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse


def private_storage():
    return storages["private"]


def new_certificate_code():
    # 24 random bytes = 192 bits, URL-safe: unguessable and fine in a QR code.
    return secrets.token_urlsafe(24)


class Certificate(models.Model):
    """Proof that a learner completed a course. Name and title are copied at issue."""

    enrolment = models.ForeignKey(
        "courses.Enrolment", null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey(
        "courses.CoursePage", null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    code = models.CharField(max_length=64, unique=True, default=new_certificate_code, editable=False)
    learner_name = models.CharField(max_length=150)
    course_title = models.CharField(max_length=255)
    is_councillor = models.BooleanField(
        default=False, help_text="Issued to a councillor (printed as a councillor certificate)."
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    cycle = models.PositiveSmallIntegerField(default=1, help_text="Which completion of the course this is.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Set when the course needs renewal.")
    pdf = models.FileField(storage=private_storage, upload_to="certificates/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "cycle"], name="one_certificate_per_enrolment_cycle")
        ]

    def __str__(self):
        return f"{self.course_title} — {self.learner_name}"

    def is_expired(self, now=None):
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def get_verify_path(self):
        return reverse("certificates:verify", kwargs={"code": self.code})

    def get_verify_url(self):
        return settings.SITE_BASE_URL + self.get_verify_path()

    def get_download_path(self):
        return reverse("certificates:download", kwargs={"code": self.code})
