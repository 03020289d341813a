"""The site's home page and catalogue, replacing Wagtail's default welcome page."""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("courses.HomePage")
    CourseIndexPage = apps.get_model("courses.CourseIndexPage")

    # Wagtail's initial migration makes a "Welcome" page at depth 2; remove it.
    Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore").delete()
    root = Page.objects.get(depth=1)
    locale = Locale.objects.first()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="courses")
    index_type, _ = ContentType.objects.get_or_create(model="courseindexpage", app_label="courses")

    home = HomePage.objects.create(
        title="GovSocial Academy",
        draft_title="GovSocial Academy",
        slug="home",
        content_type=home_type,
        path=root.path + "0001",
        depth=2,
        numchild=1,
        url_path="/home/",
        locale=locale,
        intro=(
            "<p>Free, self-paced training for Australian public servants and local councillors "
            "who want to use social media well: for their agency, their community and themselves.</p>"
        ),
    )
    CourseIndexPage.objects.create(
        title="Courses",
        draft_title="Courses",
        slug="courses",
        content_type=index_type,
        path=home.path + "0001",
        depth=3,
        numchild=0,
        url_path="/home/courses/",
        locale=locale,
        intro="<p>Every course is built from Knowledge, Skill and Practice modules.</p>",
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
                        site_name="GovSocial Academy")


def remove_home_page(apps, schema_editor):
    apps.get_model("wagtailcore.Site").objects.all().delete()
    apps.get_model("courses.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_initial"),
        ("wagtailcore", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
