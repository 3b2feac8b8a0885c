"""Webhooks API: subscriptions (CRUD), the organization's integration events, delivery attempts, manual
redelivery. Thin: parse, authorise, call a service or a query."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import webhooks as queries
from comptoir.platform.schemas.webhooks import (
    DeliveryFilters,
    DeliveryOut,
    DeliveryPage,
    EventFilters,
    EventOut,
    EventPage,
    WebhookCreatedOut,
    WebhookFilters,
    WebhookIn,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
)
from comptoir.platform.services import webhooks as services

router = Router(tags=["webhooks"])


@router.get("/webhooks", response=WebhookPage)
def list_webhooks(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[WebhookFilters]):
    """The webhook subscriptions of the organization."""
    authorize(request, "platform.view_webhooksubscription")
    return list_or_export(
        request,
        queries.webhook_subscriptions(**filters.dict()),
        page,
        export,
        allowed_ordering={"created_at", "url", "consecutive_failures"},
        default_ordering=["-created_at"],
        schema=WebhookOut,
        filename="webhooks",
    )


@router.post("/webhooks", response={201: WebhookCreatedOut})
def create_webhook(request, payload: WebhookIn):
    """Subscribe a URL to event types; the signing secret is shown once in the answer."""
    actor = authorize(request, "platform.add_webhooksubscription")
    subscription, secret = services.create_webhook_subscription(
        actor=actor.user, data=services.WebhookInput(**payload.dict())
    )
    subscription.secret = secret
    return Status(201, subscription)


@router.get("/webhooks/events", response=EventPage)
def list_events(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[EventFilters]):
    """The domain events of the organization (the outbox), newest first."""
    authorize(request, "platform.view_integrationevent")
    return list_or_export(
        request,
        queries.integration_events(**filters.dict()),
        page,
        export,
        allowed_ordering={"created_at", "event_type", "status"},
        default_ordering=["-created_at"],
        schema=EventOut,
        filename="webhook-events",
    )


@router.get("/webhooks/events/{event_id}", response=EventOut)
def get_event(request, event_id: uuid.UUID):
    """One domain event with its payload."""
    authorize(request, "platform.view_integrationevent")
    return queries.access_integration_event(event_id)


@router.post("/webhooks/events/{event_id}/redeliver", response={202: EventOut})
def redeliver_event(request, event_id: uuid.UUID):
    """Deliver an event again to its subscriptions."""
    actor = authorize(request, "platform.change_integrationevent")
    queries.access_integration_event(event_id)
    return Status(202, services.redeliver_event(actor=actor.user, event_id=event_id))


@router.get("/webhooks/{webhook_id}", response=WebhookOut)
def get_webhook(request, webhook_id: uuid.UUID):
    """One webhook subscription."""
    authorize(request, "platform.view_webhooksubscription")
    return queries.access_webhook_subscription(webhook_id)


@router.patch("/webhooks/{webhook_id}", response=WebhookOut)
def patch_webhook(request, webhook_id: uuid.UUID, payload: WebhookPatch):
    """Change the fields sent of a subscription (URL, event types, secret, active)."""
    actor = authorize(request, "platform.change_webhooksubscription")
    return services.update_webhook_subscription(
        actor=actor.user, subscription_id=webhook_id, patch=services.WebhookPatch.from_schema(payload)
    )


@router.delete("/webhooks/{webhook_id}", response={204: None})
def delete_webhook(request, webhook_id: uuid.UUID):
    """Delete a webhook subscription."""
    actor = authorize(request, "platform.delete_webhooksubscription")
    services.delete_webhook_subscription(actor=actor.user, subscription_id=webhook_id)
    return Status(204, None)


@router.get("/webhooks/{webhook_id}/deliveries", response=DeliveryPage)
def list_deliveries(
    request,
    webhook_id: uuid.UUID,
    page: Query[PageParams],
    export: Query[ExportParams],
    filters: Query[DeliveryFilters],
):
    """The delivery attempts of a subscription, with status and response."""
    authorize(request, "platform.view_webhookdelivery")
    queries.access_webhook_subscription(webhook_id)
    return list_or_export(
        request,
        queries.webhook_deliveries(webhook_id, **filters.dict()),
        page,
        export,
        allowed_ordering={"created_at", "attempt", "status"},
        default_ordering=["-created_at"],
        schema=DeliveryOut,
        filename="webhook-deliveries",
    )
