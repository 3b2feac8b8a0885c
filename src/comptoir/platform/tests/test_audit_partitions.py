"""The audit log's monthly partitions keep tenants apart when read directly (issue 7, C2): each carries the parent's
row-level security, including a partition the periodic job creates later."""

from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from comptoir.platform import db, tasks
from comptoir.platform.services.audit import audit_login
from comptoir.platform.tenancy import tenant_context


def _sql(query, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def _insert_row(organization_id, timestamp) -> None:
    _sql(
        "INSERT INTO platform_auditlog (id, timestamp, organization_id, action, object_type) "
        "VALUES (gen_random_uuid(), %s, %s, 'CREATE', 'test.partition')",
        [timestamp, organization_id],
    )


def test_every_audit_partition_shows_the_app_role_only_its_organizations_rows(tenant, other_tenant):
    now = timezone.now()
    first = now.date().replace(day=1)
    year, month = divmod(first.month - 1 + 12, 12)
    last = first.replace(year=first.year + year, month=month + 1)
    name = f"audit_logs_y{last.year:04d}m{last.month:02d}"
    with db.owner_mode():
        _sql(f'DROP TABLE "{name}"')
    tasks.ensure_audit_partitions(timestamp=int(now.timestamp()))  # as the application role, like the worker

    later = datetime(last.year, last.month, 15, tzinfo=UTC)
    for t in (tenant, other_tenant):
        with tenant_context(t.organization), transaction.atomic():
            for when in (now, later):  # this month's partition and the job's new one
                _insert_row(t.organization.pk, when)
    audit_login(user=None, success=False, email="nobody@example.com", reason="invalid_credentials")  # no org
    _insert_row(None, later)

    assert _sql("SELECT current_user")[0][0] == db.app_role()
    tree = "SELECT relid::text FROM pg_partition_tree('platform_auditlog') WHERE parentrelid IS NOT NULL"
    partitions = [r[0] for r in _sql(tree)]
    assert name in partitions and "platform_auditlog_default" in partitions and len(partitions) >= 14
    mine, theirs = str(tenant.organization.pk), str(other_tenant.organization.pk)
    seen: set[str] = set()
    for partition in partitions:
        assert _sql(f'SELECT count(*) FROM "{partition}"') == [(0,)], partition  # no organization set
        with tenant_context(tenant.organization):
            orgs = {str(r[0]) for r in _sql(f'SELECT DISTINCT organization_id FROM "{partition}"')}
        assert orgs <= {mine}, partition
        seen |= orgs
    assert seen == {mine}  # the rows are there, and readable by their own organization
    with tenant_context(other_tenant.organization):
        assert _sql(f'SELECT DISTINCT organization_id::text FROM "{name}"') == [(theirs,)]
    forced = _sql(
        "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relrowsecurity AND relforcerowsecurity",
        [partitions],
    )
    assert {r[0] for r in forced} == set(partitions)
