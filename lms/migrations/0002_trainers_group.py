"""The Trainers group: writes courses and question banks in the Wagtail admin.

Trainers may open the admin, add, edit, publish and lock pages under the site's root page, add,
edit and choose images and documents, and manage the question bank. They get nothing on users,
groups, sites or settings.

On a fresh database Django creates permissions only after every migration has run (in
post_migrate), so this migration creates the ones it needs first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Trainers"

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]

COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}

# Question bank models (a category and every Question subtype). A new subtype needs a data
# migration in quizzes that grants the same four permissions to this group.
QUIZ_MODELS = ["questioncategory", "singlechoicequestion"]
QUIZ_ACTIONS = ["add", "change", "delete", "view"]


def ensure_permissions(apps, app_labels):
    for label in app_labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_trainers_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    ensure_permissions(
        apps, ["wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "quizzes"]
    )

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)

    group.permissions.add(permission("wagtailadmin", "access_admin"))
    group.permissions.add(
        *(
            permission("quizzes", f"{action}_{model}")
            for model in QUIZ_MODELS
            for action in QUIZ_ACTIONS
        )
    )

    site = Site.objects.filter(is_default_site=True).first()
    root_page = site.root_page if site else Page.objects.get(depth=1)
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root_page, permission=permission("wagtailcore", codename)
        )

    root_collection = Collection.objects.get(depth=1)
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission(app_label, codename)
            )


def delete_trainers_group(apps, schema_editor):
    # Deleting the group deletes its page and collection permissions with it.
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_initial"),
        ("courses", "0003_create_home_page"),
        ("quizzes", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_trainers_group, delete_trainers_group)]
