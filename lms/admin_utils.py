"""Helpers every app's Wagtail admin views share: permission-aware menu items, a permission gate,
the header and breadcrumb context of a plain admin page, and wording for dates and counts."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.dateformat import format as format_date
from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users the `allowed(user)` check lets in."""

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(request.user)


def require(check, request):
    """Refuse the request (403) unless `check(request.user)` holds."""
    if not check(request.user):
        raise PermissionDenied


def admin_context(title, icon, parents=(), **context):
    """Template context for an admin page with a header and breadcrumbs:
    Home > *parents (each a (url, label) pair) > title."""
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": "Home"}]
    crumbs += [{"url": url, "label": label} for url, label in parents]
    crumbs.append({"url": "", "label": title})
    return {
        "page_title": title,
        "header_title": title,
        "header_icon": icon,
        "breadcrumbs_items": crumbs,
        **context,
    }


def long_date(value):
    return format_date(value, "l j F Y")


def plural(count, singular, plural_form=None):
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
