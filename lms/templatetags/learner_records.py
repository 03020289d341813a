"""`{{ user_id|learner_record_url }}`: the admin page of a learner's record (registered by the reports
app through lms.admin_utils), or "" when there is none. Lists that are already scoped to the admin
user (lms.scoping) use it to link each learner's name."""

from django import template

from lms.admin_utils import learner_record_url as record_url

register = template.Library()


@register.filter
def learner_record_url(user_id):
    return record_url(user_id) or ""
