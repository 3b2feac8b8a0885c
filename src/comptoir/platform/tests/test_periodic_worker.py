"""Periodic maintenance on the real procrastinate worker and job table: the worker's periodic deferrer defers the
reminders tick once and runs it for every organization; a deferred maintenance job runs on the one-shot worker."""

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.utils import timezone

from comptoir.platform import tasks
from comptoir.platform.models import IdempotencyKey, Notification
from comptoir.platform.services.calendar import REMINDER_CATEGORY
from comptoir.platform.tenancy import tenant_context
from comptoir.platform.worker import defer_job, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def _sql(query, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def _clear_jobs():
    _sql("DELETE FROM procrastinate_periodic_defers")
    _sql("DELETE FROM procrastinate_jobs")


@pytest.fixture(autouse=True)
def no_jobs():
    """procrastinate's tables are not flushed between transactional tests: start and end with none."""
    _clear_jobs()
    yield
    _clear_jobs()


def _close_deferrer_connection():
    """The periodic deferrer enqueues through Django's connection in asgiref's sync thread: close it there (else it
    outlives the test and blocks dropping the test database)."""
    asyncio.run(sync_to_async(connections.close_all)())


def _jobs(task_name):
    return _sql(
        "SELECT status::text, (args->>'timestamp')::bigint FROM procrastinate_jobs WHERE task_name = %s ORDER BY id",
        [task_name],
    )


def _event_with_reminder(tenant, title, remind_at):
    start = remind_at + timedelta(minutes=15)
    body = {
        "title": title,
        "start_time": start.isoformat(),
        "end_time": (start + timedelta(minutes=30)).isoformat(),
        "reminders": [{"minutes_before": 15}],
    }
    response = tenant.api.post("platform/calendar/events", body)
    assert response.status_code == 201, response.content


def _reminders(tenant):
    with tenant_context(tenant.organization):
        return list(Notification.objects.filter(category=REMINDER_CATEGORY).values_list("user_id", "title"))


def test_the_worker_defers_the_reminders_tick_once_and_reminds_every_organization(tenant, other_tenant):
    now = timezone.now()
    last_tick = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    remind_at = last_tick - timedelta(minutes=2)  # in the window of this tick and of the next one
    _event_with_reminder(tenant, "Standup A", remind_at)
    _event_with_reminder(other_tenant, "Standup B", remind_at)

    stop = threading.Event()
    workers = [
        threading.Thread(target=run_worker, kwargs={"wait": True, "stop": stop, "queues": [tasks.MAINTENANCE_QUEUE]})
        for _ in range(2)  # two workers: the tick is still deferred and run once
    ]
    for worker in workers:
        worker.start()
    try:
        deadline = time.monotonic() + 30
        while [status for status, _args in _jobs(tasks.SEND_DUE_REMINDERS_TASK)] != ["succeeded"]:
            assert time.monotonic() < deadline, _jobs(tasks.SEND_DUE_REMINDERS_TASK)
            time.sleep(0.1)
        time.sleep(0.5)  # let a second deferral, if any, happen
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        _close_deferrer_connection()
    assert not any(worker.is_alive() for worker in workers)

    jobs = _jobs(tasks.SEND_DUE_REMINDERS_TASK)
    assert len(jobs) == 1, jobs
    tick = jobs[0][1]
    assert tick % 300 == 0 and tick >= last_tick.timestamp()
    assert _sql(
        "SELECT task_name, periodic_id, defer_timestamp FROM procrastinate_periodic_defers WHERE task_name = %s",
        [tasks.SEND_DUE_REMINDERS_TASK],
    ) == [(tasks.SEND_DUE_REMINDERS_TASK, "every-5-minutes", tick)]
    assert _reminders(tenant) == [(tenant.owner.pk, "Reminder: Standup A")]
    assert _reminders(other_tenant) == [(other_tenant.owner.pk, "Reminder: Standup B")]


def test_a_deferred_purge_job_runs_on_the_worker_for_every_organization(tenant, other_tenant):
    now = timezone.now().replace(microsecond=0)
    for t in (tenant, other_tenant):
        with tenant_context(t.organization):
            for key, expires_at in (("expired", now - timedelta(minutes=1)), ("live", now + timedelta(hours=1))):
                IdempotencyKey.objects.create(
                    organization_id=t.organization.pk,
                    key=key,
                    request_method="POST",
                    request_path="/api/v1/x",
                    request_hash="0" * 64,
                    expires_at=expires_at,
                )

    defer_job(tasks.PURGE_IDEMPOTENCY_KEYS_TASK, queue=tasks.MAINTENANCE_QUEUE, timestamp=int(now.timestamp()))
    run_worker(queues=[tasks.MAINTENANCE_QUEUE], wait=False)
    _close_deferrer_connection()

    assert [status for status, _args in _jobs(tasks.PURGE_IDEMPOTENCY_KEYS_TASK)] == ["succeeded"]
    for t in (tenant, other_tenant):
        with tenant_context(t.organization):
            assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"live"}
