"""Who may call what: permission checks, and choosing the organization with X-Organization."""

from tests.support.api import ApiClient, member_client

from comptoir.identity.models import Role
from comptoir.identity.tests.factories import add_member, assert_problem, client_for, new_user
from comptoir.platform.models import Workspace
from comptoir.platform.tenancy import tenant_context


def _workspace_names(tenant) -> set[str]:
    with tenant_context(tenant.organization):
        return set(Workspace.objects.values_list("name", flat=True))


def test_a_member_without_the_permission_gets_403_and_nothing_is_written(tenant):
    _, employee = member_client(tenant, org_role="EMPLOYEE")
    _, investor = member_client(tenant, org_role="INVESTOR")
    with tenant_context(tenant.organization):
        roles = Role.objects.count()

    assert_problem(employee.post("identity/roles", {"code": "X", "name": "X"}), 403, "permission_denied")
    assert_problem(investor.post("platform/workspaces", {"name": "Depot"}), 403, "permission_denied")
    assert_problem(investor.patch("platform/organization", {"name": "Mine"}), 403, "permission_denied")

    assert investor.get("platform/workspaces").status_code == 200
    assert investor.get("identity/roles").status_code == 200
    with tenant_context(tenant.organization):
        assert Role.objects.count() == roles
    assert _workspace_names(tenant) == {"Main"}


def test_no_or_bad_credentials_get_401(db):
    assert_problem(ApiClient().get("platform/workspaces"), 401, "not_authenticated")
    assert_problem(ApiClient("garbage").get("platform/workspaces"), 401, "invalid_token")
    assert_problem(ApiClient("cpt_abcdef123456_secret").get("me"), 401, "invalid_token")


def test_x_organization_naming_an_organization_of_someone_else_is_403(tenant, other_tenant):
    for wanted in (str(other_tenant.organization.pk), other_tenant.code, "no-such-org"):
        client = ApiClient(tenant.api.token, organization=wanted)
        assert_problem(client.get("platform/workspaces"), 403, "not_a_member")
        assert_problem(client.post("platform/workspaces", {"name": "Intruder"}), 403, "not_a_member")
    assert _workspace_names(other_tenant) == {"Main"}


def test_a_user_in_two_organizations_lands_in_the_default_one_unless_x_organization_says_otherwise(
    tenant, other_tenant
):
    add_member(other_tenant, tenant.owner, org_role="INVESTOR")

    me = tenant.api.get("me").json()
    assert (me["organization_id"], me["org_role"]) == (str(tenant.organization.pk), "OWNER")
    assert {m["organization_code"] for m in me["memberships"]} == {tenant.code, other_tenant.code}
    for wanted in (str(other_tenant.organization.pk), other_tenant.code, other_tenant.code.upper()):
        me = ApiClient(tenant.api.token, organization=wanted).get("me").json()
        assert (me["organization_id"], me["org_role"]) == (str(other_tenant.organization.pk), "INVESTOR")
    as_investor = ApiClient(tenant.api.token, organization=other_tenant.code)
    assert_problem(as_investor.post("platform/workspaces", {"name": "Depot"}), 403, "permission_denied")
    assert tenant.api.post("platform/workspaces", {"name": "Depot"}).status_code == 201
    assert _workspace_names(other_tenant) == {"Main"}


def test_a_user_in_two_organizations_without_a_default_must_send_x_organization(tenant, other_tenant):
    user = new_user()
    add_member(tenant, user, org_role="MANAGER")
    add_member(other_tenant, user, org_role="EMPLOYEE")

    assert_problem(client_for(user).get("platform/workspaces"), 403, "organization_required")
    assert client_for(user, organization=tenant.code).get("platform/workspaces").status_code == 200
    as_employee = client_for(user, organization=str(other_tenant.organization.pk))
    assert as_employee.get("me").json()["org_role"] == "EMPLOYEE"


def test_a_user_with_one_organization_needs_no_header(tenant):
    user = add_member(tenant, org_role="MANAGER").user
    assert client_for(user).get("me").json()["organization_id"] == str(tenant.organization.pk)
