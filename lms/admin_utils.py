"""Helpers every app's Wagtail admin views share: permission-aware menu items, a permission gate,
the header and breadcrumb context of a plain admin page, wording for dates and counts, and the
base of chooser widgets whose inline script carries the CSP nonce."""

import json

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.chooser import BaseChooser

from .security import current_nonce


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


class NoncedChooser(BaseChooser):
    """Wagtail's chooser widget, with the request's CSP nonce on the inline script that starts it.

    Wagtail renders `<script>new ChooserWidget(...)</script>` after the widget's HTML; our
    Content-Security-Policy runs inline scripts only with the nonce (lms/security.py). Rows the
    editor adds later come from a template that jQuery inserts, and jQuery copies the nonce on.
    A ChooserViewSet uses it as `base_widget_class`.
    """

    def render(self, name, value, attrs=None, renderer=None):
        if not attrs or "id" not in attrs:
            raise TypeError("A chooser cannot be rendered without an 'id' attribute")
        value_data = self.get_value_data(value)
        widget_html = self.render_html(name, value_data, attrs)
        options = self.get_js_init_options(attrs["id"], name, value_data)
        return format_html(
            '{}<script nonce="{}">new {}({}, {});</script>',
            widget_html,
            current_nonce.get(),
            self.js_constructor,
            json_for_script(attrs["id"]),
            json_for_script(options),
        )


def json_for_script(value):
    """JSON safe inside a <script> element (no `</script>` or `<!--` can close or confuse it)."""
    text = json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above for a script context


# The admin page of one learner's record (reports/wagtail_hooks.py registers it), so lms and the
# apps below reports link to it without importing reports.
_learner_record_url = None


def register_learner_record_url(function):
    """`function(user_id)` gives the URL of a learner's record in the admin."""
    global _learner_record_url
    _learner_record_url = function


def learner_record_url(user_id):
    """The URL of the learner's record in the admin, or None when no app provides one."""
    return _learner_record_url(user_id) if _learner_record_url and user_id else None
