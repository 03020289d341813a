from django import template

from lms.security import current_nonce

register = template.Library()


@register.simple_tag
def csp_nonce():
    """The request's Content-Security-Policy nonce, for an inline <script nonce="...">."""
    return str(current_nonce.get())
