"""Notifications: a message to one member of the organization in context, read in the app (and, on the EMAIL
channel, also sent by e-mail once the transaction commits). A user reads and manages only their own."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from comptoir.platform.constants import NotificationChannel, NotificationType
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.models import Notification, OrganizationMember


def notify(
    *,
    user,
    title: str,
    message: str = "",
    type: str = NotificationType.INFO,
    category: str = "",
    data: dict | None = None,
    channel: str = NotificationChannel.IN_APP,
    actor=None,
) -> Notification:
    """Create a notification for `user`, who must be an active member of the organization in context. `data`
    is a JSON object (e.g. the deep-link target). EMAIL also sends `title`/`message` to the user's address after
    commit; PUSH is stored for a push gateway (none is wired yet)."""
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(gettext("Title is required"), code="required", field="title")
    if len(title) > 255:
        raise ValidationFailed(gettext("Title is longer than 255 characters"), code="max_length", field="title")
    if len(category or "") > 50:
        raise ValidationFailed(gettext("Category is longer than 50 characters"), code="max_length", field="category")
    if type not in NotificationType.values:
        raise ValidationFailed(
            gettext("Unknown notification type '%(type)s'") % {"type": type}, code="invalid_choice", field="type"
        )
    if channel not in NotificationChannel.values:
        raise ValidationFailed(
            gettext("Unknown channel '%(channel)s'") % {"channel": channel}, code="invalid_choice", field="channel"
        )
    if data is not None and not isinstance(data, dict):
        raise ValidationFailed(gettext("Data must be a JSON object"), code="invalid_type", field="data")
    user_id = getattr(user, "pk", user)
    with transaction.atomic():
        if not OrganizationMember.objects.filter(user_id=user_id, is_active=True).exists():
            raise ValidationFailed(
                gettext("The user is not an active member of this organization"), code="not_a_member", field="user"
            )
        notification = Notification.objects.create(
            user_id=user_id,
            title=title,
            message=message or "",
            type=type,
            category=category or "",
            data=data or {},
            channel=channel,
            created_by=actor,
        )
        if channel == NotificationChannel.EMAIL:
            email = getattr(user, "email", None) or notification.user.email
            if email:
                transaction.on_commit(partial(_send_email, email, title, message or title), robust=True)
    return notification


def _send_email(email: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [email])


def mark_notification_read(*, actor, notification_id) -> Notification:
    """Mark one of the actor's notifications read. One-way: reading it again keeps the first `read_at`."""
    now = timezone.now()
    with transaction.atomic():
        mine = Notification.objects.filter(pk=notification_id, user=actor)
        mine.filter(is_read=False).update(is_read=True, read_at=now, updated_at=now)
        notification = mine.first()
    if notification is None:
        raise NotFound(gettext("Notification not found"))
    return notification


def mark_all_notifications_read(*, actor, category: str | None = None) -> int:
    """Mark every unread notification of the actor read (optionally of one category) in one UPDATE; returns
    how many changed."""
    now = timezone.now()
    unread = Notification.objects.filter(user=actor, is_read=False)
    if category:
        unread = unread.filter(category=category)
    with transaction.atomic():
        return unread.update(is_read=True, read_at=now, updated_at=now)


def delete_notification(*, actor, notification_id) -> None:
    with transaction.atomic():
        deleted, _ = Notification.objects.filter(pk=notification_id, user=actor).delete()
    if not deleted:
        raise NotFound(gettext("Notification not found"))


def purge_read_notifications(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete the organization's notifications read more than `older_than` ago (retention); returns how many."""
    cutoff = (now or timezone.now()) - older_than
    with transaction.atomic():
        deleted, _ = Notification.objects.filter(is_read=True, read_at__lt=cutoff).delete()
    return deleted
