from django.db import models


class DemoLoad(models.Model):
    """Which version of the demo loaders last ran to completion on this database."""

    fingerprint = models.CharField(max_length=64, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.fingerprint[:12]
