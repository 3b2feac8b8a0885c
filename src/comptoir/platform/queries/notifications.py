"""The caller's notifications. Record rule: a user sees only their own, in the organization in context."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.platform.errors import NotFound
from comptoir.platform.models import Notification


def notifications_of(user, *, is_read: bool | None = None, category: str | None = None, type: str | None = None):
    qs = Notification.objects.filter(user=user)
    if is_read is not None:
        qs = qs.filter(is_read=is_read)
    if category:
        qs = qs.filter(category=category)
    if type:
        qs = qs.filter(type=type)
    return qs


def access_notification(user, notification_id) -> Notification:
    """The user's notification, or NotFound (also for another user's or another organization's)."""
    notification = notifications_of(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("Notification not found"))
    return notification


def unread_count(user) -> int:
    return notifications_of(user, is_read=False).count()
