"""Shapes of the audit-log endpoint."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from ninja import Schema
from pydantic import Field, field_validator

from comptoir.platform.constants import AuditAction, AuditSource
from comptoir.platform.schemas.base import Page


class AuditLogOut(Schema):
    id: uuid.UUID
    timestamp: datetime
    action: AuditAction
    object_type: str
    object_id: uuid.UUID | None
    object_repr: str
    actor_user_id: uuid.UUID | None
    user_email: str
    workspace_id: uuid.UUID | None
    old_values: dict | None
    new_values: dict | None
    changes: dict | None
    reason: str
    metadata: dict
    source: AuditSource
    request_id: str
    request_path: str
    http_method: str
    ip_address: str | None
    user_agent: str
    session_id: str


class AuditLogPage(Page):
    items: list[AuditLogOut]


class AuditLogFilters(Schema):
    object_type: str | None = Field(None, max_length=100, description="'app_label.model', e.g. platform.workspace")
    object_id: uuid.UUID | None = None
    actor: uuid.UUID | None = Field(None, description="id of the acting user")
    action: AuditAction | None = None
    date_from: datetime | None = Field(None, description="inclusive; a time without offset is UTC")
    date_to: datetime | None = Field(None, description="exclusive; a time without offset is UTC")

    @field_validator("date_from", "date_to")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value
