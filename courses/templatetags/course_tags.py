from django import template
from django.utils.safestring import mark_safe

from courses.caching import cached_fragment

register = template.Library()


@register.tag
def shared_fragment(parser, token):
    """{% shared_fragment fragment %}...{% endshared_fragment %}: the enclosed HTML, kept in the
    shared cache where `fragment` (a courses.caching.Fragment) says, and used while what it was
    rendered from is unchanged. Without a fragment (None) it is rendered every time."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("shared_fragment takes one argument: the fragment")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, parser.compile_filter(bits[1]))


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, fragment):
        self.nodelist, self.fragment = nodelist, fragment

    def render(self, context):
        fragment = self.fragment.resolve(context)
        if not fragment:
            return self.nodelist.render(context)
        return mark_safe(cached_fragment(fragment, lambda: self.nodelist.render(context)))  # noqa: S308 - rendered by this template


@register.simple_tag
def module_progress(progress, module):
    """The ModuleProgress of one module of a course outline (no queries)."""
    return progress.module_progress.get(module.page.pk)


@register.simple_tag
def module_lock(progress, module):
    """The module that must be completed first, if this one is locked."""
    module_progress = progress.module_progress.get(module.page.pk)
    return module_progress.locked_by if module_progress and module_progress.locked else None
