"""Shapes of the attachment endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field

from comptoir.platform.schemas.base import Page


class AttachmentOut(Schema):
    id: uuid.UUID
    owner_type: str
    owner_id: uuid.UUID
    file_name: str
    mime_type: str
    size_bytes: int
    sha256: str
    uploaded_by_id: uuid.UUID | None
    created_at: datetime


class AttachmentPage(Page):
    items: list[AttachmentOut]


class AttachmentOwner(Schema):
    owner_type: str = Field(max_length=100, description="'app_label.model' of the record, e.g. platform.workspace")
    owner_id: uuid.UUID
