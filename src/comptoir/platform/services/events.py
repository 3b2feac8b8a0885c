"""Domain events (the outbox, DESIGN §5): written in the business transaction, delivered by the worker."""

from __future__ import annotations

import json
from contextvars import ContextVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform.constants import EventStatus
from comptoir.platform.db import gathered, prepared_cursor
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


# Several events at once (`events_in_one_statement`): each row with the active subscriptions that select it.
_EMIT_MANY_SQL = f"""
WITH ev (id, organization_id, at, user_id, event_type, payload, max_attempts, source_type, source_id, patterns) AS (
    VALUES {{rows}}
), matched AS (
    SELECT ev.id, ARRAY(SELECT s.id FROM {WebhookSubscription._meta.db_table} s
                         WHERE s.is_active AND s.deleted_at IS NULL AND s.event_types && ev.patterns
                         ORDER BY s.id) AS subscriptions
      FROM ev
)
INSERT INTO {IntegrationEvent._meta.db_table}
    (id, organization_id, created_at, updated_at, created_by_id, updated_by_id, event_type, payload, status,
     attempts, max_attempts, error_message, source_object_type, source_object_id, processed_at)
SELECT ev.id, ev.organization_id, ev.at, ev.at, ev.user_id, ev.user_id, ev.event_type, ev.payload,
       CASE WHEN cardinality(m.subscriptions) > 0 THEN %s ELSE %s END,
       0, ev.max_attempts, '', ev.source_type, ev.source_id,
       CASE WHEN cardinality(m.subscriptions) > 0 THEN NULL ELSE ev.at END
  FROM ev JOIN matched m ON m.id = ev.id
RETURNING id, status, processed_at,
          (SELECT m.subscriptions FROM matched m WHERE m.id = {IntegrationEvent._meta.db_table}.id)
"""  # noqa: S608 (the tables are the models')
_EMIT_MANY_ROW = "(%s::uuid, %s::uuid, %s::timestamptz, %s::uuid, %s, %s::jsonb, %s::int, %s, %s::uuid, %s::varchar[])"

_gathered: ContextVar[list | None] = ContextVar("comptoir_events_gathered", default=None)


def events_in_one_statement():
    """A block whose events are written together, with their delivery jobs, in one statement when it ends
    (`platform.db.gathered`): for a service that emits several (an invoice created, its entry posted, the invoice
    submitted). An event's status is known only then."""
    return gathered(_gathered, _insert_many)


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
    gathered = _gathered.get()
    if gathered is None:
        _insert_one(event, params)
    else:
        gathered.append((event, params))
    return event


def _insert_one(event: IntegrationEvent, params: dict) -> None:
    with transaction.atomic(savepoint=False):  # inside the caller's transaction: no savepoint round trips
        with prepared_cursor() as cursor:
            cursor.execute(_EMIT_SQL, params)
            event.status, event.processed_at, subscription_ids = cursor.fetchone()
        event._state.adding = False
        schedule_deliveries(event, [(subscription_id, 1) for subscription_id in subscription_ids])


def _insert_many(pending: list) -> None:
    if len(pending) == 1:
        _insert_one(*pending[0])
        return
    values: list = []
    for _event, p in pending:
        values += [p["id"], p["org"], p["now"], p["user"], p["event_type"], p["payload"], p["max_attempts"]]
        values += [p["source_type"], p["source_id"], p["patterns"]]
    sql = _EMIT_MANY_SQL.format(rows=", ".join([_EMIT_MANY_ROW] * len(pending)))
    with transaction.atomic(savepoint=False), prepared_cursor() as cursor:
        cursor.execute(sql, [*values, EventStatus.PENDING, EventStatus.SUCCESS])
        written = {pk: rest for pk, *rest in cursor.fetchall()}
        for event, _params in pending:
            event.status, event.processed_at, subscription_ids = written[event.pk]
            event._state.adding = False
            schedule_deliveries(event, [(subscription_id, 1) for subscription_id in subscription_ids])
