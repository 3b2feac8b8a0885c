"""Domain events (the outbox, DESIGN §5): written in the business transaction, delivered by the worker."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform.constants import EventStatus
from comptoir.platform.db import prepared_cursor
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.models import IntegrationEvent, WebhookSubscription
from comptoir.platform.modules import registry
from comptoir.platform.services.webhooks import max_attempts, patterns_matching, schedule_deliveries
from comptoir.platform.tenancy import current_user_id, require_org_id


class UndeclaredEvent(LookupError):
    """Code emitted an event type no module's spec declares: a programming error, not a user's."""


# The event and the active subscriptions that select it, in one statement: PENDING with their ids when there are
# any, else already settled (SUCCESS, processed now). Row-level security keeps the subscriptions to the
# organization in context.
_EMIT_SQL = f"""
WITH subscription AS (
    SELECT id FROM {WebhookSubscription._meta.db_table}
     WHERE is_active AND deleted_at IS NULL AND event_types && %(patterns)s::varchar[]
)
INSERT INTO {IntegrationEvent._meta.db_table}
    (id, organization_id, created_at, updated_at, created_by_id, updated_by_id, event_type, payload, status,
     attempts, max_attempts, error_message, source_object_type, source_object_id, processed_at)
SELECT %(id)s::uuid, %(org)s::uuid, %(now)s::timestamptz, %(now)s::timestamptz, %(user)s::uuid, %(user)s::uuid,
       %(event_type)s, %(payload)s::jsonb,
       CASE WHEN EXISTS (SELECT 1 FROM subscription) THEN %(pending)s ELSE %(settled)s END,
       0, %(max_attempts)s, '', %(source_type)s, %(source_id)s::uuid,
       CASE WHEN EXISTS (SELECT 1 FROM subscription) THEN NULL ELSE %(now)s::timestamptz END
RETURNING status, processed_at, ARRAY(SELECT id FROM subscription ORDER BY id)
"""  # noqa: S608 (the tables are the models')


def emit_event(*, event_type: str, payload: dict, source=None) -> IntegrationEvent:
    """Record `event_type` (declared in its module's spec, e.g. 'invoice.posted'; else
    UndeclaredEvent) for the organization in context, in the caller's transaction, with a delivery job per matching
    active webhook enqueued in that same transaction: if the caller rolls back, neither the event nor its jobs
    exist. `payload` is a JSON object (Decimal, UUID and dates are turned into
    strings); `source` is the model instance the event is about. With no matching webhook the event is recorded
    already settled (SUCCESS) and no job is enqueued."""
    if event_type not in registry().events:
        raise UndeclaredEvent(f"No module declares the event type {event_type!r}")
    text = json.dumps(payload, cls=DjangoJSONEncoder)
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValidationFailed(_("The payload must be a JSON object"), code="invalid_payload", field="payload")
    event = IntegrationEvent(
        id=uuid7(),
        organization_id=require_org_id(),
        created_by_id=current_user_id(),
        event_type=event_type,
        payload=data,
        max_attempts=max_attempts(),
        source_object_type=source._meta.label_lower if source is not None else "",
        source_object_id=source.pk if source is not None else None,
    )
    event.created_at = event.updated_at = timezone.now()
    event.updated_by_id = event.created_by_id
    params = {
        "id": event.pk,
        "org": event.organization_id,
        "now": event.created_at,
        "user": event.created_by_id,
        "event_type": event_type,
        "payload": text,
        "pending": EventStatus.PENDING,
        "settled": EventStatus.SUCCESS,
        "max_attempts": event.max_attempts,
        "source_type": event.source_object_type,
        "source_id": event.source_object_id,
        "patterns": patterns_matching(event_type),
    }
    with transaction.atomic(savepoint=False):  # inside the caller's transaction: no savepoint round trips
        with prepared_cursor() as cursor:
            cursor.execute(_EMIT_SQL, params)
            event.status, event.processed_at, subscription_ids = cursor.fetchone()
        event._state.adding = False
        schedule_deliveries(event, [(subscription_id, 1) for subscription_id in subscription_ids])
    return event
