"""Template helpers for the GOV.UK error-summary pattern (lms/templates/includes/form_errors.html):
the page title says "Error: " when a form on the page has errors, and each summary link goes to a
control that can take focus."""

from django import template
from django.forms import BaseForm

register = template.Library()


@register.filter
def error_target(bound_field):
    """The id of the first control of a field, for the error summary's link: the first radio or
    checkbox of a group, the first select of a matching or ordering question, else the control."""
    if bound_field.field.widget.use_fieldset:  # radios, checkboxes: the group's wrapper takes no focus
        subwidgets = bound_field.subwidgets
        first = subwidgets[0].data["attrs"].get("id") if subwidgets else None
        if first:
            return first
    return bound_field.id_for_label or bound_field.auto_id


@register.simple_tag(takes_context=True)
def error_title_prefix(context):
    """ "Error: " when the page shows a form that was checked and has errors, else "".

    Looks only at forms already validated by their view (`_errors` is set): asking a bound form
    that was never validated for its errors would run its clean() (for the login form, a log-in).
    Asks each value's type(), not isinstance(), which would make the lazy values of every page
    (the user, a new CSRF token, the messages) work themselves out just to say what they are."""
    for value in context.flatten().values():
        if issubclass(type(value), BaseForm) and value.is_bound and value._errors:
            return "Error: "
    return ""
