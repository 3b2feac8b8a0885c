"""Domain events (the outbox, DESIGN §5): written in the business transaction, delivered by the worker."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from comptoir.platform.constants import EventStatus
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import IntegrationEvent
from comptoir.platform.modules import registry
from comptoir.platform.services.webhooks import matching_subscription_ids, max_attempts, schedule_deliveries
from comptoir.platform.tenancy import current_user_id


class UndeclaredEvent(LookupError):
    """Code emitted an event type no module's spec declares: a programming error, not a user's."""


def emit_event(*, event_type: str, payload: dict, source=None) -> IntegrationEvent:
    """Record `event_type` (declared in its module's spec, e.g. 'invoice.posted'; else
    UndeclaredEvent) for the organization in context, in the caller's transaction, with a delivery job per matching
    active webhook enqueued in that same transaction: if the caller rolls back, neither the event nor its jobs
    exist. `payload` is a JSON object (Decimal, UUID and dates are turned into
    strings); `source` is the model instance the event is about. With no matching webhook the event is recorded
    already settled (SUCCESS) and no job is enqueued."""
    if event_type not in registry().events:
        raise UndeclaredEvent(f"No module declares the event type {event_type!r}")
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    if not isinstance(data, dict):
        raise ValidationFailed("The payload must be a JSON object", code="invalid_payload", field="payload")
    with transaction.atomic(savepoint=False):  # inside the caller's transaction: no savepoint round trips
        subscription_ids = matching_subscription_ids(event_type)
        event = IntegrationEvent.objects.create(
            event_type=event_type,
            payload=data,
            status=EventStatus.PENDING if subscription_ids else EventStatus.SUCCESS,
            processed_at=None if subscription_ids else timezone.now(),
            max_attempts=max_attempts(),
            source_object_type=source._meta.label_lower if source is not None else "",
            source_object_id=source.pk if source is not None else None,
            created_by_id=current_user_id(),
        )
        schedule_deliveries(event, [(subscription_id, 1) for subscription_id in subscription_ids])
    return event
