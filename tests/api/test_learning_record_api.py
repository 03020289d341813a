"""The learning-record API (issue 17, item 4): per-organisation tokens (scoped, revocable, shown
once), paginated, rate limited, described by OpenAPI; one organisation's token never returns
another organisation's people."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from api.models import ApiToken
from api.services import create_token, digest, revoke_token
from certificates.models import Certificate
from certificates.services import reinstate_certificate, revoke_certificate
from courses.assignments import assign_course
from courses.factories import make_user
from courses.models import LessonPage
from courses.services import complete_lesson, enrol
from lms.models import Organisation
from quizzes.factories import make_course
from tests.certificates.test_signed_credentials import bit, fetch_status_list, path_of, verify
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db
ALL_SCOPES = ["completions", "certificates", "progress"]


@pytest.fixture
def world():
    """Org A: Ann (completed course one, certificate), Amy (half-way, assigned), Abe (not started).
    Org B: Bea (completed course one, certificate)."""
    own, other = Organisation.objects.create(name="Org A"), Organisation.objects.create(name="Org B")
    course = make_course(title="Course One", lessons_per_module=2, quiz=False)
    lessons = list(course.get_descendants().type(LessonPage).specific().order_by("path"))
    people = {}
    for name, organisation in [("Ann", own), ("Amy", own), ("Abe", own), ("Bea", other)]:
        people[name] = make_user(
            email=f"{name.lower()}@x.gov.au", full_name=f"{name} Person", organisation=organisation
        )
    for name in ["Ann", "Bea"]:
        enrolment = enrol(people[name], course)
        for lesson in lessons:
            complete_lesson(enrolment, lesson)
        enrolment.refresh_from_db()
        assert enrolment.completed_at is not None
        Certificate.objects.get_or_create(
            enrolment=enrolment,
            user=people[name],
            defaults={"course": course, "learner_name": people[name].full_name, "course_title": course.title},
        )
    assign_course(course, [people["Amy"]], timezone.localdate() + timedelta(days=7), None)
    complete_lesson(enrol(people["Amy"], course), lessons[0])
    enrol(people["Abe"], course)
    return {"own": own, "other": other, "course": course, **people}


def api(token_secret, name, **params):
    client = Client()
    headers = {"Authorization": f"Bearer {token_secret}"} if token_secret else {}
    return client.get(reverse(f"api:{name}"), params, headers=headers)


def collect(secret, name, **params):
    """Every record of an endpoint, following `next` links; also returns the number of pages."""
    client, records, pages = Client(), [], 0
    url = reverse(f"api:{name}") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    while url:
        response = client.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200, response.content
        body = response.json()
        records += body["results"]
        pages += 1
        url = body["next"]
    return records, pages


def test_a_token_reads_its_own_organisation_only(world):
    _, secret = create_token(world["own"], "HR system", ALL_SCOPES)
    completions, _ = collect(secret, "completions")
    assert [c["learner"]["email"] for c in completions] == ["ann@x.gov.au"]
    certificates, _ = collect(secret, "certificates")
    assert [c["learner"]["email"] for c in certificates] == ["ann@x.gov.au"]
    assert certificates[0]["status"] == "valid" and certificates[0]["verify_url"].startswith("http")
    # The link the certificate prints (lms.site_url), not one built from the API request's host.
    printed = Certificate.objects.get(code=certificates[0]["code"]).get_verify_url()
    assert certificates[0]["verify_url"] == printed
    progress, _ = collect(secret, "progress")
    emails = {p["learner"]["email"] for p in progress}
    assert emails == {"ann@x.gov.au", "amy@x.gov.au", "abe@x.gov.au"}
    # Nothing of Org B's, whatever the filters.
    for name in ["completions", "certificates", "progress"]:
        body = api(secret, name, course=world["course"].pk, page_size=200).content
        assert b"bea@x.gov.au" not in body


def test_progress_figures_and_due_dates(world):
    _, secret = create_token(world["own"], "Reporting", ["progress"])
    progress = {p["learner"]["email"]: p for p in collect(secret, "progress")[0]}
    assert progress["ann@x.gov.au"]["status"] == "completed"
    assert progress["ann@x.gov.au"]["percent"] == 100
    amy = progress["amy@x.gov.au"]
    assert (amy["status"], amy["items_done"], amy["items_required"], amy["percent"]) == (
        "in_progress",
        1,
        2,
        50,
    )
    assert amy["due_date"] == (timezone.localdate() + timedelta(days=7)).isoformat()
    abe = progress["abe@x.gov.au"]
    assert (abe["status"], abe["items_done"], abe["due_date"]) == ("not_started", 0, None)


def test_pages_follow_on_without_gaps_or_repeats(world):
    for number in range(7):
        enrol(make_user(email=f"extra{number}@x.gov.au", organisation=world["own"]), world["course"])
    _, secret = create_token(world["own"], "HR", ["progress"])
    records, pages = collect(secret, "progress", page_size=2)
    ids = [record["id"] for record in records]
    assert len(ids) == 10 and ids == sorted(set(ids))
    assert pages == 5


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": 0},
        {"page_size": 201},
        {"page_size": "x"},
        {"after": -1},
        {"course": "one"},
        {"since": "yesterday"},
    ],
)
def test_bad_parameters_answer_400_in_json(world, params):
    _, secret = create_token(world["own"], "HR", ALL_SCOPES)
    response = api(secret, "completions", **params)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_parameter"


def test_since_and_status_filters(world):
    _, secret = create_token(world["own"], "HR", ALL_SCOPES)
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api(secret, "completions", since=tomorrow).json()["results"] == []
    assert len(api(secret, "completions", since="2020-01-01").json()["results"]) == 1
    certificate = Certificate.objects.get(user=world["Ann"])
    assert [c["code"] for c in api(secret, "certificates", status="valid").json()["results"]] == [
        certificate.code
    ]
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revoked_reason="Error")
    assert api(secret, "certificates", status="valid").json()["results"] == []
    revoked = api(secret, "certificates", status="revoked").json()["results"]
    assert [c["status"] for c in revoked] == ["revoked"]
    assert api(secret, "certificates", status="lost").status_code == 400


def test_an_hr_system_checks_the_signed_credential_and_its_revocation_itself(world, admin_user):
    """From the API record alone: verify the signed credential, then read its status list bit."""
    _, secret = create_token(world["own"], "HR", ["certificates"])
    client = Client()
    [record] = api(secret, "certificates").json()["results"]
    credential = verify(client, client.get(path_of(record["signed_credential_url"])).content.decode())
    assert credential["credentialStatus"] == record["credential_status"]
    entry = record["credential_status"]
    index = int(entry["statusListIndex"])
    assert bit(fetch_status_list(client, entry["statusListCredential"])[1], index) == 0

    certificate = Certificate.objects.get(code=record["code"])
    revoke_certificate(certificate, admin_user, "Issued in error")
    assert bit(fetch_status_list(client, entry["statusListCredential"])[1], index) == 1
    reinstate_certificate(certificate, admin_user)
    assert bit(fetch_status_list(client, entry["statusListCredential"])[1], index) == 0


def test_tokens_that_do_not_work(world):
    token, secret = create_token(world["own"], "HR", ["completions"])
    assert api(secret, "completions").status_code == 200
    for bad in [None, "gsa_not-a-token", secret + "x", secret.replace("gsa_", "xyz_")]:
        response = api(bad, "completions")
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_token"
        assert response["WWW-Authenticate"].startswith("Bearer")
    # A scope it lacks.
    response = api(secret, "certificates")
    assert response.status_code == 403 and response.json()["error"] == "insufficient_scope"
    # Expired, then revoked.
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api(secret, "completions").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    assert api(secret, "completions").status_code == 200
    assert revoke_token(token) is True
    assert api(secret, "completions").status_code == 401
    assert revoke_token(token) is False  # once


def test_read_only(world):
    _, secret = create_token(world["own"], "HR", ALL_SCOPES)
    response = Client().post(reverse("api:completions"), headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405 and response["Allow"] == "GET"


def test_rate_limit_per_token(world, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    _, first = create_token(world["own"], "HR", ["completions"])
    _, second = create_token(world["own"], "Payroll", ["completions"])
    # Inside one minute's window (the limit counts per calendar minute): time stands still here.
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        statuses = [api(first, "completions").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = api(first, "completions")
        assert limited.json()["error"] == "rate_limited" and int(limited["Retry-After"]) == 55
        assert api(second, "completions").status_code == 200  # counted per token


def test_the_secret_is_kept_as_a_digest_only(world):
    token, secret = create_token(world["own"], "HR", ["completions"])
    token.refresh_from_db()
    assert token.secret_digest == digest(secret) and secret not in str(token.__dict__)
    assert secret.startswith(token.prefix) and len(secret) > 40
    with pytest.raises(ValueError):
        create_token(world["own"], "HR", ["everything"])


def test_openapi_document_is_valid_and_describes_the_responses(world):
    document = Client().get(reverse("api:openapi")).json()
    validate_spec(document)
    registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(document))
    _, secret = create_token(world["own"], "HR", ALL_SCOPES)
    for name, schema in [
        ("completions", "CompletionList"),
        ("certificates", "CertificateList"),
        ("progress", "ProgressList"),
    ]:
        body = api(secret, name, page_size=1).json()
        assert body["results"], name
        validator = OAS31Validator({"$ref": f"urn:api#/components/schemas/{schema}"}, registry=registry)
        validator.validate(body)
    error = api(None, "progress").json()
    OAS31Validator({"$ref": "urn:api#/components/schemas/Error"}, registry=registry).validate(error)


def test_progress_queries_do_not_grow_with_learners(world, django_assert_max_num_queries):
    _, secret = create_token(world["own"], "HR", ["progress"])
    api(secret, "progress")  # warm the last-used stamp
    cache.clear()  # both counts with nobody's progress cached (courses keeps it per enrolment)
    with django_assert_max_num_queries(12) as few:
        api(secret, "progress", page_size=200)
    for number in range(30):
        enrol(make_user(email=f"more{number}@x.gov.au", organisation=world["own"]), world["course"])
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        api(secret, "progress", page_size=200)


def test_administrator_creates_sees_once_and_revokes_a_token(world, admin_client):
    response = admin_client.post(
        reverse("api_tokens:add"),
        {
            "organisation": world["own"].pk,
            "name": "HR system",
            "scopes": ["completions", "progress"],
            "expires_at": "",
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="HR system")
    secret = response.context["secret"]
    assert secret in response.text and token.secret_digest == digest(secret)
    assert "no-store" in response["Cache-Control"]
    listing = admin_client.get(reverse("api_tokens:index"))
    assert "HR system" in listing.text and secret not in listing.text
    edit = admin_client.get(reverse("api_tokens:edit", args=[token.pk]))
    assert secret not in edit.text
    assert api(secret, "completions").status_code == 200
    admin_client.post(
        reverse("api_tokens:edit", args=[token.pk]),
        {"name": "HR system", "scopes": ["completions"], "expires_at": "", "revoke": "on"},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None and token.organisation == world["own"]
    assert api(secret, "completions").status_code == 401


def test_trainers_cannot_manage_tokens(world):
    trainer = make_user(email="t@x.gov.au", full_name="Tia Trainer")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    client = Client()
    sign_in_to_admin(client, trainer)
    response = client.get(reverse("api_tokens:index"))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
