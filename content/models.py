from django.db import models
from wagtail.models import Page


class LoadedPage(models.Model):
    """Which source file a page was loaded from, and the digest of what was loaded.

    `load_courses` uses it to skip unchanged pages and to leave alone pages a trainer has edited.
    """

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="loaded_from")
    source = models.CharField(max_length=300)
    digest = models.CharField(max_length=64)
    revision_id = models.PositiveBigIntegerField(null=True, help_text="The revision the loader published.")
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.source
