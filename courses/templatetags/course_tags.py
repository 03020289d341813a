from django import template

register = template.Library()


@register.simple_tag
def module_progress(progress, module):
    """The ModuleProgress of one module of a course outline (no queries)."""
    return progress.module_progress.get(module.page.pk)


@register.simple_tag
def module_lock(progress, module):
    """The module that must be completed first, if this one is locked."""
    module_progress = progress.module_progress.get(module.page.pk)
    return module_progress.locked_by if module_progress and module_progress.locked else None
