"""Signals courses sends, so that apps built on it react without courses importing them."""

from django.dispatch import Signal

# Sent whenever a check finds every required item of an enrolment's current cycle done (it may be
# sent more than once for the same completion: receivers must be idempotent). Arguments:
# enrolment. certificates listens to issue the certificate.
course_completed = Signal()

# The learning events below are sent by courses.services inside the transaction that records them
# (the xapi app turns each into an xAPI statement). Each is sent once per event, never on a repeat.

# A learner was enrolled in a course (a new Enrolment). Arguments: enrolment.
enrolled = Signal()

# A learner opened a lesson for the first time. Arguments: enrolment, lesson.
lesson_viewed = Signal()

# A lesson was completed (for the first time in the enrolment's current cycle). Arguments:
# enrolment, lesson.
lesson_completed = Signal()

# A learner submitted a try at a practice task or activity. Arguments: submission (TaskSubmission,
# with `tries` the number of this try).
task_submitted = Signal()

# A trainer reviewed a practice task. Arguments: submission, approved (bool).
task_reviewed = Signal()
