"""Shapes of the webhook, integration-event and delivery endpoints. A webhook's secret appears only in the answer
to its creation (`WebhookCreatedOut`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field

from comptoir.platform.constants import DeliveryStatus, EventStatus
from comptoir.platform.schemas.base import Input, Page

EVENT_TYPES_DOC = "Exact types ('invoice.posted'), prefixes ('invoice.*' = every type under 'invoice.') or '*'"


class WebhookIn(Input):
    url: str = Field(max_length=500, description="https URL (plain http only to localhost, or when DEBUG)")
    event_types: list[str] = Field(max_length=50, description=EVENT_TYPES_DOC)
    secret: str | None = Field(
        None, max_length=200, description="Signing secret (16+ characters); generated when omitted"
    )
    is_active: bool = True
    description: str = Field("", max_length=5000)


class WebhookPatch(Input):
    url: str | None = Field(None, max_length=500)
    event_types: list[str] | None = Field(None, max_length=50, description=EVENT_TYPES_DOC)
    secret: str | None = Field(None, max_length=200, description="A new signing secret (16+ characters)")
    is_active: bool | None = None
    description: str | None = Field(None, max_length=5000)


class WebhookOut(Schema):
    id: uuid.UUID
    url: str
    event_types: list[str]
    is_active: bool
    description: str
    consecutive_failures: int
    created_at: datetime
    updated_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="Shown once: store it to verify X-Comptoir-Signature")


class WebhookPage(Page):
    items: list[WebhookOut]


class WebhookFilters(Schema):
    is_active: bool | None = None
    event_type: str | None = Field(None, max_length=100, description="Webhooks listing exactly this pattern")
    search: str | None = Field(None, max_length=100)


class EventOut(Schema):
    id: uuid.UUID
    event_type: str
    payload: dict
    status: str
    attempts: int
    max_attempts: int
    last_attempt_at: datetime | None
    next_retry_at: datetime | None
    error_message: str
    source_object_type: str
    source_object_id: uuid.UUID | None
    processed_at: datetime | None
    created_at: datetime


class EventPage(Page):
    items: list[EventOut]


class EventFilters(Schema):
    status: EventStatus | None = None
    event_type: str | None = Field(None, max_length=100, description="'invoice.posted' or 'invoice.*'")
    source_object_type: str | None = Field(None, max_length=100)
    source_object_id: uuid.UUID | None = None


class DeliveryOut(Schema):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    subscription_id: uuid.UUID
    attempt: int
    status: str
    response_status: int | None
    response_body: str
    error_message: str
    duration_ms: int | None
    next_retry_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryPage(Page):
    items: list[DeliveryOut]


class DeliveryFilters(Schema):
    status: DeliveryStatus | None = None
    event_type: str | None = Field(None, max_length=100, description="'invoice.posted' or 'invoice.*'")
    event_id: uuid.UUID | None = None
