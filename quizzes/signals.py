"""Signals quizzes sends, so that apps built on it react without quizzes importing them.

Both are sent inside the transaction that records the event, once per attempt."""

from django.dispatch import Signal

# A learner started a new attempt at a quiz. Arguments: attempt.
attempt_started = Signal()

# An attempt was marked and closed. Arguments: attempt (with score and passed set), responses (the
# Response rows, one per question shown, in order).
attempt_submitted = Signal()
