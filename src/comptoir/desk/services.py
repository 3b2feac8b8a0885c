"""Writes of the desk: a member's saved views of a list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.desk.models import SavedView
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.services.audit import record_audit

MAX_QUERY = 2000


@dataclass(frozen=True, kw_only=True)
class SavedViewInput:
    view: str
    name: str
    query: str = ""
    columns: tuple[str, ...] = ()
    is_default: bool = False


def save_view(*, actor, data: SavedViewInput) -> SavedView:
    """Creates the member's view of that name, or replaces it; a default view unsets the member's other default
    for the same list."""
    name = data.name.strip()
    if not name:
        raise ValidationFailed(_("Give the view a name"), code="required", field="name")
    if len(name) > SavedView._meta.get_field("name").max_length:
        raise ValidationFailed(_("The name is too long"), code="max_length", field="name")
    if len(data.query) > MAX_QUERY:
        raise ValidationFailed(_("Too many filters"), code="max_length", field="query")
    with transaction.atomic():
        if data.is_default:
            SavedView.objects.filter(user=actor, view=data.view, is_default=True).exclude(name=name).update(
                is_default=False
            )
        saved, created = SavedView.objects.update_or_create(
            user=actor,
            view=data.view,
            name=name,
            defaults={
                "query": data.query,
                "columns": list(data.columns),
                "is_default": data.is_default,
                "updated_by": actor,
            },
            create_defaults={
                "query": data.query,
                "columns": list(data.columns),
                "is_default": data.is_default,
                "created_by": actor,
                "updated_by": actor,
            },
        )
        record_audit(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=saved,
            new={"view": saved.view, "name": saved.name, "query": saved.query, "columns": saved.columns},
        )
    return saved


def delete_saved_view(*, actor, saved_view_id) -> None:
    with transaction.atomic():
        saved = SavedView.objects.filter(user=actor, pk=saved_view_id).first()
        if saved is None:
            raise NotFound(_("No such saved view"))
        record_audit(actor=actor, action=AuditAction.DELETE, obj=saved, old={"view": saved.view, "name": saved.name})
        saved.delete()
