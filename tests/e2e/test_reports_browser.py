"""A course report in Chromium: an organisation manager signs in, filters the gradebook, follows a
row to the learner record; both pages pass axe-core's WCAG 2.2 AA checks, and the charts carry
their text alternatives."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.reports.conftest import build_population
from tests.two_step import PASSWORD, sign_in_to_admin_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_course_report_in_the_browser(live_server, page, assert_accessible):
    population = build_population()
    trainer = population.trainer
    trainer.set_password(PASSWORD)
    trainer.save()
    assert trainer.groups.filter(pk=Group.objects.get(name="Trainers").pk).exists()
    sign_in_to_admin_in_browser(page, live_server.url, trainer, PASSWORD)

    page.goto(f"{live_server.url}/admin/reports/")
    page.get_by_role("link", name=population.course.title).click()
    page.wait_for_url(re.compile(r"/admin/reports/courses/\d+/"))
    expect(page.get_by_role("img", name="Completion funnel by module and item")).to_have_count(1)
    expect(page.locator("svg.report-chart desc").nth(1)).to_contain_text("Learners who finished each module")
    assert_accessible(page)

    page.get_by_label("Organisation").select_option(label="Agency A")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"organisation="))
    gradebook = page.locator("#gradebook-table tbody tr")
    expect(gradebook).to_have_count(2)
    expect(gradebook.nth(1)).to_contain_text("Bob Learner")
    expect(gradebook.nth(1)).to_contain_text("(overdue)")

    page.get_by_role("link", name="Bob Learner").click()
    page.wait_for_url(re.compile(r"/admin/reports/learners/\d+/"))
    expect(page.locator("#learner-timeline").get_by_text("40%, not passed")).to_have_count(1)
    assert_accessible(page)
