"""Personal API tokens: shown once, stored as SHA-256, scoped, revocable, expiring."""

from datetime import timedelta

from django.utils import timezone
from tests.support.api import ApiClient, member_client

from comptoir.identity.models import ApiToken
from comptoir.identity.tests.factories import assert_problem, make_api_token, member_of
from comptoir.identity.tokens import digest
from comptoir.platform.tenancy import tenant_context


def _tokens(tenant):
    with tenant_context(tenant.organization):
        return list(ApiToken.objects.all())


def test_created_token_is_shown_once_stored_as_sha256_and_works_as_bearer(tenant):
    response = tenant.api.post("identity/api-tokens", {"name": "CI", "scopes": ["platform.view_workspace"]})

    assert response.status_code == 201, response.content
    created = response.json()
    secret = created["token"]
    assert secret.startswith(f"cpt_{created['token_prefix']}_")
    (row,) = _tokens(tenant)
    assert str(row.pk) == created["id"]
    assert row.token_hash == digest(secret)
    assert secret not in {str(v) for v in row.__dict__.values()}
    listed = tenant.api.get("identity/api-tokens").json()["items"]
    assert [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0] and secret not in str(listed)

    me = ApiClient(secret).get("me")
    assert me.status_code == 200
    assert (me.json()["user"]["id"], me.json()["organization_id"]) == (
        str(tenant.owner.pk),
        str(tenant.organization.pk),
    )


def test_scopes_limit_what_the_token_can_do(tenant):
    _, secret = make_api_token(tenant, scopes=["platform.view_workspace"])
    client = ApiClient(secret)

    assert client.get("platform/workspaces").status_code == 200
    assert_problem(client.post("platform/workspaces", {"name": "Branch"}), 403, "permission_denied")
    assert_problem(client.get("identity/roles"), 403, "permission_denied")
    assert client.get("me").json()["permissions"] == ["platform.view_workspace"]
    assert [w["name"] for w in tenant.api.get("platform/workspaces").json()["items"]] == ["Main"]


def test_a_token_without_scopes_acts_with_every_permission_of_its_member(tenant):
    _, secret = make_api_token(tenant)
    response = ApiClient(secret).post("platform/workspaces", {"name": "Branch"})
    assert response.status_code == 201, response.content


def test_a_scoped_token_cannot_mint_a_token_with_wider_reach(tenant):
    _, secret = make_api_token(tenant, scopes=["identity.manage_apitoken", "platform.view_workspace"])
    client = ApiClient(secret)

    assert_problem(
        client.post("identity/api-tokens", {"name": "wider", "scopes": ["platform.add_workspace"]}),
        422,
        "scope_not_held",
        field="scopes",
    )
    response = client.post("identity/api-tokens", {"name": "unscoped"})
    assert response.status_code == 201, response.content
    assert response.json()["scopes"] == ["identity.manage_apitoken", "platform.view_workspace"]
    assert_problem(
        ApiClient(response.json()["token"]).post("platform/workspaces", {"name": "B"}), 403, "permission_denied"
    )


def test_scopes_beyond_the_members_permissions_are_refused(tenant):
    _, employee = member_client(tenant, org_role="EMPLOYEE")
    for scopes in (["platform.add_workspace"], ["platform.view_workspace", "no.such_permission"]):
        response = employee.post("identity/api-tokens", {"name": "too wide", "scopes": scopes})
        assert_problem(response, 422, "scope_not_held", field="scopes")
    assert _tokens(tenant) == []


def test_token_input_is_validated(tenant):
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    assert_problem(
        tenant.api.post("identity/api-tokens", {"name": "old", "expires_at": past}), 422, "in_past", "expires_at"
    )
    assert_problem(tenant.api.post("identity/api-tokens", {"name": "  "}), 422, "required", field="name")
    naive = {"name": "naive", "expires_at": "2099-01-01T00:00:00"}
    assert_problem(tenant.api.post("identity/api-tokens", naive), 422, "validation_error", field="expires_at")
    assert_problem(
        tenant.api.post("identity/api-tokens", {"name": "x", "owner": "me"}), 422, "validation_error", "owner"
    )
    assert_problem(tenant.api.post("identity/api-tokens", {"scopes": []}), 422, "validation_error", field="name")
    assert _tokens(tenant) == []


def test_a_revoked_token_is_refused(tenant):
    row, secret = make_api_token(tenant)
    assert tenant.api.delete(f"identity/api-tokens/{row.pk}").status_code == 204

    assert_problem(ApiClient(secret).get("me"), 401, "invalid_token")
    listed = tenant.api.get("identity/api-tokens").json()["items"]
    assert listed[0]["revoked_at"] is not None


def test_an_expired_token_is_refused(tenant):
    row, secret = make_api_token(tenant, expires_at=timezone.now() + timedelta(days=1))
    assert ApiClient(secret).get("me").status_code == 200
    with tenant_context(tenant.organization):
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(ApiClient(secret).get("me"), 401, "invalid_token")


def test_a_forged_secret_with_a_real_prefix_is_refused(tenant):
    row, secret = make_api_token(tenant)
    forged = f"cpt_{row.token_prefix}_{'x' * 43}"
    assert forged != secret
    assert_problem(ApiClient(forged).get("me"), 401, "invalid_token")


def test_the_token_of_a_member_who_left_is_refused(tenant):
    user, _ = member_client(tenant, org_role="EMPLOYEE")
    _, secret = make_api_token(tenant, user)
    assert ApiClient(secret).get("me").status_code == 200
    member = member_of(tenant, user)
    assert tenant.api.delete(f"platform/members/{member.pk}").status_code == 204
    assert_problem(ApiClient(secret).get("me"), 401, "invalid_token")


def test_a_member_cannot_revoke_another_users_token(tenant):
    owner_token, owner_secret = make_api_token(tenant)
    user, employee = member_client(tenant, org_role="EMPLOYEE")
    own, _ = make_api_token(tenant, user)

    assert_problem(employee.delete(f"identity/api-tokens/{owner_token.pk}"), 404, "not_found")
    assert ApiClient(owner_secret).get("me").status_code == 200
    assert [t["id"] for t in employee.get("identity/api-tokens").json()["items"]] == [str(own.pk)]
    assert employee.delete(f"identity/api-tokens/{own.pk}").status_code == 204


def test_a_member_without_the_permission_cannot_manage_tokens(tenant):
    _, investor = member_client(tenant, org_role="INVESTOR")
    assert_problem(investor.post("identity/api-tokens", {"name": "x"}), 403, "permission_denied")
    assert_problem(investor.get("identity/api-tokens"), 403, "permission_denied")
    assert _tokens(tenant) == []


def test_a_token_sent_with_another_organizations_header_is_refused(tenant, other_tenant):
    _, secret = make_api_token(tenant)
    for wanted in (other_tenant.code, str(other_tenant.organization.pk)):
        client = ApiClient(secret, organization=wanted)
        assert_problem(client.get("platform/workspaces"), 403, "organization_mismatch")
        assert_problem(client.post("platform/workspaces", {"name": "Intruder"}), 403, "organization_mismatch")
    for org in (tenant, other_tenant):  # not written in either organization
        assert "Intruder" not in {w["name"] for w in org.api.get("platform/workspaces").json()["items"]}
    for own in (tenant.code.upper(), str(tenant.organization.pk)):
        assert ApiClient(secret, organization=own).get("me").json()["organization_id"] == str(tenant.organization.pk)
