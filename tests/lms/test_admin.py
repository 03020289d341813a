"""The Wagtail admin for trainers and administrators: the Trainers group, page editing, users."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.factories import catalogue, make_user
from courses.models import CoursePage
from lms.models import Organisation, User
from quizzes.models import QUESTION_TYPES
from tests.certificates.conftest import png_file
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

TRAINER_PASSWORD = "a-Long-pass-phrase-42"  # noqa: S105


@pytest.fixture
def trainer():
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


@pytest.fixture
def admin_user():
    return User.objects.create_superuser(
        email="admin@example.gov.au", password=TRAINER_PASSWORD, full_name="Ada Admin"
    )


def group_permission_codenames(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


# --- the Trainers group (made by the lms data migration) -----------------------------------------


QUESTION_BANK_MODELS = (
    "questioncategory",
    "singlechoicequestion",
    "multipleresponsequestion",
    "truefalsequestion",
    "shortanswerquestion",
    "numericquestion",
    "matchingquestion",
    "orderingquestion",
    "quizextension",  # extra time for a learner on a quiz
)


def test_trainers_group_has_admin_access_and_question_bank_permissions():
    held = group_permission_codenames(Group.objects.get(name="Trainers"))

    assert "wagtailadmin.access_admin" in held
    assert {codename for codename in held if codename.startswith("quizzes.")} == {
        f"quizzes.{action}_{model}"
        for model in QUESTION_BANK_MODELS
        for action in ("add", "change", "delete", "view")
    }
    # Model permissions come only from the admin, the question bank, training (courses),
    # certificates (certificates.manage_certificates: revoke, reissue, bulk download) and the
    # account approvals queue (lms.review_accounts) and every organisation's learners in reports
    # (lms.view_all_learners); nothing else in lms. And the platforms a drafted post is checked
    # against (practice: add, change, view; deleting stays with administrators), and each course's
    # feedback survey (surveys: add, change, view; deleting one with its answers stays with them too).
    allowed_apps = {"wagtailadmin", "quizzes", "courses", "certificates", "lms", "practice", "surveys"}
    assert {codename.split(".")[0] for codename in held} <= allowed_apps
    assert {codename for codename in held if codename.startswith("surveys.")} == {
        "surveys.add_coursesurvey",
        "surveys.change_coursesurvey",
        "surveys.view_coursesurvey",
    }
    assert {codename for codename in held if codename.startswith("lms.")} == {
        "lms.review_accounts",
        "lms.view_all_learners",
    }
    assert {codename for codename in held if codename.startswith("practice.")} == {
        "practice.add_platform",
        "practice.change_platform",
        "practice.view_platform",
    }


def test_the_trainers_group_covers_every_question_type(trainer):
    # A new question type needs a data migration granting the Trainers group its permissions.
    for model in QUESTION_TYPES:
        for action in ("add", "change", "delete", "view"):
            assert trainer.has_perm(f"quizzes.{action}_{model._meta.model_name}")


@pytest.mark.parametrize("model", QUESTION_TYPES, ids=lambda model: model._meta.model_name)
def test_trainer_opens_each_question_type(client, trainer, model):
    sign_in_to_admin(client, trainer)

    listing = client.get(reverse(f"{model._meta.model_name}:index"))
    add_form = client.get(reverse(f"{model._meta.model_name}:add"))

    assert listing.status_code == 200
    assert add_form.status_code == 200


def test_trainers_edit_pages_from_the_site_root():
    group = Group.objects.get(name="Trainers")
    site_root = Site.objects.get(is_default_site=True).root_page

    page_permissions = GroupPagePermission.objects.filter(group=group)
    assert {p.page_id for p in page_permissions} == {site_root.pk}
    assert {p.permission.codename for p in page_permissions} == {
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
    }


def test_trainers_add_and_choose_images_and_documents_in_the_root_collection():
    group = Group.objects.get(name="Trainers")

    collection_permissions = GroupCollectionPermission.objects.filter(group=group)
    root_collection = Collection.get_first_root_node()
    assert {p.collection_id for p in collection_permissions} == {root_collection.pk}
    assert {p.permission.codename for p in collection_permissions} == {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }


def test_trainers_hold_nothing_on_users_groups_sites_or_settings(trainer):
    group = Group.objects.get(name="Trainers")
    held = set(group.permissions.all())
    held |= {p.permission for p in GroupPagePermission.objects.filter(group=group)}
    held |= {p.permission for p in GroupCollectionPermission.objects.filter(group=group)}

    forbidden = {
        ("lms", "user"),
        ("auth", "group"),
        ("auth", "permission"),
        ("wagtailcore", "site"),
    }
    assert not [p for p in held if (p.content_type.app_label, p.content_type.model) in forbidden]
    assert not [p for p in held if p.content_type.app_label in {"wagtailsettings", "wagtailusers"}]
    assert not group.site_permissions.exists()
    for perm in ("lms.add_user", "lms.change_user", "auth.change_group", "wagtailcore.change_site"):
        assert not trainer.has_perm(perm)


def test_trainers_group_needs_no_staff_flag_to_open_the_admin(client, trainer):
    assert not trainer.is_staff
    sign_in_to_admin(client, trainer)

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert b"Question bank" in response.content


@pytest.mark.parametrize(
    "url_name", ["wagtailimages:index", "wagtailimages:add", "wagtaildocs:index", "wagtaildocs:add"]
)
def test_trainer_opens_images_and_documents(client, trainer, url_name):
    sign_in_to_admin(client, trainer)

    assert client.get(reverse(url_name)).status_code == 200


def test_a_learner_cannot_open_the_admin(client, learner):
    client.force_login(learner)

    response = client.get(reverse("wagtailadmin_home"))

    # Wagtail sends them to the login page (allauth's, the admin has none of its own) to log in
    # with another account; the login page shows the form rather than bouncing them back.
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    assert client.get(response.url).status_code == 200


# --- trainers in the page editor -----------------------------------------------------------------


def course_form_data(title="Writing for social media", **overrides):
    data = {
        "title": title,
        "slug": "writing-for-social-media",
        "summary": "Short posts that people read.",
        "description": rich_text("<p>Plain language, one idea per post.</p>"),
        "audience": CoursePage.Audience.EVERYONE,
        "estimated_minutes": "90",
        "renewal_months": "0",
        "cpd_hours": "0",
        "learning_outcomes": streamfield([("outcome", "Write a clear post")]),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_trainer_creates_and_publishes_a_course_in_the_page_editor(client, trainer):
    sign_in_to_admin(client, trainer)
    parent = catalogue()
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", parent.pk))

    assert client.get(add_url).status_code == 200
    response = client.post(add_url, {**course_form_data(), "action-publish": "action-publish"})

    assert response.status_code == 302, response.context and response.context["form"].errors
    course = CoursePage.objects.get(slug="writing-for-social-media")
    assert course.live
    assert course.get_parent().pk == parent.pk
    assert course.owner == trainer
    assert course.estimated_minutes == 90
    assert [child.value for child in course.learning_outcomes] == ["Write a clear post"]


def test_trainer_edits_a_course_made_by_someone_else(client, trainer, course):
    sign_in_to_admin(client, trainer)
    edit_url = reverse("wagtailadmin_pages:edit", args=(course.pk,))

    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url,
        {
            **course_form_data(title="Social media basics, revised", slug=course.slug),
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Social media basics, revised"
    assert course.live


@pytest.mark.parametrize(
    "url_name", ["wagtailusers_users:index", "wagtailusers_groups:index", "wagtailsites:index"]
)
def test_trainer_is_refused_users_groups_and_sites(client, trainer, url_name):
    sign_in_to_admin(client, trainer)

    response = client.get(reverse(url_name))

    # Wagtail sends a signed-in user without permission back to the dashboard with a message.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_trainer_cannot_create_a_user(client, trainer):
    sign_in_to_admin(client, trainer)

    client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "sneaky@example.gov.au",
            "full_name": "Sneaky",
            "role": User.Role.TRAINER,
            "password1": TRAINER_PASSWORD,
            "password2": TRAINER_PASSWORD,
            "is_superuser": "on",
        },
    )

    assert not User.objects.filter(email="sneaky@example.gov.au").exists()


def test_trainer_is_refused_organisations(client, trainer):
    sign_in_to_admin(client, trainer)

    response = client.get(reverse("organisation:index"))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert b"Organisations" not in client.get(reverse("wagtailadmin_home")).content


# --- superusers: users and organisations ---------------------------------------------------------


def test_superuser_creates_a_user_with_full_name_role_and_organisation(client, admin_user):
    council = Organisation.objects.create(name="Shire of Example", kind=Organisation.Kind.COUNCIL)
    sign_in_to_admin(client, admin_user)
    add_url = reverse("wagtailusers_users:add")

    form_page = client.get(add_url)
    assert form_page.status_code == 200
    assert b'name="full_name"' in form_page.content
    assert b'name="first_name"' not in form_page.content

    response = client.post(
        add_url,
        {
            "email": "Councillor@Example.gov.au",
            "full_name": "Casey Councillor",
            "role": User.Role.COUNCILLOR,
            "organisation": council.pk,
            "password1": TRAINER_PASSWORD,
            "password2": TRAINER_PASSWORD,
            "groups": [],
        },
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    user = User.objects.get(email__iexact="councillor@example.gov.au")
    assert user.full_name == "Casey Councillor"
    assert user.role == User.Role.COUNCILLOR
    assert user.organisation == council
    assert user.check_password(TRAINER_PASSWORD)
    assert not user.is_superuser


def test_superuser_makes_a_user_a_trainer(client, admin_user, learner):
    sign_in_to_admin(client, admin_user)
    edit_url = reverse("wagtailusers_users:edit", args=(learner.pk,))
    trainers = Group.objects.get(name="Trainers")

    form_page = client.get(edit_url)
    assert form_page.status_code == 200
    assert learner.full_name.encode() in form_page.content

    response = client.post(
        edit_url,
        {
            "email": learner.email,
            "full_name": "Alex Citizen-Trainer",
            "role": User.Role.TRAINER,
            "organisation": "",
            "is_active": "on",
            "password1": "",
            "password2": "",
            "groups": [trainers.pk],
        },
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    learner.refresh_from_db()
    assert learner.full_name == "Alex Citizen-Trainer"
    assert learner.role == User.Role.TRAINER
    assert learner.check_password("a-Long-pass-phrase-42")  # a blank password leaves it unchanged
    assert list(learner.groups.all()) == [trainers]
    assert learner.has_perm("wagtailadmin.access_admin")


def test_user_form_errors_show_instead_of_saving(client, admin_user):
    sign_in_to_admin(client, admin_user)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "nameless@example.gov.au",
            "full_name": "",
            "role": User.Role.OTHER,
            "password1": TRAINER_PASSWORD,
            "password2": "something-else-entirely",
        },
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"full_name", "password2"}
    assert not User.objects.filter(email="nameless@example.gov.au").exists()


def test_user_listing_searches_and_sorts_by_full_name(client, admin_user, learner, other_learner):
    sign_in_to_admin(client, admin_user)

    found = client.get(reverse("wagtailusers_users:index"), {"q": "Sam Oth"})
    by_name = client.get(reverse("wagtailusers_users:index"), {"ordering": "-name"})

    assert found.status_code == 200
    assert [u.pk for u in found.context["object_list"]] == [other_learner.pk]
    assert by_name.status_code == 200
    assert [u.full_name for u in by_name.context["object_list"]] == [
        "Sam Other",
        "Alex Citizen",
        "Ada Admin",
    ]


def test_superuser_manages_organisations(client, admin_user):
    sign_in_to_admin(client, admin_user)
    assert b"Organisations" in client.get(reverse("wagtailadmin_home")).content

    response = client.post(
        reverse("organisation:add"),
        nested_form_data(
            {
                "name": "Department of Examples",
                "kind": "agency",
                "email_domains": inline_formset([{"domain": "Examples.gov.au"}]),
            }
        ),
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    organisation = Organisation.objects.get(name="Department of Examples")
    assert [d.domain for d in organisation.email_domains.all()] == ["examples.gov.au"]
    listing = client.get(reverse("organisation:index"))
    assert listing.status_code == 200
    assert b"Department of Examples" in listing.content
    assert organisation.kind == Organisation.Kind.AGENCY


def test_a_councils_logo_is_edited_on_the_organisation_form(client, admin_user):
    crest = Image.objects.create(title="Example Bay crest", file=png_file("crest.png"))
    sign_in_to_admin(client, admin_user)
    form_page = client.get(reverse("organisation:add"))
    assert b'name="logo"' in form_page.content and b'name="logo_alt"' in form_page.content
    response = client.post(
        reverse("organisation:add"),
        nested_form_data(
            {
                "name": "City of Example Bay",
                "kind": "council",
                "logo": crest.pk,
                "logo_alt": "City of Example Bay crest",
                "email_domains": inline_formset([]),
            }
        ),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    council = Organisation.objects.get(name="City of Example Bay")
    assert (council.logo, council.logo_alt) == (crest, "City of Example Bay crest")
