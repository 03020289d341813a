"""What course pages show a learner beyond their own fields: outline, progress, the quiz status.

Page models (courses/models.py, quizzes/models.py) cannot call the services that compute this,
since those services import the models. Instead each app registers a provider for its page types
in AppConfig.ready(), and `LearnerContextMixin.get_context` merges what the providers return, for
a live page and for a trainer's preview alike.
"""

_providers = []


def register_context_provider(page_class, provider):
    """`provider(page, request) -> dict` adds to the context of every `page_class` page."""
    if (page_class, provider) not in _providers:
        _providers.append((page_class, provider))


def learner_context(page, request):
    context = {}
    for page_class, provider in _providers:
        if isinstance(page, page_class):
            context.update(provider(page, request))
    return context
