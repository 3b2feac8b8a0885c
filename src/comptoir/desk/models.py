"""A member's saved views of a desk list: its filters and ordering (a query string) and its chosen columns."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from comptoir.platform.models import TenantModel


class SavedView(TenantModel):
    """One member's named view of one list ("module.slug"); at most one is their default for that list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    view = models.CharField(max_length=100)
    name = models.CharField(max_length=80)
    query = models.TextField(blank=True)
    columns = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name = "saved view"
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "view", "name"], name="desk_saved_view_name"),
            models.UniqueConstraint(
                fields=["organization", "user", "view"],
                condition=models.Q(is_default=True),
                name="desk_saved_view_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name
