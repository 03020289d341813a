"""Admin views for the question bank."""

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.text import capfirst
from wagtail.admin.views.generic import DeleteView

from .models import QuizQuestion


def describe(obj):
    # A quiz's question slot reads best as its quiz's title.
    return str(obj.quiz) if isinstance(obj, QuizQuestion) else str(obj)


class ProtectedDeleteView(DeleteView):
    """Refuse, with a message, to delete a row the database still protects.

    Wagtail refuses deletion itself when its reference index records a protecting reference, but
    the index only knows about rows saved while the admin's viewsets were registered: questions
    loaded by a management command are missing from it until `rebuild_references_index` runs.
    """

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError as error:
            in_use = sorted({describe(obj) for obj in error.protected_objects})
            shown = ", ".join(in_use[:5]) + (", ..." if len(in_use) > 5 else "")
            messages.error(
                self.request,
                f"{capfirst(self.object._meta.verbose_name)} '{self.object}' is still used "
                f"({shown}) and was not deleted.",
            )
            return redirect(self.index_url_name)
