"""Organization A never reaches organization B's identity rows: 404 for B's ids, and B absent from A's lists."""

import pytest
from tests.support.api import ApiClient

from comptoir.identity.models import ApiToken, MemberRole, Role, RolePermission
from comptoir.identity.tests.factories import (
    add_member,
    assert_problem,
    assign,
    make_api_token,
    make_role,
    member_of,
    role_named,
)
from comptoir.platform.models import OrganizationMember
from comptoir.platform.tenancy import tenant_context


def _snapshot(tenant):
    with tenant_context(tenant.organization):
        return {
            "members": sorted(OrganizationMember.objects.values_list("id", "org_role", "is_active")),
            "roles": sorted(Role.objects.values_list("id", "name", "is_active", "deleted_at")),
            "role_permissions": RolePermission.objects.count(),
            "assignments": sorted(MemberRole.objects.values_list("member_id", "role_id")),
            "tokens": sorted(ApiToken.objects.values_list("id", "revoked_at")),
        }


@pytest.fixture
def foreign(other_tenant):
    """B's rows: a member, a custom role held by it, and the member's API token."""
    member = add_member(other_tenant, org_role="EMPLOYEE")
    role = make_role(other_tenant, "B_ONLY")
    assign(other_tenant, member, role)
    token, secret = make_api_token(other_tenant, member.user)
    owner = member_of(other_tenant, other_tenant.owner)
    return {"member": member, "role": role, "token": token, "secret": secret, "owner": owner}


def test_every_identity_endpoint_answers_404_for_another_organizations_ids(tenant, other_tenant, foreign):
    a = tenant.api
    own_member = add_member(tenant)
    own_role = make_role(tenant, "A_ONLY")
    b_member, b_role, b_owner = foreign["member"], foreign["role"], foreign["owner"]
    before = _snapshot(other_tenant)

    for response in [
        a.get(f"platform/members/{b_member.pk}"),
        a.patch(f"platform/members/{b_member.pk}", {"org_role": "ADMIN"}),
        a.delete(f"platform/members/{b_member.pk}"),
        a.delete(f"platform/members/{b_owner.pk}"),
        a.get(f"identity/roles/{b_role.pk}"),
        a.patch(f"identity/roles/{b_role.pk}", {"name": "Hijacked", "permissions": []}),
        a.delete(f"identity/roles/{b_role.pk}"),
        a.post(f"identity/roles/{b_role.pk}/assignments", {"member": str(own_member.pk)}),
        a.post(f"identity/roles/{own_role.pk}/assignments", {"member": str(b_member.pk)}),
        a.post(f"identity/roles/{role_named(other_tenant, 'OWNER').pk}/assignments", {"member": str(own_member.pk)}),
        a.delete(f"identity/roles/{b_role.pk}/assignments/{b_member.pk}"),
        a.delete(f"identity/roles/{own_role.pk}/assignments/{b_member.pk}"),
        a.delete(f"identity/api-tokens/{foreign['token'].pk}"),
    ]:
        assert_problem(response, 404, "not_found")

    assert _snapshot(other_tenant) == before
    assert ApiClient(foreign["secret"]).get("me").status_code == 200


def test_lists_never_show_another_organizations_rows(tenant, other_tenant, foreign):
    make_api_token(tenant)
    b_ids = {str(foreign["member"].pk), str(foreign["owner"].pk), str(foreign["role"].pk), str(foreign["token"].pk)}
    with tenant_context(other_tenant.organization):
        b_ids |= {str(pk) for pk in Role.objects.values_list("id", flat=True)}

    members = tenant.api.get("platform/members", limit=200).json()["items"]
    roles = tenant.api.get("identity/roles", limit=200).json()["items"]
    tokens = tenant.api.get("identity/api-tokens", limit=200).json()["items"]

    assert [m["email"] for m in members] == [tenant.owner.email]
    assert len(roles) == len({r["code"] for r in roles}) and "B_ONLY" not in {r["code"] for r in roles}
    assert len(tokens) == 1
    assert not b_ids & {row["id"] for row in members + roles + tokens}
    searched = tenant.api.get("platform/members", search=foreign["member"].user.email).json()["items"]
    assert searched == []


def test_an_api_token_is_refused_when_the_header_names_another_organization(tenant, other_tenant, foreign):
    client = ApiClient(foreign["secret"], organization=tenant.code)
    assert_problem(client.get("me"), 403, "organization_mismatch")
    assert_problem(client.get("platform/members"), 403, "organization_mismatch")
    own = ApiClient(foreign["secret"], organization=other_tenant.code)
    members = {m["id"] for m in own.get("platform/members").json()["items"]}
    assert members == {str(foreign["member"].pk), str(foreign["owner"].pk)}
