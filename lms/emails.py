"""Plain-text emails: subjects and bodies are text, not HTML, so they are rendered without HTML
escaping (a course called "Q&A" or a learner called O'Brien reads as typed). Every app's email goes
through `render_email`."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import Context, engines


def render_plain(template_name, context):
    """A plain-text template rendered without HTML autoescaping."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_email(template_prefix, context, to):
    """An EmailMessage from <prefix>_subject.txt (one line) and <prefix>.txt."""
    subject = " ".join(render_plain(f"{template_prefix}_subject.txt", context).split())
    body = render_plain(f"{template_prefix}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
