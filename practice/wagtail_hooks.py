"""Platforms (*Snippets > Platforms*): the character limits a drafted post is checked against,
kept as data a trainer updates."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Platform


class PlatformViewSet(SnippetViewSet):
    model = Platform
    icon = "comment"
    menu_label = "Platforms"
    list_display = ["name", "character_limit", "url_length", "emoji_weight"]


register_snippet(PlatformViewSet)
