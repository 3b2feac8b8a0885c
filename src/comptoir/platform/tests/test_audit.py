"""The audit log: rows written in the business transaction, append-only, partitioned by month, with the request
context; every write of the organization services leaves one."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.platform.audit import RequestContext, request_scope
from comptoir.platform.db import owner_mode
from comptoir.platform.errors import InvalidTransition
from comptoir.platform.models import AuditLog, Workspace
from comptoir.platform.services import (
    OrganizationPatch,
    WorkspaceInput,
    WorkspacePatch,
    create_workspace,
    update_organization,
    update_workspace,
)
from comptoir.platform.services.audit import audit_in_one_statement, audit_login, audit_logout, record_audit
from comptoir.platform.tenancy import tenant_context


def rows(tenant, **filters):
    with tenant_context(tenant.organization):
        return list(AuditLog.objects.filter(organization_id=tenant.organization.pk, **filters).order_by("timestamp"))


def test_record_audit_keeps_old_new_and_a_json_safe_diff(tenant):
    ref = uuid.uuid4()
    with tenant_context(tenant.organization), transaction.atomic():
        ws = Workspace.objects.get(is_default=True)
        row = record_audit(
            actor=tenant.owner,
            action="UPDATE",
            obj=ws,
            old={"amount": Decimal("10.50"), "due": datetime.date(2026, 1, 31), "ref": None, "same": 1},
            new={"amount": Decimal("12.00"), "due": datetime.date(2026, 2, 28), "ref": ref, "same": 1},
            reason="price list changed",
            metadata={"at": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)},
        )
    with tenant_context(tenant.organization):
        row = AuditLog.objects.get(pk=row.pk)
    assert row.organization_id == tenant.organization.pk
    assert (row.actor_user_id, row.user_email) == (tenant.owner.pk, tenant.owner.email)
    assert (row.action, row.object_type, row.object_id, row.object_repr) == (
        "UPDATE",
        "platform.workspace",
        ws.pk,
        "Main",
    )
    assert row.old_values == {"amount": "10.50", "due": "2026-01-31", "ref": None, "same": 1}
    assert row.changes == {
        "amount": ["10.50", "12.00"],
        "due": ["2026-01-31", "2026-02-28"],
        "ref": [None, str(ref)],
    }
    assert row.metadata == {"at": "2026-01-02T03:04:05+00:00"}
    assert row.reason == "price list changed"
    assert row.source == "SYSTEM" and row.request_id == "" and row.ip_address is None


def test_record_audit_refuses_an_unknown_action_or_a_missing_object(tenant):
    before = len(rows(tenant))
    with tenant_context(tenant.organization):
        with pytest.raises(ValueError, match="Unknown audit action"):
            record_audit(actor=None, action="FROBNICATE", object_type="platform.workspace")
        with pytest.raises(ValueError, match="object_type"):
            record_audit(actor=None, action="CREATE")
    assert len(rows(tenant)) == before


def test_request_context_is_recorded_with_the_row(tenant):
    context = RequestContext(
        request_id="req-42", ip_address="203.0.113.9", user_agent="pytest", path="/x", method="POST", source="WORKER"
    )
    with tenant_context(tenant.organization), request_scope(context):
        row = record_audit(actor=None, action="EXPORT", object_type="platform.workspace")
    with tenant_context(tenant.organization):
        row = AuditLog.objects.get(pk=row.pk)
    assert (row.request_id, row.ip_address, row.user_agent, row.request_path, row.http_method, row.source) == (
        "req-42",
        "203.0.113.9",
        "pytest",
        "/x",
        "POST",
        "WORKER",
    )
    assert row.actor_user_id is None and row.user_email == ""


def test_an_api_write_records_the_http_request(tenant):
    response = tenant.api.post(
        "platform/workspaces",
        {"name": "Lyon", "type": "BRANCH"},
        headers={"X-Request-ID": "trace-7", "User-Agent": "comptoir-tests/1.0"},
    )
    assert response.status_code == 201
    (row,) = rows(tenant, object_type="platform.workspace", action="CREATE")
    assert row.object_id == uuid.UUID(response.json()["id"])
    assert (row.request_id, row.request_path, row.http_method, row.source) == (
        "trace-7",
        "/api/v1/platform/workspaces",
        "POST",
        "API",
    )
    assert (row.ip_address, row.user_agent, row.actor_user_id) == ("127.0.0.1", "comptoir-tests/1.0", tenant.owner.pk)
    assert row.session_id  # the access token's session
    assert row.new_values == {
        "name": "Lyon",
        "type": "BRANCH",
        "description": "",
        "status": "ACTIVE",
        "is_default": False,
    }


def test_every_workspace_write_is_audited(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        ws = create_workspace(actor=tenant.owner, data=WorkspaceInput(name="Depot", type="BRANCH"))
        update_workspace(
            actor=tenant.owner, workspace_id=ws.pk, patch=WorkspacePatch(name="Depot 2", description="North")
        )
        update_workspace(actor=tenant.owner, workspace_id=ws.pk, patch=WorkspacePatch(status="INACTIVE"))
        update_workspace(actor=tenant.owner, workspace_id=ws.pk, patch=WorkspacePatch(name="Depot 2"))  # no change
    assert tenant.api.delete(f"platform/workspaces/{ws.pk}").status_code == 204
    history = [(r.action, r.changes) for r in rows(tenant, object_id=ws.pk)]
    assert history == [
        (
            "CREATE",
            {
                "description": [None, ""],
                "is_default": [None, False],
                "name": [None, "Depot"],
                "status": [None, "ACTIVE"],
                "type": [None, "BRANCH"],
            },
        ),
        ("UPDATE", {"description": ["", "North"], "name": ["Depot", "Depot 2"]}),
        ("TRANSITION", {"status": ["ACTIVE", "INACTIVE"]}),
        (
            "DELETE",
            {
                "description": ["North", None],
                "is_default": [False, None],
                "name": ["Depot 2", None],
                "status": ["INACTIVE", None],
                "type": ["BRANCH", None],
            },
        ),
    ]


def test_organization_creation_and_updates_are_audited(tenant):
    (created,) = rows(tenant, object_type="platform.organization", action="CREATE")
    assert created.object_id == tenant.organization.pk and created.actor_user_id == tenant.owner.pk
    assert created.new_values["code"] == tenant.organization.code
    assert created.new_values["base_currency"] == str(tenant.organization.base_currency_id)
    assert "default_workspace_id" in created.metadata
    with tenant_context(tenant.organization, user=tenant.owner):
        patch = OrganizationPatch(name="Renamed", status="INACTIVE", annual_revenue=Decimal(5))
        update_organization(actor=tenant.owner, patch=patch)
    (update,) = rows(tenant, object_type="platform.organization", action="UPDATE")
    assert update.changes == {"annual_revenue": [None, "5.00"], "name": [f"Organization {tenant.code}", "Renamed"]}
    (moved,) = rows(tenant, object_type="platform.organization", action="TRANSITION")
    assert moved.changes == {"status": ["ACTIVE", "INACTIVE"]}


def test_a_refused_or_rolled_back_write_leaves_no_audit_row(tenant):
    before = len(rows(tenant))
    with tenant_context(tenant.organization, user=tenant.owner):
        ws = create_workspace(actor=tenant.owner, data=WorkspaceInput(name="Old"))
        update_workspace(actor=tenant.owner, workspace_id=ws.pk, patch=WorkspacePatch(status="ARCHIVED"))
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            create_workspace(actor=tenant.owner, data=WorkspaceInput(name="Ghost"))
            1 / 0  # noqa: B018 (the business transaction fails after the write)
    refused = tenant.api.patch(f"platform/workspaces/{ws.pk}", {"name": "New"})
    assert refused.status_code == 409
    assert [r.action for r in rows(tenant)][before:] == ["CREATE", "TRANSITION"]
    with tenant_context(tenant.organization):
        assert not Workspace.objects.filter(name="Ghost").exists()


def test_an_invalid_transition_writes_nothing(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        ws = create_workspace(actor=tenant.owner, data=WorkspaceInput(name="Depot"))
        update_workspace(actor=tenant.owner, workspace_id=ws.pk, patch=WorkspacePatch(status="ARCHIVED"))
        count = AuditLog.objects.filter(organization_id=tenant.organization.pk).count()
        with pytest.raises(InvalidTransition), transaction.atomic():
            from comptoir.platform.transitions import transition

            transition(Workspace.objects.get(pk=ws.pk), "ACTIVE", actor=tenant.owner, transitions=set())
        assert AuditLog.objects.filter(organization_id=tenant.organization.pk).count() == count


def _as_app_and_as_owner():
    yield "app role"
    with owner_mode():
        yield "owner"


@pytest.mark.parametrize(
    "statement", ["UPDATE platform_auditlog SET reason = 'edited'", "DELETE FROM platform_auditlog"]
)
def test_the_database_refuses_update_and_delete(tenant, statement):
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(organization_id=tenant.organization.pk).exists()  # the rows are visible
    for who in _as_app_and_as_owner():
        with tenant_context(tenant.organization), connection.cursor() as cursor:
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement)
            cursor.execute("SELECT count(*) FROM platform_auditlog WHERE reason = 'edited'")
            assert cursor.fetchone() == (0,), who
    assert rows(tenant)


def test_monthly_partitions_exist_and_rows_land_in_theirs(tenant):
    today = timezone.now().date()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'platform_auditlog'::regclass"
        )
        partitions = {name for (name,) in cursor.fetchall()}
    month = today.replace(day=1)
    for _ in range(13):  # this month and twelve ahead
        assert f"audit_logs_y{month:%Y}m{month:%m}" in partitions
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    assert "platform_auditlog_default" in partitions

    with tenant_context(tenant.organization):
        row = record_audit(actor=tenant.owner, action="EXPORT", object_type="platform.workspace")
        old = AuditLog.objects.create(
            timestamp=datetime.datetime(2020, 1, 15, tzinfo=datetime.UTC),
            organization_id=tenant.organization.pk,
            action="IMPORT",
            object_type="platform.workspace",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, tableoid::regclass::text FROM platform_auditlog WHERE id IN (%s, %s)", [row.pk, old.pk]
            )
            located = dict(cursor.fetchall())
    assert located == {row.pk: f"audit_logs_y{today:%Y}m{today:%m}", old.pk: "platform_auditlog_default"}


def test_sign_in_events_are_recorded_without_an_organization(tenant):
    with request_scope(RequestContext(request_id="login-1", ip_address="198.51.100.4", source="API")):
        ok = audit_login(user=tenant.owner, success=True, session_id="s-1")
        failed = audit_login(user=None, success=False, email="nobody@example.com", reason="invalid_credentials")
        out = audit_logout(user=tenant.owner, session_id="s-1")
    with owner_mode():  # rows without an organization are outside every tenant's view
        found = {r.pk: r for r in AuditLog.objects.filter(pk__in=[ok.pk, failed.pk, out.pk])}
    assert [found[r.pk].action for r in (ok, failed, out)] == ["LOGIN", "LOGIN_FAILED", "LOGOUT"]
    assert all(r.organization_id is None and r.request_id == "login-1" for r in found.values())
    assert (found[ok.pk].actor_user_id, found[ok.pk].session_id, found[ok.pk].ip_address) == (
        tenant.owner.pk,
        "s-1",
        "198.51.100.4",
    )
    assert (found[failed.pk].actor_user_id, found[failed.pk].user_email, found[failed.pk].reason) == (
        None,
        "nobody@example.com",
        "invalid_credentials",
    )
    assert found[out.pk].object_type == "identity.user" and found[out.pk].object_id == tenant.owner.pk
    assert not rows(tenant, action__in=["LOGIN", "LOGIN_FAILED", "LOGOUT"])


def test_an_organization_cannot_write_rows_into_another(tenant, other_tenant):
    with tenant_context(tenant.organization), pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.create(
            timestamp=timezone.now(), organization_id=other_tenant.organization.pk, action="CREATE", object_type="x"
        )


def test_a_member_without_permission_leaves_no_row(tenant):
    _user, employee = member_client(tenant)
    before = len(rows(tenant))
    assert employee.post("platform/workspaces", {"name": "Nope"}).status_code == 403
    assert len(rows(tenant)) == before


def test_audit_in_one_statement_writes_the_rows_together_at_the_end_or_none(tenant):
    ids = [uuid.uuid4() for _ in range(3)]
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        with CaptureStatements(connection) as log, audit_in_one_statement():
            for n, object_id in enumerate(ids):
                record_audit(actor=tenant.owner, action="UPDATE", object_type="platform.workspace",
                             object_id=object_id, new={"n": n})  # fmt: skip
                with audit_in_one_statement():  # nested: written with the outermost
                    record_audit(actor=tenant.owner, action="CREATE", object_type="platform.workspace",
                                 object_id=object_id)  # fmt: skip
            assert log.captured_queries == []  # nothing written before the block ends
        assert len(log.captured_queries) == 1
        written = AuditLog.objects.filter(object_id__in=ids)
        assert sorted((str(r.object_id), r.action) for r in written) == sorted(
            (str(i), a) for i in ids for a in ("UPDATE", "CREATE")
        )
        with pytest.raises(InvalidTransition), audit_in_one_statement():
            record_audit(actor=tenant.owner, action="UPDATE", object_type="platform.workspace", object_id=ids[0])
            raise InvalidTransition("refused")
        assert AuditLog.objects.filter(object_id__in=ids).count() == 6  # the refused block wrote nothing
