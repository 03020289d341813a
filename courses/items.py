"""The kinds of item a course is made of: lessons here, quizzes and any later activity elsewhere.

courses knows its item types only through this registry, so it never imports the apps that add
them. An app registers its page model (a subclass of `CourseItemMixin`) in its AppConfig.ready(),
and the model answers for itself, in `done_item_ids`, which of its items (pages from the outline,
or their ids) a learner has done in the current cycle of their enrolment. Outlines and progress
ask every registered type.
"""

_item_types = []


def register_item_type(model):
    """Make `model` a kind of course item (idempotent; registration order is outline order)."""
    if model not in _item_types:
        _item_types.append(model)
    return model


def item_types():
    return tuple(_item_types)


def done_item_ids(enrolments, items):
    """{enrolment pk: ids of `items` done in the enrolment's current cycle}, asking each item type
    about its own items (a fixed number of queries per type, whatever the number of enrolments)."""
    done = {enrolment.pk: set() for enrolment in enrolments}
    for model in _item_types:
        own = [item for item in items if isinstance(item, model)]
        if not own:
            continue
        for enrolment_id, item_ids in model.done_item_ids(enrolments, own).items():
            done[enrolment_id] |= item_ids
    return done
