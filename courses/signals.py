"""Signals courses sends, so that apps built on it react without courses importing them."""

from django.dispatch import Signal

# Sent whenever a check finds every required item of an enrolment's current cycle done (it may be
# sent more than once for the same completion: receivers must be idempotent). Arguments:
# enrolment. certificates listens to issue the certificate.
course_completed = Signal()
