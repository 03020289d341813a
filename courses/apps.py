from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from .caching import bump_content_version

        # Anonymous visitors' cached pages go stale the moment anything is (un)published.
        page_published.connect(bump_content_version, dispatch_uid="courses-bump-on-publish")
        page_unpublished.connect(bump_content_version, dispatch_uid="courses-bump-on-unpublish")
