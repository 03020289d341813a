from django.db import models


class Statement(models.Model):
    """One xAPI statement waiting for, or already accepted by, the learning record store: the
    outbox. Rows are written in the same transaction as the learning event they describe and sent in
    `id` order by the background worker (xapi.services.send_pending). The statement id is made once,
    here, so a resend after a lost answer is recognised by the LRS as the same statement.
    `event_key` stops an event reported twice (a course completion checked again) from making a
    second statement. Shown read-only in the admin under *Settings > xAPI statements*."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        RETRYING = "retrying", "Failed, will retry"
        SENT = "sent", "Sent"

    statement_id = models.UUIDField(unique=True, editable=False)
    event_key = models.CharField(max_length=200, unique=True)
    verb = models.CharField(max_length=200)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "xAPI statement"

    def __str__(self):
        return f"{self.verb} ({self.statement_id})"
