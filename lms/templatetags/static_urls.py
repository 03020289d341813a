"""Django's `static` template library with each file's URL worked out once per process: our
templates `{% load static_urls %}` instead of `{% load static %}`.

Django's `{% static %}` asks the app registry whether staticfiles is installed, and the storage for
the file's (hashed) name, on every use: four times a page, a fortieth of a signed-in page's time
(issue 16). The answer only changes with the deployment (the manifest is read once per process
anyway), or with the settings in tests, which clear it.
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static as django_static

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)


@lru_cache(maxsize=2048)
def static_url(path):
    return django_static.StaticNode.handle_simple(path)


@receiver(setting_changed)
def forget_static_urls(setting, **kwargs):
    if setting in {"STATIC_URL", "STORAGES", "STATIC_ROOT", "INSTALLED_APPS"}:
        static_url.cache_clear()


class StaticNode(django_static.StaticNode):
    @classmethod
    def handle_simple(cls, path):
        return static_url(path)


@register.tag("static")
def do_static(parser, token):
    """{% static "path" %} or {% static "path" as varname %}, as Django's."""
    return StaticNode.handle_token(parser, token)
