"""The one place that cleans HTML a learner typed.

nh3 (Rust's ammonia) replaces bleach, which was declared unmaintained on 2026-06-05.
Learner text is stored exactly as typed and cleaned only when shown: everything a learner types
that is shown as HTML goes through `clean_html` (or `learner_html`, the `learner_html` template
filter in lms/templatetags/sanitise.py).
"""

import re

import markdown
import nh3
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "em",
        "h2",
        "h3",
        "h4",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
        # Tables, for a learner's content plan or campaign figures.
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


LEARNER_LINK_REL = "noopener noreferrer nofollow"


def clean_html(html, extra_tags=(), link_rel=LEARNER_LINK_REL):
    """Return `html` with every tag, attribute and URL scheme outside the allow-lists removed
    (`extra_tags`: tags one caller allows too, such as the <hr> of a lesson's rich text; `link_rel`:
    the rel every link gets, None for a course's own content, whose links the site vouches for)."""
    if not html:
        return ""
    return nh3.clean(
        str(html),
        tags=set(ALLOWED_TAGS) | set(extra_tags),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=link_rel,
    )


HAS_TAG = re.compile(r"<[a-zA-Z/!]")


def learner_html(text):
    """Safe HTML for what a learner typed: their simple formatting kept when they wrote HTML,
    otherwise plain text with its paragraphs and line breaks (and < > & shown as typed)."""
    text = str(text or "")
    if HAS_TAG.search(text):
        return mark_safe(clean_html(text))  # noqa: S308 - cleaned by nh3 just now
    return linebreaks(text, autoescape=True)


def learner_markdown(text):
    """Safe HTML for a longer answer a learner wrote as plain text with Markdown (a blank line
    between paragraphs, "- " for a list, "| Week | Topic |" rows for a table) or as simple HTML:
    Markdown turns it into HTML, then `clean_html` keeps only the allowed tags."""
    html = markdown.markdown(str(text or ""), extensions=["tables", "sane_lists"])
    return mark_safe(clean_html(html))  # noqa: S308 - cleaned by nh3 just now
