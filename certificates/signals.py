"""Signals certificates sends, so that apps built on it react without certificates importing them.

Both are sent inside the transaction that records the event, once per certificate."""

from django.dispatch import Signal

# A certificate was issued. Arguments: certificate.
certificate_issued = Signal()

# A certificate was revoked. Arguments: certificate (with revoked_at, revoked_by set).
certificate_revoked = Signal()
