"""Activities use the one set of practice-task emails (courses.notifications): reviewers hear of
work waiting for them, the learner hears of the review; automatic activities send nothing."""

import pytest
from django.core import mail
from django.urls import reverse

from courses.models import TaskSubmission
from courses.services import review_task
from practice.factories import make_draft_post, make_scenario

from ..conftest import run_on_commit

pytestmark = pytest.mark.django_db

POST = "Our pools open on Saturday. Check times at council.nsw.gov.au/pools #SummerSafety"


def test_a_reviewed_activity_emails_the_reviewer_then_the_learner(client, enrolled, module, trainer, learner):
    page = make_draft_post(module, requires_approval=True)
    with run_on_commit():
        client.post(reverse("practice:draft_post", args=[page.pk]), {"post": POST, "action": "submit"})
    submission = TaskSubmission.objects.get()
    [to_reviewer] = mail.outbox
    assert to_reviewer.to == [trainer.email] and page.title in to_reviewer.subject
    assert reverse("practice_tasks:review", args=[submission.pk]) in to_reviewer.body
    assert "pools open" not in to_reviewer.body  # the work stays in the admin
    mail.outbox.clear()
    with run_on_commit():
        review_task(submission, trainer, approve=False, feedback="Say which pools.")
    [to_learner] = mail.outbox
    assert to_learner.to == [learner.email] and "Say which pools." in to_learner.body


def test_an_activity_its_checks_complete_sends_no_email(client, enrolled, module, trainer):
    page = make_scenario(module)  # automatic checks only
    with run_on_commit():
        client.post(reverse("practice:scenario", args=[page.pk]), {"path": "0,0", "action": "finish"})
    assert TaskSubmission.objects.get().status == TaskSubmission.Status.APPROVED
    # Only the certificate of the course it completed: no review email to anyone.
    assert [m.subject for m in mail.outbox] == ["Your certificate: Social media basics"]
