"""The caller's own notifications: list, unread count, mark read, delete. Any signed-in member may call them
(no permission codename); the record rule limits every call to the caller's own notifications."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from comptoir.platform.access import Actor, actor_of
from comptoir.platform.errors import PermissionDenied
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import notifications as queries
from comptoir.platform.schemas.notifications import (
    NotificationFilters,
    NotificationOut,
    NotificationPage,
    ReadAllOut,
    UnreadCountOut,
)
from comptoir.platform.services import notifications as services

router = Router(tags=["notifications"])


def _member(request) -> Actor:
    actor = actor_of(request)
    if actor.organization_id is None:
        raise PermissionDenied(_("Choose an organization with the X-Organization header"), code="organization_required")
    return actor


@router.get("/notifications", response=NotificationPage)
def list_notifications(
    request, page: Query[PageParams], export: Query[ExportParams], filters: Query[NotificationFilters]
):
    """The signed-in user's notifications, newest first."""
    actor = _member(request)
    return list_or_export(
        request,
        queries.notifications_of(actor.user, **filters.dict()),
        page,
        export,
        allowed_ordering={"created_at"},
        default_ordering=["-created_at"],
        schema=NotificationOut,
        filename="notifications",
    )


@router.get("/notifications/unread-count", response=UnreadCountOut)
def unread_count(request):
    """How many of the signed-in user's notifications are unread."""
    return {"count": queries.unread_count(_member(request).user)}


@router.post("/notifications/read-all", response=ReadAllOut)
def read_all(request, category: str | None = None):
    """Mark every notification of the signed-in user read."""
    actor = _member(request)
    return {"updated": services.mark_all_notifications_read(actor=actor.user, category=category)}


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request, notification_id: uuid.UUID):
    """Mark one notification read."""
    actor = _member(request)
    return services.mark_notification_read(actor=actor.user, notification_id=notification_id)


@router.delete("/notifications/{notification_id}", response={204: None})
def delete_notification(request, notification_id: uuid.UUID):
    """Delete one of the signed-in user's notifications."""
    actor = _member(request)
    services.delete_notification(actor=actor.user, notification_id=notification_id)
    return Status(204, None)
