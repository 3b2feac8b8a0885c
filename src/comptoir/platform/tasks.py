"""Background tasks of the platform app (procrastinate; autodiscovered as `<app>.tasks`).

A task receives the organization id and enters its tenant context; the work itself is a service.

Periodic maintenance tasks (`@app.periodic`) receive the tick's `timestamp` from procrastinate and visit every
active organization with `maintenance.for_each_organization`. procrastinate defers each tick once however many
workers run (`procrastinate_periodic_defers`); the queueing lock keeps at most one job of a kind waiting and the
lock runs them one at a time. A run in which some organization failed ends failed (after all the others ran)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import InterfaceError, OperationalError
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from comptoir.platform.services import calendar, maintenance, notifications, webhooks
from comptoir.platform.tenancy import tenant_context

# Lost database connections are retried; receivers' failures are not exceptions (each attempt is recorded).
_DATABASE_HICCUPS = RetryStrategy(max_attempts=3, wait=5, retry_exceptions={OperationalError, InterfaceError})

MAINTENANCE_QUEUE = "maintenance"
SEND_DUE_REMINDERS_TASK = "platform.send_due_reminders"
PURGE_READ_NOTIFICATIONS_TASK = "platform.purge_read_notifications"
PURGE_IDEMPOTENCY_KEYS_TASK = "platform.purge_expired_idempotency_keys"
ENSURE_AUDIT_PARTITIONS_TASK = "platform.ensure_audit_partitions"

READ_NOTIFICATION_RETENTION = timedelta(days=90)
AUDIT_PARTITIONS_AHEAD = 12  # months


@app.task(name=webhooks.DELIVER_WEBHOOK_TASK, queue=webhooks.WEBHOOK_QUEUE, retry=_DATABASE_HICCUPS)
def deliver_webhook(organization_id: str, delivery_id: str) -> None:
    with tenant_context(organization_id):
        webhooks.deliver_webhook(delivery_id=delivery_id)


def tick_time(timestamp: int | None) -> datetime:
    """The time the periodic job was scheduled for (now when deferred by hand without one)."""
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp is not None else timezone.now()


@app.periodic(cron="*/5 * * * *", periodic_id="every-5-minutes")
@app.task(
    name=SEND_DUE_REMINDERS_TASK,
    queue=MAINTENANCE_QUEUE,
    queueing_lock=SEND_DUE_REMINDERS_TASK,
    lock=SEND_DUE_REMINDERS_TASK,
)
def send_due_reminders(timestamp: int | None = None) -> None:
    """Every 5 minutes: each organization's due event reminders (the 15-minute window covers missed ticks; a
    reminder already sent is not sent again)."""
    now = tick_time(timestamp)
    maintenance.for_each_organization(
        lambda _org: len(calendar.send_due_reminders(now=now)), name=SEND_DUE_REMINDERS_TASK
    ).raise_if_failed()


@app.periodic(cron="10 2 * * *", periodic_id="daily")
@app.task(
    name=PURGE_READ_NOTIFICATIONS_TASK,
    queue=MAINTENANCE_QUEUE,
    queueing_lock=PURGE_READ_NOTIFICATIONS_TASK,
    lock=PURGE_READ_NOTIFICATIONS_TASK,
)
def purge_read_notifications(timestamp: int | None = None) -> None:
    """Daily: each organization's notifications read more than 90 days ago."""
    now = tick_time(timestamp)
    maintenance.for_each_organization(
        lambda _org: notifications.purge_read_notifications(older_than=READ_NOTIFICATION_RETENTION, now=now),
        name=PURGE_READ_NOTIFICATIONS_TASK,
    ).raise_if_failed()


@app.periodic(cron="20 2 * * *", periodic_id="daily")
@app.task(
    name=PURGE_IDEMPOTENCY_KEYS_TASK,
    queue=MAINTENANCE_QUEUE,
    queueing_lock=PURGE_IDEMPOTENCY_KEYS_TASK,
    lock=PURGE_IDEMPOTENCY_KEYS_TASK,
)
def purge_expired_idempotency_keys(timestamp: int | None = None) -> None:
    """Daily: each organization's idempotency keys whose expiry has passed."""
    now = tick_time(timestamp)
    maintenance.for_each_organization(
        lambda _org: maintenance.purge_expired_idempotency_keys(now=now), name=PURGE_IDEMPOTENCY_KEYS_TASK
    ).raise_if_failed()


@app.periodic(cron="30 2 * * *", periodic_id="daily")
@app.task(
    name=ENSURE_AUDIT_PARTITIONS_TASK,
    queue=MAINTENANCE_QUEUE,
    queueing_lock=ENSURE_AUDIT_PARTITIONS_TASK,
    lock=ENSURE_AUDIT_PARTITIONS_TASK,
)
def ensure_audit_partitions(timestamp: int | None = None) -> None:
    """Daily (idempotent; a monthly tick missed while no worker ran would wait a month): the audit log's monthly
    partitions for the next 12 months. Not per organization: the table is shared."""
    maintenance.ensure_audit_partitions(AUDIT_PARTITIONS_AHEAD)
