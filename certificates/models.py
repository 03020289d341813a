import hashlib
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from courses.caching import forget_learner_progress
from lms.site_url import absolute_url
from lms.storage import private_storage

# A certificate number: URL-safe base64 (letters, digits, - and _), 32 characters when issued here.
# Letters are case-sensitive: a number is never folded to one case.
CODE_PATTERN = r"[A-Za-z0-9_-]{1,64}"
_CODE_RE = re.compile(CODE_PATTERN)
# What copying from a PDF or an email can put inside a number: spaces, line breaks, soft hyphens,
# zero-width spaces and joiners.
_CODE_NOISE_RE = re.compile(r"[\s\u00ad\u200b\u200c\u200d\u2060\ufeff]+")
_VERIFY_LINK_RE = re.compile(r"/certificates/verify/([^/?#.\s]+)")


def parse_certificate_code(text):
    """The certificate number in what someone typed or pasted, or None if it cannot be one.

    Spaces, line breaks and invisible characters are dropped (a number copied from a PDF may be
    broken over two lines), and a pasted verification link gives its number. Case is kept: it is
    part of the number."""
    text = _CODE_NOISE_RE.sub("", text or "")
    if link := _VERIFY_LINK_RE.search(text):
        text = link.group(1)
    return text if _CODE_RE.fullmatch(text) else None


def new_certificate_code():
    # 24 random bytes = 192 bits, URL-safe: unguessable and fine in a QR code.
    return secrets.token_urlsafe(24)


def new_identity_salt():
    """The salt of one certificate's hashed recipient identity (Open Badges identityHash)."""
    return secrets.token_hex(16)


# --- Templates: the wording and look of a certificate ---------------------------------------------

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb, for example #00305a.")

# {name} and {course} stand on lines of their own (printed large); the others may sit in a sentence.
PLACEHOLDERS = {
    "name": "the learner's name",
    "course": "the course title",
    "date": "the date of issue",
    "cpd_hours": "the CPD hours (empty when the course has none)",
}
BLOCK_PLACEHOLDERS = ("name", "course")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


class CertificateTemplate(models.Model):
    """The wording, logo, signatory and colours printed on certificates of one kind (standard or
    councillor); *Certificates > Templates* in the admin, with a live PDF preview. One default
    per kind is used for new certificates."""

    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard"
        COUNCILLOR = "councillor", "Councillor (for elected members)"

    name = models.CharField(max_length=100, help_text="For trainers; not printed.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    heading = models.CharField(
        max_length=120, default="Certificate of completion", help_text="The large heading."
    )
    body = models.TextField(
        default="This certifies that\n{name}\nhas completed the course\n{course}",
        help_text="The wording under the heading. Placeholders: {name} and {course} (each required, "
        "printed large), {date} and {cpd_hours}. Each line is a paragraph.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Printed at the top. PNG or SVG with a transparent background works best.",
    )
    logo_alt = models.CharField(
        "logo description",
        max_length=200,
        blank=True,
        help_text="What the logo says, for screen readers (for example the agency).",
    )
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_title = models.CharField(
        max_length=150, blank=True, help_text="For example Director, Training."
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An image of the signature, printed above the signatory's name.",
    )
    primary_colour = models.CharField(
        max_length=7, default="#00305a", validators=[colour_validator], help_text="Frame and headings."
    )
    accent_colour = models.CharField(
        max_length=7, default="#a8812a", validators=[colour_validator], help_text="Rules and inner frame."
    )
    is_default = models.BooleanField(
        "default for its kind",
        default=False,
        help_text="Use this template for new certificates of its kind (one per kind).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_default=True), name="one_default_template_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()}{', default' if self.is_default else ''})"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.is_default:
                # One default per kind: this one replaces the previous default.
                CertificateTemplate.objects.filter(kind=self.kind, is_default=True).exclude(
                    pk=self.pk
                ).update(is_default=False)
            super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        found = PLACEHOLDER_RE.findall(self.body or "")
        unknown = sorted({p for p in found if p not in PLACEHOLDERS})
        if unknown:
            allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ValidationError(
                {"body": f"Unknown placeholder {', '.join('{' + u + '}' for u in unknown)}. Use {allowed}."}
            )
        for placeholder in BLOCK_PLACEHOLDERS:
            count = found.count(placeholder)
            if count != 1:
                raise ValidationError({"body": f"Use {{{placeholder}}} exactly once (found {count})."})

    @classmethod
    def default_for(cls, kind):
        """The default template of a kind, the newest of its kind, or an unsaved built-in one."""
        template = cls.objects.filter(kind=kind).order_by("-is_default", "-updated_at").first()
        return template or cls.builtin(kind)

    @classmethod
    def builtin(cls, kind):
        """The house design for a kind (what the data migration creates), unsaved."""
        template = cls(
            name=f"{cls.Kind(kind).label} (built in)",
            kind=kind,
            is_default=True,
            signatory_name=SIGNATORY_NAME,
            signatory_title=SIGNATORY_TITLE,
        )
        if kind == cls.Kind.COUNCILLOR:
            template.heading = COUNCILLOR_HEADING
            template.body = COUNCILLOR_BODY
        return template

    def body_parts(self, values):
        """The body as paragraphs: [(kind, text)], kind "name", "course" or "text" (placeholders filled)."""
        parts = []
        for line in (self.body or "").splitlines():
            for piece in re.split(r"(\{name\}|\{course\})", line):
                if piece in ("{name}", "{course}"):
                    parts.append((piece[1:-1], values[piece[1:-1]]))
                    continue
                text = PLACEHOLDER_RE.sub(lambda m: str(values.get(m.group(1), m.group(0))), piece)
                text = " ".join(text.split())
                if text:
                    parts.append(("text", text))
        return parts


COUNCILLOR_HEADING = "Councillor certificate of completion"
# The signatory the shipped templates print until an administrator names a person.
SIGNATORY_NAME = "Registrar"
SIGNATORY_TITLE = "GovSocial Academy"
COUNCILLOR_BODY = (
    "This certifies that\n{name}\nan elected member of local government, has completed the course\n{course}"
)


# --- Open Badges: the revocation status list ------------------------------------------------------

# Bits in one Bitstring Status List: the 16 KB minimum the W3C specification sets, so that fetching a
# list says nothing about which of its (many) certificates a verifier is checking.
STATUS_LIST_SIZE = 131_072
# A list takes new certificates until it is half full, so a random free entry is found in about
# two tries at worst; the next list starts then.
STATUS_LIST_FILL = STATUS_LIST_SIZE // 2


def random_status_list_index():
    return secrets.randbelow(STATUS_LIST_SIZE)


def current_status_list():
    """The number (from 1) of the status list new certificates get an entry in."""
    latest = Certificate.objects.aggregate(latest=Max("status_list"))["latest"] or 1
    if Certificate.objects.filter(status_list=latest).count() >= STATUS_LIST_FILL:
        latest += 1
    return latest


def give_status_list_entries(certificates, chooser=secrets.SystemRandom()):  # noqa: B008 - one shared chooser
    """Give unsaved certificates made for bulk_create (which skips save()) distinct random entries:
    the free ones of the current list, then of the next lists. For one process loading data (for
    example reports' generate_load_data), not for concurrent issues: those go through save()."""
    waiting = [certificate for certificate in certificates if certificate.status_list_index is None]
    number = current_status_list()
    while waiting:
        taken = set(
            Certificate.objects.filter(status_list=number).values_list("status_list_index", flat=True)
        )
        room = max(STATUS_LIST_FILL - len(taken), 0)
        batch, waiting = waiting[:room], waiting[room:]
        free = [index for index in range(STATUS_LIST_SIZE) if index not in taken]
        for certificate, index in zip(batch, chooser.sample(free, len(batch)), strict=True):
            certificate.status_list, certificate.status_list_index = number, index
        number += 1


# --- Certificates -----------------------------------------------------------------------------------


class CertificateQuerySet(models.QuerySet):
    """Updates in bulk (render status, emailing, revocation, reissue) tell the learners' kept
    pages: My learning keeps each learner's certificates under their progress stamp
    (dashboard.services.kept_lists), as saves and deletions do through signals (apps.py)."""

    def update(self, **kwargs):
        learners = set(self.values_list("user_id", flat=True))
        updated = super().update(**kwargs)
        for user_id in learners:
            forget_learner_progress(user_id)
        return updated


def forget_learners_certificates(sender, instance, **kwargs):
    """For Certificate's post_save and post_delete signals: see CertificateQuerySet."""
    forget_learner_progress(instance.user_id)


class Certificate(models.Model):
    """Proof that a learner completed a course: one per enrolment cycle, issued when courses sends
    course_completed. Name, title, CPD hours and expiry are copied at issue; the PDF is rendered
    in the background and stored privately; anyone can verify it by its code. Trainers list,
    revoke, reissue and download them under *Certificates > Issued certificates*."""

    class RenderStatus(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

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
    organisation = models.ForeignKey(
        "lms.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A councillor's council, whose logo the certificate prints.",
    )
    base_url = models.CharField(
        "site address",
        max_length=200,
        blank=True,
        editable=False,
        help_text="The site's address when the certificate was issued or last rendered, for the links "
        "its PDF and email print (lms/site_url.py; empty: the site's address now).",
    )
    organisation_name = models.CharField(
        "council", max_length=200, blank=True, help_text="The council's name when issued (councillors)."
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    cycle = models.PositiveSmallIntegerField(default=1, help_text="Which completion of the course this is.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Set when the course needs renewal.")
    cpd_hours = models.DecimalField(
        max_digits=5, decimal_places=1, default=0, help_text="CPD hours of the course when issued (0 = none)."
    )
    template = models.ForeignKey(
        CertificateTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        help_text="The design it was issued with (the default of its kind when empty).",
    )
    pdf = models.FileField(storage=private_storage, upload_to="certificates/%Y/%m/", blank=True)
    identity_salt = models.CharField(
        max_length=64,
        default=new_identity_salt,
        editable=False,
        help_text="Salt of the hashed recipient identity in its Open Badges credential.",
    )
    # Its entry in a Bitstring Status List (certificates/status_list.py): the bit at
    # status_list_index of list status_list is 1 while the certificate is revoked.
    status_list = models.PositiveIntegerField(
        null=True, editable=False, help_text="The revocation status list its credential points to."
    )
    status_list_index = models.PositiveIntegerField(
        null=True, editable=False, help_text="Its bit in that status list (chosen at random)."
    )

    # Rendering happens in a background task (services.render_certificate_task). Each request to
    # render bumps render_generation; a render stores its PDF only if its generation is still the
    # current one.
    render_status = models.CharField(
        max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING, db_index=True
    )
    render_generation = models.PositiveIntegerField(default=0)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_error = models.CharField(max_length=300, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the PDF was emailed to the learner."
    )

    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "cycle"], name="one_certificate_per_enrolment_cycle"
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_list_index"], name="one_certificate_per_status_list_entry"
            ),
        ]
        permissions = [
            ("manage_certificates", "Can revoke, reissue and download issued certificates in bulk"),
        ]

    def __str__(self):
        return f"{self.course_title} — {self.learner_name}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.status_list_index is None:
            return self._insert_with_status_list_entry(*args, **kwargs)
        return super().save(*args, **kwargs)

    def _insert_with_status_list_entry(self, *args, **kwargs):
        """Insert with a random free entry of the current status list. Random rather than sequential,
        so an index tells nothing about when or to whom it was issued (the specification's advice);
        the unique constraint decides between concurrent issues and the loser tries another index."""
        self.status_list = current_status_list()
        for _attempt in range(64):
            self.status_list_index = random_status_list_index()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                entry_taken = Certificate.objects.filter(
                    status_list=self.status_list, status_list_index=self.status_list_index
                ).exists()
                if not entry_taken:
                    raise  # another constraint (one certificate per enrolment cycle)
        raise IntegrityError("No free status list entry found.")

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_ready(self):
        return self.render_status == self.RenderStatus.READY and bool(self.pdf)

    @property
    def has_cpd_hours(self):
        return self.cpd_hours is not None and self.cpd_hours > 0

    @property
    def cpd_hours_display(self):
        """2.5 → "2.5", 3.0 → "3"."""
        if not self.has_cpd_hours:
            return ""
        return f"{self.cpd_hours.normalize():f}"

    def status(self, now=None):
        """ "valid", "revoked" or "expired" (revocation wins)."""
        if self.is_revoked:
            return "revoked"
        if self.is_expired(now):
            return "expired"
        return "valid"

    def identity_hash(self):
        """The recipient identity the credential carries: ("emailAddress" or "name", the salted hash
        "sha256$" + hex digest of sha256(identity + salt)). The email address (lower case) when the
        learner has one, else the name printed on the certificate; either way never in plain text."""
        email = (self.user.email or "").strip().lower() if self.user_id else ""
        identity_type, identity = ("emailAddress", email) if email else ("name", self.learner_name)
        digest = hashlib.sha256((identity + self.identity_salt).encode()).hexdigest()
        return identity_type, f"sha256${digest}"

    @property
    def council_logo(self):
        """The council's logo image (councillor certificates), or None."""
        if not self.is_councillor or self.organisation is None:
            return None
        return self.organisation.logo

    def get_template(self):
        kind = (
            CertificateTemplate.Kind.COUNCILLOR if self.is_councillor else CertificateTemplate.Kind.STANDARD
        )
        if self.template_id:
            return self.template
        return CertificateTemplate.default_for(kind)

    def get_verify_path(self):
        return reverse("certificates:verify", kwargs={"code": self.code})

    def get_verify_url(self):
        return absolute_url(self.get_verify_path(), base=self.base_url)

    def get_verify_json_path(self):
        return reverse("certificates:verify_json", kwargs={"code": self.code})

    def get_credential_path(self):
        return reverse("certificates:credential", kwargs={"code": self.code})

    def get_credential_url(self):
        return absolute_url(self.get_credential_path(), base=self.base_url)

    def get_signed_credential_path(self):
        return reverse("certificates:signed_credential", kwargs={"code": self.code})

    def get_signed_credential_url(self):
        return absolute_url(self.get_signed_credential_path(), base=self.base_url)

    def get_download_path(self):
        return reverse("certificates:download", kwargs={"code": self.code})


class CertificateRevision(models.Model):
    """What a certificate said before a trainer reissued it (for example after a name correction),
    with the old PDF kept for the record; shown in the certificate's history in the admin."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="revisions")
    old_learner_name = models.CharField(max_length=150)
    new_learner_name = models.CharField(max_length=150)
    old_pdf_name = models.CharField(
        max_length=255, blank=True, help_text="The replaced PDF, kept in private storage for the record."
    )
    reason = models.CharField(max_length=300, blank=True)
    reissued_at = models.DateTimeField(default=timezone.now)
    reissued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reissued_at"]

    def __str__(self):
        return f"{self.certificate.code}: {self.old_learner_name} → {self.new_learner_name}"


# --- Open Badges: signing keys ------------------------------------------------------------------------


class CredentialSigningKey(models.Model):
    """An Ed25519 key that signs the Open Badges credentials and the status lists (VC-JWTs,
    certificates/signing.py). The newest key not retired signs; a retired key keeps only its public
    half, still published (/.well-known/jwks.json and /.well-known/did.json) so that what it signed
    still verifies. Listed under *Settings > Credential signing keys* in the admin, with a button to
    rotate (or `manage.py rotate_credential_key`)."""

    kid = models.CharField(
        "key id", max_length=64, unique=True, editable=False, help_text="Its RFC 7638 JWK thumbprint."
    )
    public_jwk = models.JSONField(editable=False)
    # The private key (PKCS #8 PEM) encrypted with a key derived from SECRET_KEY; emptied on retirement.
    private_key = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kid} ({'retired' if self.retired_at else 'signing'})"
