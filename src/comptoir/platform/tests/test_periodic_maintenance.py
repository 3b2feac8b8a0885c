"""Periodic maintenance: `for_each_organization` visits every active organization once, in its own tenant context
and transaction, and goes on after a failure; each periodic task does its work for every organization; the tasks
are registered with their cron expressions. The tasks are called directly with a tick timestamp (the real worker
runs them in test_periodic_worker.py)."""

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from tests.support.api import make_tenant

from comptoir.platform import db, tasks
from comptoir.platform.models import IdempotencyKey, Notification, Organization
from comptoir.platform.services.calendar import REMINDER_CATEGORY
from comptoir.platform.services.maintenance import (
    MaintenanceFailed,
    active_organization_ids,
    for_each_organization,
)
from comptoir.platform.services.notifications import notify
from comptoir.platform.tenancy import current_org_id, tenant_context

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 10, tzinfo=UTC)
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _sql(query, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def _set_org(tenant, **fields):
    with tenant_context(tenant.organization):
        Organization.objects.filter(pk=tenant.organization.pk).update(**fields)


@pytest.fixture
def orgs():
    """Two active organizations, an inactive one, a suspended one and a deleted one."""
    active, other, inactive, suspended, deleted = (make_tenant() for _ in range(5))
    _set_org(inactive, status="INACTIVE")
    _set_org(suspended, status="SUSPENDED")
    _set_org(deleted, deleted_at=timezone.now())
    return active, other, inactive, suspended, deleted


def _ids(*tenants):
    return {t.organization.pk for t in tenants}


def test_the_app_role_sees_no_organization_without_context_but_the_function_lists_the_active_ones(orgs):
    active, other, inactive, suspended, deleted = orgs
    assert _sql("SELECT current_user")[0][0] == db.app_role()
    assert _sql("SELECT count(*) FROM platform_organization")[0][0] == 0  # row-level security, no organization
    listed = active_organization_ids()
    assert len(listed) == len(set(listed))
    assert _ids(active, other, inactive) <= set(listed)
    assert not _ids(suspended, deleted) & set(listed)


def test_every_active_organization_is_visited_once_in_its_own_context_and_suspended_ones_are_skipped(orgs):
    active, other, inactive, suspended, deleted = orgs
    visits = []

    def visit(org_id):
        visits.append(
            {
                "given": org_id,
                "context": current_org_id(),
                "setting": _sql("SELECT current_setting('comptoir.org_id')")[0][0],
                "visible": set(Organization.objects.values_list("pk", flat=True)),
                "in_transaction": connection.in_atomic_block,
            }
        )
        return "done"

    run = for_each_organization(visit)

    counts = Counter(v["given"] for v in visits)
    assert all(n == 1 for n in counts.values())
    assert _ids(active, other, inactive) <= set(counts)
    assert not _ids(suspended, deleted) & set(counts)
    for v in visits:
        assert v["context"] == v["given"]
        assert v["setting"] == str(v["given"])
        assert v["visible"] == {v["given"]}
        assert v["in_transaction"]
    assert run.results == dict.fromkeys(counts, "done")
    assert run.failures == {}
    assert current_org_id() is None  # the context is left as it was
    assert _sql("SELECT current_setting('comptoir.org_id')")[0][0] == ""


def test_a_failure_in_one_organization_is_rolled_back_and_logged_and_the_others_go_on(caplog):
    first, broken_sql, broken_code, last = (make_tenant() for _ in range(4))
    owners = {t.organization.pk: t.owner for t in (first, broken_sql, broken_code, last)}

    def work(org_id):
        notify(user=owners[org_id], title="maintenance")
        if org_id == broken_sql.organization.pk:
            _sql("SELECT 1 / 0")  # a database error: the organization's transaction is rolled back
        if org_id == broken_code.organization.pk:
            raise ValueError("boom")
        return 1

    with caplog.at_level(logging.ERROR, logger="comptoir.platform.services.maintenance"):
        run = for_each_organization(work, name="test.maintenance")

    assert set(run.failures) == _ids(broken_sql, broken_code)
    assert isinstance(run.failures[broken_code.organization.pk], ValueError)
    assert _ids(first, last) <= set(run.results)
    for tenant, expected in ((first, 1), (broken_sql, 0), (broken_code, 0), (last, 1)):
        with tenant_context(tenant.organization):
            assert Notification.objects.filter(title="maintenance").count() == expected
    failed_logs = [r for r in caplog.records if getattr(r, "action", None) == "maintenance_failed"]
    assert {r.organization_id for r in failed_logs} == {str(i) for i in _ids(broken_sql, broken_code)}
    with pytest.raises(MaintenanceFailed, match=str(broken_code.organization.pk)):
        run.raise_if_failed()
    with transaction.atomic():  # the connection is still usable
        assert _sql("SELECT 1") == [(1,)]


def _event_with_reminder(tenant, title):
    body = {
        "title": title,
        "start_time": START.isoformat(),
        "end_time": (START + timedelta(minutes=30)).isoformat(),
        "reminders": [{"minutes_before": 15}],
    }
    response = tenant.api.post("platform/calendar/events", body)
    assert response.status_code == 201, response.content


def _reminders(tenant):
    with tenant_context(tenant.organization):
        return list(Notification.objects.filter(category=REMINDER_CATEGORY).values_list("user_id", "title"))


def test_one_reminders_run_sends_the_due_reminders_of_every_organization_once(tenant, other_tenant):
    _event_with_reminder(tenant, "Standup A")
    _event_with_reminder(other_tenant, "Standup B")
    tick = int((START - timedelta(minutes=15)).timestamp())

    tasks.send_due_reminders(timestamp=tick - 60)  # before the reminders fall due
    assert _reminders(tenant) == [] and _reminders(other_tenant) == []

    tasks.send_due_reminders(timestamp=tick)
    assert _reminders(tenant) == [(tenant.owner.pk, "Reminder: Standup A")]
    assert _reminders(other_tenant) == [(other_tenant.owner.pk, "Reminder: Standup B")]

    tasks.send_due_reminders(timestamp=tick + 300)  # the next tick's window still covers them: not sent twice
    assert len(_reminders(tenant)) == 1 and len(_reminders(other_tenant)) == 1


def test_suspended_organizations_get_no_reminders(tenant, other_tenant):
    _event_with_reminder(tenant, "Standup A")
    _event_with_reminder(other_tenant, "Standup B")
    _set_org(other_tenant, status="SUSPENDED")
    tasks.send_due_reminders(timestamp=int((START - timedelta(minutes=15)).timestamp()))
    assert len(_reminders(tenant)) == 1
    assert _reminders(other_tenant) == []


def _keys(tenant, **expiries):
    with tenant_context(tenant.organization):
        for key, expires_at in expiries.items():
            IdempotencyKey.objects.create(
                organization_id=tenant.organization.pk,
                key=key,
                request_method="POST",
                request_path="/api/v1/x",
                request_hash="0" * 64,
                expires_at=expires_at,
            )


def _remaining_keys(tenant):
    with tenant_context(tenant.organization):
        return set(IdempotencyKey.objects.values_list("key", flat=True))


def test_expired_idempotency_keys_are_purged_and_live_ones_kept_in_every_organization(tenant, other_tenant):
    suspended = make_tenant()
    for t in (tenant, other_tenant, suspended):
        _keys(t, expired=NOW - timedelta(hours=1), at_now=NOW, live=NOW + timedelta(seconds=1))
    _set_org(suspended, status="SUSPENDED")

    tasks.purge_expired_idempotency_keys(timestamp=int(NOW.timestamp()))

    assert _remaining_keys(tenant) == {"live"}
    assert _remaining_keys(other_tenant) == {"live"}
    assert _remaining_keys(suspended) == {"expired", "at_now", "live"}  # skipped while suspended


def test_notifications_read_more_than_90_days_ago_are_purged_in_every_organization(tenant, other_tenant):
    for t in (tenant, other_tenant):
        with tenant_context(t.organization):
            for title, read_at in (
                ("old", NOW - timedelta(days=91)),
                ("recent", NOW - timedelta(days=89)),
                ("unread", None),
            ):
                n = notify(user=t.owner, title=title)
                Notification.objects.filter(pk=n.pk).update(
                    is_read=read_at is not None, read_at=read_at, created_at=NOW - timedelta(days=200)
                )

    tasks.purge_read_notifications(timestamp=int(NOW.timestamp()))

    for t in (tenant, other_tenant):
        with tenant_context(t.organization):
            assert set(Notification.objects.values_list("title", flat=True)) == {"recent", "unread"}


def _partition_months_ahead(months):
    first = timezone.now().date().replace(day=1)
    year, month = divmod(first.month - 1 + months, 12)
    return f"audit_logs_y{first.year + year:04d}m{month + 1:02d}"


def test_the_audit_partitions_are_created_ahead_by_the_app_role():
    name = _partition_months_ahead(12)
    with db.owner_mode():
        _sql(f'DROP TABLE "{name}"')
    assert _sql("SELECT to_regclass(%s)", [name])[0][0] is None
    assert _sql("SELECT current_user")[0][0] == db.app_role()
    with pytest.raises(Exception, match="must be owner|permission denied"), transaction.atomic():
        _sql(f"CREATE TABLE \"{name}\" PARTITION OF platform_auditlog FOR VALUES FROM ('3000-01-01') TO ('3000-02-01')")

    tasks.ensure_audit_partitions(timestamp=int(timezone.now().timestamp()))

    assert _sql("SELECT to_regclass(%s)::text", [name])[0][0] == name
    assert _sql("SELECT current_user")[0][0] == db.app_role()
    tasks.ensure_audit_partitions()  # idempotent


def test_the_periodic_tasks_are_registered_with_their_cron_and_locks():
    registered = {
        (periodic.task.name, periodic.periodic_id): periodic
        for periodic in tasks.app.periodic_registry.periodic_tasks.values()
    }
    expected = {
        (tasks.SEND_DUE_REMINDERS_TASK, "every-5-minutes"): "*/5 * * * *",
        (tasks.PURGE_READ_NOTIFICATIONS_TASK, "daily"): "10 2 * * *",
        (tasks.PURGE_IDEMPOTENCY_KEYS_TASK, "daily"): "20 2 * * *",
        (tasks.ENSURE_AUDIT_PARTITIONS_TASK, "daily"): "30 2 * * *",
    }
    assert {key: registered[key].cron for key in expected if key in registered} == expected
    for task_name, _periodic_id in expected:
        task = tasks.app.tasks[task_name]
        assert task.queue == tasks.MAINTENANCE_QUEUE
        assert task.queueing_lock == task_name  # at most one waiting job per kind
        assert task.lock == task_name  # and one running at a time
    assert tasks.app.tasks[tasks.webhooks.DELIVER_WEBHOOK_TASK].queue == tasks.webhooks.WEBHOOK_QUEUE
