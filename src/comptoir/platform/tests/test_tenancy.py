"""Tenancy fails closed twice (DESIGN §4): the ORM needs an organization, and PostgreSQL RLS hides the rest."""

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from comptoir.platform.db import rls_models
from comptoir.platform.models import Workspace
from comptoir.platform.tenancy import NoTenantError, tenant_context


def _count(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_application_connects_as_unprivileged_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        user, is_super, bypass = cursor.fetchone()
    assert user == "comptoir_app"
    assert (is_super, bypass) == (False, False)


def test_the_schema_owner_is_an_ordinary_role_and_the_app_role_cannot_act_as_it(db):
    """The suite runs as production does (tests/support/owner.py): the owner is no superuser and has no BYPASSRLS,
    so its own policy is what lets it see rows; the application role is not a member of it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolbypassrls, pg_has_role(%s, oid, 'MEMBER') FROM pg_roles "
            "WHERE rolname = session_user",
            ["comptoir_app"],
        )
        owner, is_super, bypass, app_is_member = cursor.fetchone()
        cursor.execute("SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relname LIKE 'platform_%%'")
        assert cursor.fetchall() == [(owner,)]
    assert (is_super, bypass, app_is_member) == (False, False, False)


def test_every_tenant_table_forces_row_level_security(db):
    tables = [m._meta.db_table for m in rls_models()]
    assert "platform_workspace" in tables and "identity_role" in tables
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relrowsecurity AND relforcerowsecurity",
            [tables],
        )
        forced = {row[0] for row in cursor.fetchall()}
    assert forced == set(tables)


def test_api_caller_gets_404_for_other_organization_and_never_sees_its_rows(tenant, other_tenant):
    created = other_tenant.api.post("platform/workspaces", {"name": "Secret branch", "type": "BRANCH"})
    assert created.status_code == 201
    foreign_id = created.json()["id"]

    assert tenant.api.get(f"platform/workspaces/{foreign_id}").status_code == 404
    assert tenant.api.patch(f"platform/workspaces/{foreign_id}", {"name": "Mine now"}).status_code == 404
    assert tenant.api.delete(f"platform/workspaces/{foreign_id}").status_code == 404
    names = [w["name"] for w in tenant.api.get("platform/workspaces", limit=200).json()["items"]]
    assert "Secret branch" not in names
    assert tenant.api.get("platform/organization").json()["code"] == tenant.code
    with tenant_context(other_tenant.organization):
        assert Workspace.objects.get(pk=foreign_id).name == "Secret branch"


def test_raw_sql_in_one_organization_sees_no_row_of_another(tenant, other_tenant):
    b = other_tenant.organization.pk
    with tenant_context(other_tenant.organization):
        own_counts = {m._meta.db_table: m._base_manager.count() for m in rls_models()}
    assert own_counts["platform_workspace"] >= 1 and own_counts["identity_role"] >= 10
    with tenant_context(tenant.organization):
        for model in rls_models():
            table = model._meta.db_table
            column = "id" if table == "platform_organization" else "organization_id"
            assert _count(f"SELECT count(*) FROM {table} WHERE {column} = %s", [b]) == 0, table


def test_raw_sql_writes_into_another_organization_are_refused(tenant, other_tenant):
    with (
        tenant_context(tenant.organization),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO platform_workspace (id, organization_id, name, description, type, status, is_default,"
            " settings, version, created_at, updated_at) VALUES (gen_random_uuid(), %s, 'x', '', 'MAIN',"
            " 'ACTIVE', false, '{}', 1, now(), now())",
            [other_tenant.organization.pk],
        )
    with tenant_context(other_tenant.organization):
        assert not Workspace.objects.filter(name="x").exists()


def test_without_organization_raw_sql_sees_nothing_and_orm_raises(tenant):
    assert _count("SELECT count(*) FROM platform_workspace") == 0
    assert _count("SELECT count(*) FROM identity_role") == 0
    assert _count("SELECT count(*) FROM platform_organization") == 0
    with pytest.raises(NoTenantError):
        list(Workspace.objects.all())
    with pytest.raises(NoTenantError):
        Workspace(name="orphan").save()


def test_context_is_restored_after_the_block(tenant, other_tenant):
    with tenant_context(tenant.organization):
        with tenant_context(other_tenant.organization):
            assert {w.organization_id for w in Workspace.objects.all()} == {other_tenant.organization.pk}
        assert {w.organization_id for w in Workspace.objects.all()} == {tenant.organization.pk}
    assert _count("SELECT count(*) FROM platform_workspace") == 0


def test_database_refuses_a_reference_into_another_organization(tenant, other_tenant):
    """RLS does not check FK targets; the composite (organization_id, id) foreign keys do."""
    from django.db import IntegrityError

    from comptoir.platform.models import WorkspaceMember

    with tenant_context(other_tenant.organization):
        foreign_ws = Workspace.objects.get(is_default=True)
    with tenant_context(tenant.organization), pytest.raises(IntegrityError, match="tenant_fk"), transaction.atomic():
        WorkspaceMember.objects.create(workspace_id=foreign_ws.pk, user=tenant.owner)
        connection.check_constraints()  # the FK is deferred: check it now, as COMMIT would


def test_every_tenant_reference_has_a_composite_foreign_key(db):
    from comptoir.platform.db import tenant_foreign_keys

    pairs = tenant_foreign_keys()
    assert {(c._meta.db_table, f.column) for c, f, _ in pairs} >= {
        ("platform_workspacemember", "workspace_id"),
        ("identity_memberrole", "member_id"),
        ("identity_memberrole", "role_id"),
        ("identity_rolepermission", "role_id"),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conname LIKE %s AND contype = 'f'", ["%tenant_fk"])
        assert cursor.fetchone()[0] == len(pairs)
