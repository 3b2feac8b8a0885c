"""Reads of the desk: a member's saved views."""

from __future__ import annotations

from comptoir.desk.models import SavedView


def saved_views(user, view: str) -> list[SavedView]:
    """The member's views of one list, the default first, then by name."""
    return list(SavedView.objects.filter(user=user, view=view).order_by("-is_default", "name"))
