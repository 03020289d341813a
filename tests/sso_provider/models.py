from django.conf import settings
from django.db import models


class Person(models.Model):
    """Someone the test provider signs in, with the claims it sends about them: their name, and whether
    the provider says it verified their email address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    name = models.CharField(max_length=150)
    email_verified = models.BooleanField(default=True)
