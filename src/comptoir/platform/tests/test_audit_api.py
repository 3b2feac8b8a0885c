"""GET /api/v1/platform/audit-log: filters, cursor pagination newest first, permission, tenant isolation, constant
query count, served by the (organization_id, timestamp) index."""

import datetime

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.platform.models import AuditLog
from comptoir.platform.queries.audit import audit_log
from comptoir.platform.tenancy import tenant_context

URL = "platform/audit-log"
UTC = datetime.UTC


def add_rows(tenant, *specs):
    """AuditLog rows at given times: (timestamp, action, object_type, object_id, actor)."""
    with tenant_context(tenant.organization):
        return AuditLog.objects.bulk_create(
            [
                AuditLog(
                    timestamp=ts,
                    organization_id=tenant.organization.pk,
                    action=action,
                    object_type=object_type,
                    object_id=object_id,
                    actor_user=actor,
                )
                for ts, action, object_type, object_id, actor in specs
            ]
        )


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def history(tenant):
    """Five rows on known dates, plus the organization's own CREATE row from sign-up (today)."""
    t = datetime.datetime
    a, b = "0190f2a4-0000-7000-8000-00000000000a", "0190f2a4-0000-7000-8000-00000000000b"
    rows = add_rows(
        tenant,
        (t(2026, 1, 10, tzinfo=UTC), "CREATE", "sales.order", a, tenant.owner),
        (t(2026, 2, 10, tzinfo=UTC), "UPDATE", "sales.order", a, tenant.owner),
        (t(2026, 3, 10, tzinfo=UTC), "POST", "sales.order", a, None),
        (t(2026, 3, 20, tzinfo=UTC), "CREATE", "sales.order", b, None),
        (t(2026, 4, 1, tzinfo=UTC), "EXPORT", "invoicing.invoice", None, tenant.owner),
    )
    return {"a": a, "b": b, "rows": [str(r.pk) for r in rows]}


def test_owner_lists_newest_first_with_every_field(tenant, history):
    response = tenant.api.get(URL)
    items = response.json()["items"]
    signup = len(items) - len(history["rows"])  # the sign-up's own rows (organization, chart of accounts…), today
    assert signup >= 1 and "platform.organization" in {i["object_type"] for i in items[:signup]}
    assert [i["action"] for i in items[signup:]] == ["EXPORT", "CREATE", "POST", "UPDATE", "CREATE"]
    assert ids(response)[signup:] == history["rows"][::-1]
    assert set(items[0]) >= {
        "id",
        "timestamp",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "actor_user_id",
        "user_email",
        "old_values",
        "new_values",
        "changes",
        "reason",
        "metadata",
        "source",
        "request_id",
        "request_path",
        "http_method",
        "ip_address",
        "user_agent",
        "session_id",
    }


def test_filters(tenant, history):
    rows = history["rows"]
    assert ids(tenant.api.get(URL, object_type="sales.order")) == rows[3::-1]
    assert ids(tenant.api.get(URL, object_type="sales.order", object_id=history["a"])) == rows[2::-1]
    assert ids(tenant.api.get(URL, actor=str(tenant.owner.pk), object_type="sales.order")) == [rows[1], rows[0]]
    assert ids(tenant.api.get(URL, action="POST")) == [rows[2]]
    in_march = tenant.api.get(URL, date_from="2026-03-01T00:00:00Z", date_to="2026-03-20T00:00:00Z")
    assert ids(in_march) == [rows[2]]  # date_to is exclusive
    assert ids(tenant.api.get(URL, date_from="2026-03-20", date_to="2026-04-01T00:00:01+00:00")) == rows[:2:-1]


def test_bad_filters_are_problems(tenant, history):
    for query, field in (
        ({"action": "FROBNICATE"}, "action"),
        ({"object_id": "not-a-uuid"}, "object_id"),
        ({"date_from": "yesterday"}, "date_from"),
    ):
        response = tenant.api.get(URL, **query)
        assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == field
    response = tenant.api.get(URL, date_from="2026-03-02", date_to="2026-03-01")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "date_to", "code": "invalid_range", "message": "date_from must be before date_to"}
    ]
    response = tenant.api.get(URL, ordering="action")
    assert response.status_code == 422 and response.json()["code"] == "invalid_ordering"


def test_cursor_walks_every_row_once_newest_first(tenant, history):
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = tenant.api.get(URL, **query).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) and seen[-5:] == history["rows"][::-1]
    assert seen == ids(tenant.api.get(URL, limit=200))
    assert ids(tenant.api.get(URL, ordering="timestamp", limit=2)) == history["rows"][:2]


def test_admin_may_read_and_employee_may_not(tenant, history):
    _admin, admin = member_client(tenant, org_role="ADMIN")
    assert len(ids(admin.get(URL))) >= 6
    _employee, employee = member_client(tenant, org_role="EMPLOYEE")
    response = employee.get(URL)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert "platform.view_auditlog" in response.json()["detail"]


def test_an_organization_never_sees_another_organizations_rows(tenant, other_tenant, history):
    theirs = ids(other_tenant.api.get(URL))
    assert not set(theirs) & set(history["rows"])
    assert ids(other_tenant.api.get(URL, object_id=history["a"])) == []
    assert ids(other_tenant.api.get(URL, actor=str(tenant.owner.pk))) == []
    with tenant_context(other_tenant.organization), connection.cursor() as cursor:  # RLS, below the ORM filter
        cursor.execute("SELECT count(*) FROM platform_auditlog WHERE organization_id = %s", [tenant.organization.pk])
        assert cursor.fetchone() == (0,)


def test_list_query_count_does_not_grow_with_page_size(tenant):
    now = datetime.datetime.now(UTC)
    add_rows(tenant, *[(now - datetime.timedelta(minutes=i), "UPDATE", "x.y", None, tenant.owner) for i in range(30)])
    counts = []
    for limit in (2, 30):
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get(URL, limit=limit)
        assert len(ids(response)) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_org_timestamp_index_serves_the_list_query(tenant, history):
    with tenant_context(tenant.organization), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would otherwise be scanned whole
        plan = audit_log().order_by("-timestamp", "-id")[:51].explain()
    assert "Index Scan Backward using" in plan and "organization_id_timestamp_idx" in plan, plan
