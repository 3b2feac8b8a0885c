"""Shapes of the notification endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field

from comptoir.platform.constants import NotificationType
from comptoir.platform.schemas.base import Page


class NotificationOut(Schema):
    id: uuid.UUID
    type: str
    category: str
    title: str
    message: str
    data: dict
    channel: str
    is_read: bool
    read_at: datetime | None
    created_at: datetime


class NotificationPage(Page):
    items: list[NotificationOut]


class NotificationFilters(Schema):
    is_read: bool | None = None
    category: str | None = Field(None, max_length=50)
    type: NotificationType | None = None


class UnreadCountOut(Schema):
    count: int


class ReadAllOut(Schema):
    updated: int
