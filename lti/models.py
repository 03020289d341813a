"""LTI 1.3: the platforms (agencies' own LMSs) that launch our courses, this site's signing keys as
a tool, who each platform's users are here, which platform link opens which course, and the
scores waiting for or sent to the platforms' gradebooks. See lti/launch.py for the launch checks
and lti/grades.py for Assignment and Grade Services."""

from django.conf import settings
from django.db import models

from courses.models import CoursePage
from lms.models import Organisation


class LtiPlatform(models.Model):
    """An agency's or council's own learning management system (Moodle, Canvas, Blackboard,
    Brightspace...) registered to launch our courses as an LTI 1.3 tool. The values come from the
    tool registration on the platform. Edited by administrators under *Settings → LTI platforms*."""

    name = models.CharField(max_length=100, help_text="For people, for example “Finance Moodle”.")
    issuer = models.CharField(
        max_length=255,
        help_text="The platform's issuer (the id_token's iss), for example https://moodle.finance.gov.au",
    )
    client_id = models.CharField(
        "client ID", max_length=255, help_text="The client ID the platform gave this tool."
    )
    deployment_ids = models.TextField(
        "deployment IDs",
        help_text="One per line: launches from any other deployment of the tool are refused.",
    )
    auth_login_url = models.URLField(
        "authorisation URL",
        max_length=500,
        help_text="The platform's OIDC authentication request URL, where a launch's login goes.",
    )
    auth_token_url = models.URLField(
        "access token URL",
        max_length=500,
        help_text="The platform's OAuth 2 token URL, for sending grades.",
    )
    token_audience = models.CharField(
        "token audience",
        max_length=500,
        blank=True,
        help_text="Only if the platform asks for one: the audience of the token request. "
        "Empty: the access token URL.",
    )
    jwks_url = models.URLField(
        "public keyset URL",
        max_length=500,
        help_text="Where the platform publishes the keys it signs launches with (JWKS).",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lti_platforms",
        help_text="People who first arrive from this platform join this organisation.",
    )
    enabled = models.BooleanField(default=True, help_text="Accept launches from this platform.")

    class Meta:
        ordering = ["name"]
        verbose_name = "LTI platform"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_issuer_client_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def deployment_id_list(self):
        return [line.strip() for line in self.deployment_ids.splitlines() if line.strip()]

    @property
    def token_aud(self):
        return self.token_audience or self.auth_token_url


class LtiToolKey(models.Model):
    """One RS256 key pair of this site as an LTI tool. The newest active key signs deep linking
    responses and the client assertions that get access tokens for grades; every key here is
    published at /lti/jwks.json, so a retired key keeps verifying until it is deleted. Made on first
    use; `manage.py lti_new_key` adds a new one (rotation). Not shown in the admin: the private key,
    encrypted under SECRET_KEY (lms.encryption), never leaves the database."""

    kid = models.CharField("key ID", max_length=64, unique=True)
    private_key = models.TextField(help_text="PEM, PKCS#8.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "LTI tool key"

    def __str__(self):
        return self.kid


class LtiUserLink(models.Model):
    """Who a platform's user is here: the platform and its user id (`sub`) lead to one account,
    made at the first launch (without a password). Never joined to an existing account by email
    address. Not in the admin: deleting the platform removes its links, and the accounts stay."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="user_links")
    subject = models.CharField("platform user ID", max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_links")
    created_at = models.DateTimeField(auto_now_add=True)
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "LTI user link"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "subject"], name="lti_user_link_platform_subject_unique"
            )
        ]

    def __str__(self):
        return f"{self.platform}: {self.subject} → {self.user}"


class LtiResourceLink(models.Model):
    """A link in a platform's course (its resource link id) that opens one of our courses. Made at
    its first launch from the course the platform names (the `course_id` custom parameter, set by
    deep linking or by the platform's administrator) and kept: the platform's link always opens the
    same course. It also keeps what its launches offered for the course on the platform: the line
    items service and the line item this site made there when the link came without one
    (lti/grades.py), and the roster address (lti/roster.py). *Settings → LTI resource links* lists
    them, with a *Roster* button where the platform offers one; an administrator may change the
    course."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="resource_links")
    resource_link_id = models.CharField("resource link ID", max_length=255)
    deployment_id = models.CharField("deployment ID", max_length=255)
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="lti_resource_links")
    title = models.CharField(max_length=255, blank=True, help_text="The link's title on the platform.")
    # A link made on the platform without a line item (by hand, not by deep linking): its launches
    # offer the context's line items service, where we create one for the link's grades (once).
    lineitems_url = models.URLField(
        "line items URL",
        max_length=1000,
        blank=True,
        help_text="The platform's line items service for this link's course, when its launches "
        "come without a line item.",
    )
    lineitem_url = models.URLField(
        "our line item URL",
        max_length=1000,
        blank=True,
        help_text="The line item this site created on the platform for the link's grades.",
    )
    memberships_url = models.URLField(
        "roster URL",
        max_length=1000,
        blank=True,
        help_text="The platform's Names and Role Provisioning Services address for the link's course "
        "(context_memberships_url), from its launches.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "LTI resource link"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "resource_link_id"], name="lti_resource_link_platform_id_unique"
            )
        ]

    def __str__(self):
        return f"{self.platform}: {self.title or self.resource_link_id} → {self.course}"


class LtiGradeTarget(models.Model):
    """Where one learner's grade for one resource link goes (Assignment and Grade Services): the
    platform's line item and its scores endpoint, from the learner's latest launch, and their user id
    on the platform. Both URLs are empty when the launch named no line item: the scores then go to
    the one this site creates for the resource link (LtiResourceLink.lineitem_url). Scores are queued
    for each target of a course's links (lti/grades.py). Not in the admin."""

    resource_link = models.ForeignKey(LtiResourceLink, on_delete=models.CASCADE, related_name="grade_targets")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_grade_targets"
    )
    subject = models.CharField("platform user ID", max_length=255)
    lineitem_url = models.URLField("line item URL", max_length=1000, blank=True)
    scores_url = models.URLField("scores URL", max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "LTI grade target"
        constraints = [
            models.UniqueConstraint(
                fields=["resource_link", "user"], name="lti_grade_target_link_user_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.lineitem_url or 'the line item made for the link'}"


class LtiScore(models.Model):
    """One score for a platform's gradebook, waiting or sent: the outbox. Written in the same
    transaction as the quiz result or course completion it reports, sent by the worker
    (`db_worker --backend lti`) in order, and retried with a growing delay until the platform takes
    it: never dropped. `event_key` keeps an event reported twice from making a second score. Shown
    read-only to administrators under *Settings → LTI scores*."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        RETRYING = "retrying", "Failed, will retry"
        SENT = "sent", "Sent"

    target = models.ForeignKey(LtiGradeTarget, on_delete=models.CASCADE, related_name="scores")
    event_key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "LTI score"

    def __str__(self):
        return f"{self.payload.get('scoreGiven')}/{self.payload.get('scoreMaximum')} for {self.target}"


class LtiNonce(models.Model):
    """A launch nonce already used: a second launch with it is refused as a replay. Kept until
    the id_token it came in has expired, then cleared by the next launch. Not in the admin."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "LTI nonce"
        constraints = [
            models.UniqueConstraint(fields=["platform", "nonce"], name="lti_nonce_platform_unique")
        ]

    def __str__(self):
        return self.nonce
