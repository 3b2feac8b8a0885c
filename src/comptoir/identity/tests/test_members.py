"""Members: invitation by e-mail and its acceptance, role changes, removal, and the owner rules."""

import pytest
from tests.support.api import PASSWORD, ApiClient, make_tenant, member_client

from comptoir.identity.models import MemberRole, User, VerificationToken
from comptoir.identity.tests.factories import (
    add_member,
    assert_problem,
    client_for,
    codes_sent_to,
    member_of,
    new_user,
    sign_in,
)
from comptoir.platform.models import OrganizationMember
from comptoir.platform.tenancy import tenant_context


def _members(tenant):
    with tenant_context(tenant.organization):
        return {m.user.email: m for m in OrganizationMember.objects.select_related("user")}


def _role_codes(tenant, member_id) -> set[str]:
    with tenant_context(tenant.organization):
        return set(MemberRole.objects.filter(member_id=member_id).values_list("role__code", flat=True))


def _accept(email, code, password="a-fresh-passphrase", **extra):
    return ApiClient().post("auth/invitations/accept", {"email": email, "code": code, "password": password, **extra})


@pytest.fixture
def invite(tenant, sent):
    def invite(email="new.hire@example.com", client=None, **body):
        with sent():
            return (client or tenant.api).post("platform/members", {"email": email, **body})

    return invite


def test_invitation_creates_a_pending_user_and_emails_a_code_that_sets_the_password(tenant, invite, outbox):
    response = invite("New.Hire@Example.com", first_name="Nina", roles=["ACCOUNTANT"])

    assert response.status_code == 201, response.content
    member = response.json()
    assert (member["email"], member["org_role"]) == ("new.hire@example.com", "EMPLOYEE")
    assert (member["is_active"], member["joined_at"], member["user_id"], member["first_name"]) == (
        False,
        None,
        None,
        "",
    )
    user = User.objects.get(email="new.hire@example.com")
    assert user.status == "PENDING" and not user.has_usable_password() and user.first_name == "Nina"
    assert _role_codes(tenant, member["id"]) == {"EMPLOYEE", "ACCOUNTANT"}
    assert [m.to for m in outbox] == [["new.hire@example.com"]]
    assert tenant.organization.name in outbox[0].subject
    (code,) = codes_sent_to("new.hire@example.com")
    assert_problem(ApiClient().post("auth/token", {"email": user.email, "password": ""}), 422, "validation_error")

    accepted = _accept("new.hire@example.com", code, last_name="Hire")

    assert accepted.status_code == 200, accepted.content
    user.refresh_from_db()
    assert (user.status, user.email_verified, user.last_name) == ("ACTIVE", True, "Hire")
    joined = _members(tenant)["new.hire@example.com"]
    assert joined.joined_at is not None and joined.is_active
    assert tenant.api.get(f"platform/members/{joined.pk}").json()["first_name"] == "Nina"
    me = ApiClient(sign_in("new.hire@example.com", "a-fresh-passphrase")["access"]).get("me").json()
    assert (me["organization_id"], me["org_role"]) == (str(tenant.organization.pk), "EMPLOYEE")
    assert "accounting.view_account" in me["permissions"] or "platform.view_workspace" in me["permissions"]
    assert_problem(_accept("new.hire@example.com", code), 422, "invalid_code", field="code")


def test_accepting_refuses_a_wrong_code_and_a_weak_password_without_spending_the_code(tenant, invite):
    assert invite().status_code == 201
    (code,) = codes_sent_to("new.hire@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    assert_problem(_accept("new.hire@example.com", wrong), 422, "invalid_code", field="code")
    assert_problem(_accept("new.hire@example.com", code, "password"), 422, "weak_password", field="password")

    user = User.objects.get(email="new.hire@example.com")
    assert user.status == "PENDING" and not user.has_usable_password()
    assert _accept("new.hire@example.com", code).status_code == 200


def test_inviting_an_existing_user_reveals_nothing_and_waits_for_their_acceptance(tenant, invite, outbox):
    elsewhere = make_tenant()
    outbox.clear()
    existing = invite(elsewhere.owner.email, org_role="MANAGER", first_name="Guess")
    unknown = invite("nobody-yet@example.com", org_role="MANAGER", first_name="Guess")

    assert existing.status_code == unknown.status_code == 201, existing.content
    hidden = {"id", "created_at", "email"}
    shown = {k: v for k, v in existing.json().items() if k not in hidden}
    assert shown == {k: v for k, v in unknown.json().items() if k not in hidden}
    assert (shown["user_id"], shown["first_name"], shown["last_name"], shown["is_active"]) == (None, "", "", False)
    listed = tenant.api.get("platform/members", search=elsewhere.owner.email).json()["items"]
    assert [(m["user_id"], m["first_name"]) for m in listed] == [(None, "")]
    owner = User.objects.get(pk=elsewhere.owner.pk)
    assert owner.check_password(PASSWORD) and owner.first_name == "Olive"
    pair = sign_in(elsewhere.owner.email)
    assert_problem(ApiClient(pair["access"], organization=tenant.code).get("me"), 403, "not_a_member")
    assert [m["organization_code"] for m in ApiClient(pair["access"]).get("me").json()["memberships"]] == [
        elsewhere.code
    ]

    (code,) = codes_sent_to(elsewhere.owner.email)
    assert_problem(_accept(elsewhere.owner.email, code, "not-their-password"), 401, "invalid_credentials")
    assert not member_of(tenant, elsewhere.owner).is_active
    assert _accept(elsewhere.owner.email, code, PASSWORD).status_code == 200

    assert User.objects.get(pk=elsewhere.owner.pk).check_password(PASSWORD)
    client = ApiClient(sign_in(elsewhere.owner.email)["access"], organization=tenant.code)
    assert client.get("me").json()["org_role"] == "MANAGER"
    assert tenant.api.get(f"platform/members/{existing.json()['id']}").json()["first_name"] == "Olive"


def test_an_invitation_not_accepted_yet_is_withdrawn_by_deleting_it_and_cannot_be_activated(tenant, invite):
    member = invite("maybe@example.com").json()
    assert_problem(tenant.api.patch(f"platform/members/{member['id']}", {"is_active": True}), 409, "invitation_pending")
    assert _members(tenant)["maybe@example.com"].awaits_acceptance  # nothing written
    assert tenant.api.delete(f"platform/members/{member['id']}").status_code == 204
    assert "maybe@example.com" not in _members(tenant)
    (code,) = codes_sent_to("maybe@example.com")
    assert _accept("maybe@example.com", code).status_code == 200
    assert "maybe@example.com" not in _members(tenant)


def test_a_user_invited_twice_before_accepting_gets_a_fresh_code_that_joins_both(tenant, other_tenant, sent, outbox):
    with sent():
        assert tenant.api.post("platform/members", {"email": "twice@example.com"}).status_code == 201
        assert other_tenant.api.post("platform/members", {"email": "twice@example.com"}).status_code == 201
    _, second = codes_sent_to("twice@example.com")
    assert [m.to for m in outbox] == [["twice@example.com"]] * 2

    voided = VerificationToken.objects.filter(email="twice@example.com", purpose="INVITATION", voided_at__isnull=False)
    assert voided.count() == 1
    assert _accept("twice@example.com", second).status_code == 200
    assert _members(tenant)["twice@example.com"].is_active
    assert _members(other_tenant)["twice@example.com"].is_active


def test_invitation_refusals_write_nothing(tenant, invite, outbox):
    add_member(tenant, new_user("already@example.com"))
    before = (User.objects.count(), len(_members(tenant)), VerificationToken.objects.count())
    cases = [
        (invite("already@example.com"), 422, "duplicate", "email"),
        (invite("ghost@example.com", roles=["NO_SUCH_ROLE"]), 422, "unknown_role", "roles"),
        (invite("not-an-email"), 422, "invalid_email", "email"),
        (invite("ghost@example.com", org_role="KING"), 422, "validation_error", "org_role"),
        (invite("ghost@example.com", team="x"), 422, "validation_error", "team"),
    ]
    for response, status, code, field in cases:
        assert_problem(response, status, code, field=field)
    assert (User.objects.count(), len(_members(tenant)), VerificationToken.objects.count()) == before
    assert outbox == []


def test_get_patch_and_list_members(tenant):
    user, client = member_client(tenant, org_role="EMPLOYEE")
    member = member_of(tenant, user)
    assert_problem(client.post("platform/workspaces", {"name": "Depot"}), 403, "permission_denied")

    got = tenant.api.get(f"platform/members/{member.pk}")
    assert got.status_code == 200 and got.json()["email"] == user.email
    patched = tenant.api.patch(f"platform/members/{member.pk}", {"org_role": "MANAGER"})

    assert patched.status_code == 200, patched.content
    assert patched.json()["org_role"] == "MANAGER"
    assert _role_codes(tenant, member.pk) == {"MANAGER"}
    assert client.post("platform/workspaces", {"name": "Depot"}).status_code == 201
    owners = tenant.api.get("platform/members", org_role="OWNER").json()["items"]
    assert [m["email"] for m in owners] == [tenant.owner.email]
    found = tenant.api.get("platform/members", search=user.email[:8]).json()["items"]
    assert [m["id"] for m in found] == [str(member.pk)]
    assert_problem(tenant.api.patch(f"platform/members/{member.pk}", {"org_role": "KING"}), 422, "validation_error")
    assert_problem(
        tenant.api.patch(f"platform/members/{member.pk}", {"email": "x@example.com"}), 422, "validation_error"
    )
    assert member_of(tenant, user).org_role == "MANAGER"


def test_removing_a_member_deactivates_it_and_its_access(tenant):
    user, client = member_client(tenant, org_role="MANAGER")
    member = member_of(tenant, user)

    assert tenant.api.delete(f"platform/members/{member.pk}").status_code == 204

    assert member_of(tenant, user).is_active is False
    assert_problem(client.get("platform/workspaces"), 403, "organization_required")
    active = tenant.api.get("platform/members", is_active="true").json()["items"]
    assert str(member.pk) not in [m["id"] for m in active]
    assert tenant.api.patch(f"platform/members/{member.pk}", {"is_active": True}).status_code == 200
    assert client.get("platform/workspaces").status_code == 200


def test_the_last_active_owner_cannot_be_demoted_or_removed(tenant):
    owner = member_of(tenant, tenant.owner)
    assert_problem(tenant.api.patch(f"platform/members/{owner.pk}", {"org_role": "ADMIN"}), 409, "last_owner")
    assert_problem(tenant.api.patch(f"platform/members/{owner.pk}", {"is_active": False}), 409, "last_owner")
    assert_problem(tenant.api.delete(f"platform/members/{owner.pk}"), 409, "last_owner")
    owner = member_of(tenant, tenant.owner)
    assert (owner.org_role, owner.is_active) == ("OWNER", True)
    assert _role_codes(tenant, owner.pk) == {"OWNER"}


def test_an_owner_may_step_down_once_another_owner_exists(tenant):
    second = add_member(tenant, org_role="EMPLOYEE")
    assert tenant.api.patch(f"platform/members/{second.pk}", {"org_role": "OWNER"}).status_code == 200
    assert _role_codes(tenant, second.pk) == {"OWNER"}
    owner = member_of(tenant, tenant.owner)

    assert tenant.api.patch(f"platform/members/{owner.pk}", {"org_role": "ADMIN"}).status_code == 200
    assert _role_codes(tenant, owner.pk) == {"ADMIN"}
    assert_problem(
        client_for(second.user).patch(f"platform/members/{second.pk}", {"org_role": "ADMIN"}), 409, "last_owner"
    )


def test_only_an_owner_grants_changes_or_removes_ownership(tenant, invite):
    _, admin = member_client(tenant, org_role="ADMIN")
    employee = add_member(tenant, org_role="EMPLOYEE")
    second_owner = add_member(tenant, org_role="OWNER")

    assert_problem(
        admin.patch(f"platform/members/{employee.pk}", {"org_role": "OWNER"}), 403, "owner_only", field="org_role"
    )
    assert_problem(
        admin.patch(f"platform/members/{second_owner.pk}", {"org_role": "EMPLOYEE"}), 403, "owner_only", "org_role"
    )
    assert_problem(admin.delete(f"platform/members/{second_owner.pk}"), 403, "owner_only", field="is_active")
    assert_problem(invite("boss@example.com", client=admin, org_role="OWNER"), 403, "owner_only", field="org_role")
    assert_problem(invite("boss@example.com", client=admin, roles=["OWNER"]), 403, "owner_only", field="roles")

    members = _members(tenant)
    assert members[employee.user.email].org_role == "EMPLOYEE"
    assert (members[second_owner.user.email].org_role, members[second_owner.user.email].is_active) == ("OWNER", True)
    assert "boss@example.com" not in members and not User.objects.filter(email="boss@example.com").exists()
    assert admin.patch(f"platform/members/{employee.pk}", {"org_role": "MANAGER"}).status_code == 200
    assert tenant.api.patch(f"platform/members/{employee.pk}", {"org_role": "OWNER"}).status_code == 200


def test_members_endpoints_need_their_permissions(tenant, invite):
    _, employee = member_client(tenant, org_role="EMPLOYEE")
    _, manager = member_client(tenant, org_role="MANAGER")
    owner = member_of(tenant, tenant.owner)
    users = User.objects.count()

    assert_problem(invite("x@example.com", client=employee), 403, "permission_denied")
    assert_problem(invite("x@example.com", client=manager), 403, "permission_denied")
    assert employee.get("platform/members").status_code == 200  # employees read the shared platform data
    assert_problem(employee.patch(f"platform/members/{owner.pk}", {"org_role": "ADMIN"}), 403, "permission_denied")
    assert_problem(manager.delete(f"platform/members/{owner.pk}"), 403, "permission_denied")
    assert manager.get("platform/members").status_code == 200
    assert User.objects.count() == users
