"""RBAC roles: the seeded templates, custom roles, and assignment to members."""

import pytest
from tests.support.api import member_client

from comptoir.identity.models import MemberRole, Role, RolePermission
from comptoir.identity.tests.factories import (
    add_member,
    assert_problem,
    make_role,
    member_of,
    role_named,
)
from comptoir.platform.tenancy import tenant_context


def _role_rows(tenant):
    with tenant_context(tenant.organization):
        return (Role.objects.count(), RolePermission.objects.count(), MemberRole.objects.count())


def _assigned(tenant, member) -> set[str]:
    with tenant_context(tenant.organization):
        return set(MemberRole.objects.filter(member=member).values_list("role__code", flat=True))


def test_the_role_list_shows_the_templates_with_their_permissions(tenant):
    page = tenant.api.get("identity/roles", limit=200, is_system="true").json()
    by_code = {r["code"]: r for r in page["items"]}
    assert {"OWNER", "ADMIN", "MANAGER", "EMPLOYEE", "INVESTOR", "ACCOUNTANT", "STOCK_KEEPER", "HR"} <= set(by_code)
    assert all(r["is_system"] for r in page["items"])
    assert by_code["EMPLOYEE"]["permissions"] == sorted(by_code["EMPLOYEE"]["permissions"])
    assert "platform.view_workspace" in by_code["EMPLOYEE"]["permissions"]
    assert "platform.add_workspace" not in by_code["EMPLOYEE"]["permissions"]
    got = tenant.api.get(f"identity/roles/{by_code['INVESTOR']['id']}").json()
    assert got == by_code["INVESTOR"]


def test_create_get_patch_and_delete_a_custom_role(tenant):
    created = tenant.api.post(
        "identity/roles",
        {"code": "auditor", "name": "Auditor", "permissions": ["platform.view_workspace", "identity.view_role"]},
    )
    assert created.status_code == 201, created.content
    role = created.json()
    assert (role["code"], role["is_system"], role["is_active"]) == ("AUDITOR", False, True)
    assert role["permissions"] == ["identity.view_role", "platform.view_workspace"]
    assert tenant.api.get(f"identity/roles/{role['id']}").json() == role

    patched = tenant.api.patch(
        f"identity/roles/{role['id']}", {"name": "External auditor", "permissions": ["platform.view_organization"]}
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["name"], patched.json()["permissions"]) == (
        "External auditor",
        ["platform.view_organization"],
    )

    assert tenant.api.delete(f"identity/roles/{role['id']}").status_code == 204
    assert_problem(tenant.api.get(f"identity/roles/{role['id']}"), 404, "not_found")
    codes = [r["code"] for r in tenant.api.get("identity/roles", limit=200).json()["items"]]
    assert "AUDITOR" not in codes
    again = tenant.api.post("identity/roles", {"code": "AUDITOR", "name": "Auditor", "permissions": []})
    assert again.status_code == 201, again.content


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (
            {"code": "X1", "name": "X", "permissions": ["platform.view_workspace", "nope.fly"]},
            422,
            "unknown_permission",
            "permissions",
        ),
        ({"code": "SALES", "name": "Other sales"}, 422, "duplicate", "code"),
        ({"code": "SALES_2", "name": "Sales"}, 422, "duplicate", "name"),
        ({"code": "a-b", "name": "Dash"}, 422, "invalid_code", "code"),
        ({"code": "OK", "name": "  "}, 422, "required", "name"),
        ({"code": "OK", "name": "Ok", "is_system": True}, 422, "validation_error", "is_system"),
        (
            {"code": "OK", "name": "Ok", "permissions": "platform.view_workspace"},
            422,
            "validation_error",
            "permissions",
        ),
        ({"name": "Ok"}, 422, "validation_error", "code"),
    ],
)
def test_create_role_refusals_write_nothing(tenant, body, status, code, field):
    before = _role_rows(tenant)
    assert_problem(tenant.api.post("identity/roles", body), status, code, field=field)
    assert _role_rows(tenant) == before


def test_system_roles_cannot_be_deleted_disabled_or_have_their_permissions_edited(tenant):
    employee = role_named(tenant, "EMPLOYEE")
    before = tenant.api.get(f"identity/roles/{employee.pk}").json()

    assert_problem(tenant.api.delete(f"identity/roles/{employee.pk}"), 409, "system_role")
    assert_problem(
        tenant.api.patch(f"identity/roles/{employee.pk}", {"permissions": ["platform.view_workspace"]}),
        409,
        "system_role",
        field="permissions",
    )
    assert_problem(tenant.api.patch(f"identity/roles/{employee.pk}", {"is_active": False}), 409, "system_role")
    assert tenant.api.get(f"identity/roles/{employee.pk}").json() == before


def test_patch_refusals_change_nothing(tenant):
    role = make_role(tenant, "CLERK", ["platform.view_workspace"])
    make_role(tenant, "TAKEN")
    for body, code, field in [
        ({"permissions": ["platform.view_workspace", "nope.fly"]}, "unknown_permission", "permissions"),
        ({"name": "Role TAKEN"}, "duplicate", "name"),
        ({"code": "NEW"}, "validation_error", "code"),
    ]:
        assert_problem(tenant.api.patch(f"identity/roles/{role.pk}", body), 422, code, field=field)
    got = tenant.api.get(f"identity/roles/{role.pk}").json()
    assert (got["code"], got["name"], got["permissions"]) == ("CLERK", "Role CLERK", ["platform.view_workspace"])


def test_a_role_still_assigned_cannot_be_deleted(tenant):
    role = make_role(tenant)
    member = add_member(tenant)
    assert tenant.api.post(f"identity/roles/{role.pk}/assignments", {"member": str(member.pk)}).status_code == 201
    assert_problem(tenant.api.delete(f"identity/roles/{role.pk}"), 409, "role_in_use")
    assert tenant.api.get(f"identity/roles/{role.pk}").status_code == 200


def test_an_assigned_role_takes_effect_on_the_next_request_and_stops_when_removed(tenant):
    user, client = member_client(tenant, org_role="EMPLOYEE")
    member = member_of(tenant, user)
    role = make_role(tenant, "ROLE_READER", ["identity.view_role"])
    assert_problem(client.get("identity/roles"), 403, "permission_denied")

    response = tenant.api.post(f"identity/roles/{role.pk}/assignments", {"member": str(member.pk)})

    assert response.status_code == 201, response.content
    assignment = response.json()
    assert (assignment["member_id"], assignment["role_id"], assignment["workspace_id"]) == (
        str(member.pk),
        str(role.pk),
        None,
    )
    assert client.get("identity/roles").status_code == 200
    again = tenant.api.post(f"identity/roles/{role.pk}/assignments", {"member": str(member.pk)})
    assert again.json()["id"] == assignment["id"]
    assert _assigned(tenant, member) == {"EMPLOYEE", "ROLE_READER"}

    assert tenant.api.patch(f"identity/roles/{role.pk}", {"permissions": []}).status_code == 200
    assert_problem(client.get("identity/roles"), 403, "permission_denied")
    assert tenant.api.patch(f"identity/roles/{role.pk}", {"permissions": ["identity.view_role"]}).status_code == 200
    assert client.get("identity/roles").status_code == 200
    assert tenant.api.patch(f"identity/roles/{role.pk}", {"is_active": False}).status_code == 200
    assert_problem(client.get("identity/roles"), 403, "permission_denied")
    assert tenant.api.patch(f"identity/roles/{role.pk}", {"is_active": True}).status_code == 200

    assert tenant.api.delete(f"identity/roles/{role.pk}/assignments/{member.pk}").status_code == 204
    assert_problem(client.get("identity/roles"), 403, "permission_denied")
    assert _assigned(tenant, member) == {"EMPLOYEE"}


def test_a_role_assigned_within_a_workspace_grants_nothing_organization_wide(tenant):
    user, investor = member_client(tenant, org_role="INVESTOR")
    member = member_of(tenant, user)
    depot = tenant.api.post("platform/workspaces", {"name": "Depot"}).json()["id"]
    role = make_role(tenant, "DEPOT_ADMIN", ["platform.add_workspace"])

    scoped = tenant.api.post(f"identity/roles/{role.pk}/assignments", {"member": str(member.pk), "workspace": depot})

    assert scoped.status_code == 201 and scoped.json()["workspace_id"] == depot
    assert_problem(investor.post("platform/workspaces", {"name": "Annex"}), 403, "permission_denied")
    assert tenant.api.delete(f"identity/roles/{role.pk}/assignments/{member.pk}?workspace={depot}").status_code == 204
    assert _assigned(tenant, member) == {"INVESTOR"}


def test_assignment_refusals(tenant):
    role = make_role(tenant)
    member = add_member(tenant)
    workspace = "01900000-0000-7000-8000-000000000000"
    before = _role_rows(tenant)

    assert_problem(
        tenant.api.post(f"identity/roles/{role.pk}/assignments", {"member": workspace}), 404, "not_found", "member"
    )
    assert_problem(
        tenant.api.post(f"identity/roles/{workspace}/assignments", {"member": str(member.pk)}), 404, "not_found", "role"
    )
    assert_problem(
        tenant.api.post(f"identity/roles/{role.pk}/assignments", {"member": str(member.pk), "workspace": workspace}),
        404,
        "not_found",
        field="workspace",
    )
    assert_problem(tenant.api.post(f"identity/roles/{role.pk}/assignments", {"member": "x"}), 422, "validation_error")
    assert_problem(tenant.api.delete(f"identity/roles/{role.pk}/assignments/{member.pk}"), 404, "not_found")
    assert _role_rows(tenant) == before


def test_the_owner_role_of_the_last_owner_cannot_be_withdrawn(tenant):
    owner_role = role_named(tenant, "OWNER")
    owner = member_of(tenant, tenant.owner)
    assert_problem(tenant.api.delete(f"identity/roles/{owner_role.pk}/assignments/{owner.pk}"), 409, "last_owner")
    assert _assigned(tenant, owner) == {"OWNER"}


def test_only_an_owner_grants_or_withdraws_the_owner_role(tenant):
    _, admin = member_client(tenant, org_role="ADMIN")
    owner_role = role_named(tenant, "OWNER")
    employee = add_member(tenant)
    owner = member_of(tenant, tenant.owner)

    assert_problem(
        admin.post(f"identity/roles/{owner_role.pk}/assignments", {"member": str(employee.pk)}), 403, "owner_only"
    )
    assert_problem(admin.delete(f"identity/roles/{owner_role.pk}/assignments/{owner.pk}"), 403, "owner_only")
    assert _assigned(tenant, employee) == {"EMPLOYEE"}
    assert (
        admin.post(
            f"identity/roles/{role_named(tenant, 'HR').pk}/assignments", {"member": str(employee.pk)}
        ).status_code
        == 201
    )


def test_roles_endpoints_need_their_permissions(tenant):
    _, employee = member_client(tenant, org_role="EMPLOYEE")
    _, manager = member_client(tenant, org_role="MANAGER")
    role = make_role(tenant)
    member = add_member(tenant)
    before = _role_rows(tenant)

    assert_problem(employee.post("identity/roles", {"code": "X", "name": "X"}), 403, "permission_denied")
    assert_problem(employee.get(f"identity/roles/{role.pk}"), 403, "permission_denied")
    assert_problem(employee.get("identity/permissions"), 403, "permission_denied")
    assert_problem(manager.delete(f"identity/roles/{role.pk}"), 403, "permission_denied")
    assert_problem(
        manager.post(f"identity/roles/{role.pk}/assignments", {"member": str(member.pk)}), 403, "permission_denied"
    )
    assert manager.patch(f"identity/roles/{role.pk}", {"description": "ok"}).status_code == 200
    assert _role_rows(tenant) == before


def test_the_permission_catalogue_is_listed_and_filtered_by_module(tenant):
    page = tenant.api.get("identity/permissions", module="identity", limit=200).json()
    codenames = [p["codename"] for p in page["items"]]
    assert codenames == sorted(codenames)
    assert {"identity.view_role", "identity.assign_role", "identity.manage_apitoken"} <= set(codenames)
    assert all(p["module"] == "identity" for p in page["items"])
