"""Signals certificates sends, so that apps built on it react without certificates importing them.

Each is sent inside the transaction that records the event, once per certificate."""

from django.dispatch import Signal

# A certificate was issued. Arguments: certificate.
certificate_issued = Signal()

# A certificate was revoked. Arguments: certificate (with revoked_at, revoked_by set).
certificate_revoked = Signal()

# A revocation was undone (made in error). Arguments: certificate (valid again), revoked_at (when
# the revocation being undone was made), reinstated_by (the user who undid it, or None).
certificate_reinstated = Signal()
