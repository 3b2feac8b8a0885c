"""Writes through the admin go through the services: the current organization and the audit users are set,
the services' refusals come back as form errors, and nothing of a refused save is kept. The tables no service
writes (exchange rates, addresses, workspace members, one's own profile) are saved by the admin and audited."""

import datetime

from django.core import mail

from comptoir.identity.models import ApiToken, AuthSession, MemberRole, Role, User
from comptoir.platform.models import (
    AuditLog,
    Currency,
    ExchangeRate,
    Organization,
    OrganizationAddress,
    OrganizationFeature,
    OrganizationMember,
    Workspace,
    WorkspaceMember,
)
from comptoir.platform.tenancy import tenant_context
from tests.admin.support import admin_url, browser, form_data
from tests.support.api import PASSWORD, member_client

# --- workspaces ----------------------------------------------------------------------------------------------------


def test_adding_a_workspace_stores_the_current_organization(tenant, other_tenant, owner_browser):
    page = owner_browser.get(admin_url(Workspace, "add"))
    response = owner_browser.post(
        admin_url(Workspace, "add"), form_data(page, name=" Lyon ", type="BRANCH", description="South")
    )
    assert response.status_code == 302
    with tenant_context(tenant.organization):
        workspace = Workspace.objects.get(name="Lyon")
    assert workspace.organization_id == tenant.organization.pk
    assert (workspace.created_by_id, workspace.updated_by_id) == (tenant.owner.pk, tenant.owner.pk)
    assert (workspace.type, workspace.description, workspace.is_default) == ("BRANCH", "South", False)
    with tenant_context(other_tenant.organization):
        assert not Workspace.objects.filter(name="Lyon").exists()


def test_a_duplicate_workspace_name_is_a_form_error(tenant, owner_browser):
    page = owner_browser.get(admin_url(Workspace, "add"))
    response = owner_browser.post(admin_url(Workspace, "add"), form_data(page, name="main", type="BRANCH"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == ["A workspace named 'main' exists"]
    with tenant_context(tenant.organization):
        assert Workspace.objects.count() == 1


def test_editing_a_workspace_bumps_its_version_and_checks_transitions(tenant, owner_browser):
    with tenant_context(tenant.organization):
        main = Workspace.objects.get(is_default=True)
    url = admin_url(Workspace, "change", main.pk)
    response = owner_browser.post(url, form_data(owner_browser.get(url), description="Head office"))
    assert response.status_code == 302
    refused = owner_browser.post(url, form_data(owner_browser.get(url), status="ARCHIVED"))
    assert refused.status_code == 200
    assert "The default workspace stays active" in refused.context["adminform"].form.errors["status"][0]
    with tenant_context(tenant.organization):
        main.refresh_from_db()
    assert (main.description, main.status, main.version, main.updated_by_id) == (
        "Head office",
        "ACTIVE",
        2,
        tenant.owner.pk,
    )


def test_deleting_a_workspace_soft_deletes_it_and_the_default_one_is_kept(tenant, owner_browser):
    page = owner_browser.get(admin_url(Workspace, "add"))
    owner_browser.post(admin_url(Workspace, "add"), form_data(page, name="Depot", type="BRANCH"))
    with tenant_context(tenant.organization):
        depot = Workspace.objects.get(name="Depot")
        main = Workspace.objects.get(is_default=True)
    assert owner_browser.post(admin_url(Workspace, "delete", depot.pk), {"post": "yes"}).status_code == 302
    refused = owner_browser.post(admin_url(Workspace, "delete", main.pk), {"post": "yes"}, follow=True)
    assert "The default workspace cannot be deleted" in refused.content.decode()
    with tenant_context(tenant.organization):
        depot.refresh_from_db()
        main.refresh_from_db()
    assert depot.deleted_by_id == tenant.owner.pk and depot.deleted_at is not None
    assert main.deleted_at is None
    listed = owner_browser.get(admin_url(Workspace)).context["cl"].result_list
    assert [w.name for w in listed] == ["Main"]


def test_workspace_members_are_added_inline_with_the_organizations_users_only(tenant, other_tenant, owner_browser):
    colleague, _ = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(tenant.organization):
        main = Workspace.objects.get(is_default=True)
    url = admin_url(Workspace, "change", main.pk)
    data = form_data(owner_browser.get(url))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-user": str(colleague.pk), f"{prefix}-0-role": "MEMBER"})
    assert owner_browser.post(url, data).status_code == 302
    data[f"{prefix}-0-user"] = str(other_tenant.owner.pk)
    refused = owner_browser.post(url, data)
    assert refused.status_code == 200
    with tenant_context(tenant.organization):
        row = main.members.get()
    assert (row.user_id, row.organization_id, row.created_by_id) == (
        colleague.pk,
        tenant.organization.pk,
        tenant.owner.pk,
    )
    [(action, _old, new)] = audit_rows(tenant, WorkspaceMember, object_id=row.pk)
    assert (action, new["user"], new["role"]) == ("CREATE", str(colleague.pk), "MEMBER")


def test_a_workspace_member_added_on_its_page_is_audited(tenant, owner_browser):
    colleague, _ = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(tenant.organization):
        main = Workspace.objects.get(is_default=True)
    page = owner_browser.get(admin_url(WorkspaceMember, "add"))
    data = form_data(page, workspace=str(main.pk), user=str(colleague.pk), role="MANAGER")
    assert owner_browser.post(admin_url(WorkspaceMember, "add"), data).status_code == 302
    duplicate = owner_browser.post(admin_url(WorkspaceMember, "add"), data)
    assert duplicate.status_code == 200 and duplicate.context["adminform"].form.errors
    with tenant_context(tenant.organization):
        row = WorkspaceMember.objects.get()
    assert [a for a, _old, _new in audit_rows(tenant, WorkspaceMember)] == ["CREATE"]
    assert audit_rows(tenant, WorkspaceMember)[0][2]["workspace"] == str(main.pk)
    with tenant_context(tenant.organization):
        assert AuditLog.objects.get(object_id=row.pk).object_repr == f"{colleague.email} in Main"


# --- members and roles ---------------------------------------------------------------------------------------------


def test_inviting_a_member_through_the_admin(tenant, owner_browser, django_capture_on_commit_callbacks):
    with tenant_context(tenant.organization):
        sales = Role.objects.get(code="SALES")
    page = owner_browser.get(admin_url(OrganizationMember, "add"))
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_browser.post(
            admin_url(OrganizationMember, "add"),
            form_data(page, email="New.Person@Example.com", org_role="MANAGER", extra_roles=[str(sales.pk)]),
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.status == "PENDING"
    with tenant_context(tenant.organization):
        member = OrganizationMember.objects.get(user=user)
        codes = set(MemberRole.objects.filter(member=member).values_list("role__code", flat=True))
    assert (member.org_role, member.invited_by_id, codes) == ("MANAGER", tenant.owner.pk, {"MANAGER", "SALES"})
    assert mail.outbox[-1].to == ["new.person@example.com"]
    again = owner_browser.post(admin_url(OrganizationMember, "add"), form_data(page, email=user.email))
    assert again.context["adminform"].form.errors["email"] == ["This user is already a member"]


def test_changing_a_members_role_swaps_the_role_template(tenant, owner_browser):
    user, _ = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(tenant.organization):
        member = OrganizationMember.objects.get(user=user)
    url = admin_url(OrganizationMember, "change", member.pk)
    assert owner_browser.post(url, form_data(owner_browser.get(url), org_role="ADMIN")).status_code == 302
    with tenant_context(tenant.organization):
        codes = set(MemberRole.objects.filter(member=member).values_list("role__code", flat=True))
    assert codes == {"ADMIN"}
    assert browser(user).get("/admin/").status_code == 200  # ADMIN holds platform.access_admin


def test_the_last_owner_cannot_be_demoted_or_deactivated(tenant, owner_browser):
    with tenant_context(tenant.organization):
        owner = OrganizationMember.objects.get(user=tenant.owner)
    url = admin_url(OrganizationMember, "change", owner.pk)
    refused = owner_browser.post(url, form_data(owner_browser.get(url), org_role="EMPLOYEE"))
    assert refused.status_code == 200
    assert "at least one active owner" in str(refused.context["adminform"].form.errors)
    response = owner_browser.post(
        admin_url(OrganizationMember),
        {"action": "deactivate_members", "_selected_action": [str(owner.pk)]},
        follow=True,
    )
    assert "at least one active owner" in response.content.decode()
    with tenant_context(tenant.organization):
        owner.refresh_from_db()
    assert (owner.org_role, owner.is_active) == ("OWNER", True)


def test_deactivating_members(tenant, owner_browser):
    user, _ = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(tenant.organization):
        member = OrganizationMember.objects.get(user=user)
    owner_browser.post(
        admin_url(OrganizationMember), {"action": "deactivate_members", "_selected_action": [str(member.pk)]}
    )
    with tenant_context(tenant.organization):
        member.refresh_from_db()
    assert member.is_active is False


def test_creating_and_editing_a_role_with_its_permissions(tenant, owner_browser):
    from comptoir.identity.models import Permission

    wanted = list(Permission.objects.filter(codename__in=["platform.view_workspace", "platform.add_workspace"]))
    page = owner_browser.get(admin_url(Role, "add"))
    assert 'name="permission_set"' in page.content.decode()
    response = owner_browser.post(
        admin_url(Role, "add"),
        form_data(page, code="clerk", name="Clerk", permission_set=[str(p.pk) for p in wanted]),
    )
    assert response.status_code == 302
    with tenant_context(tenant.organization):
        role = Role.objects.get(code="CLERK")
        codenames = set(role.role_permissions.values_list("permission__codename", flat=True))
    assert codenames == {"platform.view_workspace", "platform.add_workspace"}
    assert role.created_by_id == tenant.owner.pk

    url = admin_url(Role, "change", role.pk)
    response = owner_browser.post(url, form_data(owner_browser.get(url), permission_set=[str(wanted[0].pk)]))
    assert response.status_code == 302
    with tenant_context(tenant.organization):
        assert list(role.role_permissions.values_list("permission_id", flat=True)) == [wanted[0].pk]


def test_system_roles_keep_their_template(tenant, owner_browser):
    with tenant_context(tenant.organization):
        owner_role = Role.objects.get(code="OWNER")
        before = owner_role.role_permissions.count()
    url = admin_url(Role, "change", owner_role.pk)
    page = owner_browser.get(url)
    assert page.context["adminform"].form.fields["permission_set"].disabled
    owner_browser.post(url, form_data(page, description="Owns it", permission_set=[]))
    with tenant_context(tenant.organization):
        owner_role.refresh_from_db()
        assert owner_role.role_permissions.count() == before
    assert owner_role.description == "Owns it"
    refused = owner_browser.post(admin_url(Role, "delete", owner_role.pk), {"post": "yes"})
    assert refused.status_code == 403
    assert "A system role follows its template and is never deleted." in refused.content.decode()


def test_a_role_in_use_is_not_deleted(tenant, populated, owner_browser):
    role = populated["role"]
    response = owner_browser.post(admin_url(Role, "delete", role.pk), {"post": "yes"}, follow=True)
    assert "The role is still assigned to members" in response.content.decode()
    with tenant_context(tenant.organization):
        assert Role.objects.get(pk=role.pk).deleted_at is None


def test_assigning_and_unassigning_a_role(tenant, owner_browser):
    user, _ = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(tenant.organization):
        member = OrganizationMember.objects.get(user=user)
        hr = Role.objects.get(code="HR")
    page = owner_browser.get(admin_url(MemberRole, "add"))
    response = owner_browser.post(admin_url(MemberRole, "add"), form_data(page, member=str(member.pk), role=str(hr.pk)))
    assert response.status_code == 302
    with tenant_context(tenant.organization):
        assignment = MemberRole.objects.get(member=member, role=hr)
    assert assignment.created_by_id == tenant.owner.pk
    assert owner_browser.post(admin_url(MemberRole, "delete", assignment.pk), {"post": "yes"}).status_code == 302
    with tenant_context(tenant.organization):
        assert not MemberRole.objects.filter(member=member, role=hr).exists()


# --- tokens, sessions, users ---------------------------------------------------------------------------------------


def test_api_tokens_are_revoked_from_the_list(tenant, populated, owner_browser):
    token = populated["token"]
    assert owner_browser.get(admin_url(ApiToken, "change", token.pk)).status_code == 200
    assert owner_browser.post(admin_url(ApiToken, "change", token.pk), {"name": "x"}).status_code == 405
    response = owner_browser.post(
        admin_url(ApiToken), {"action": "revoke_tokens", "_selected_action": [str(token.pk)]}, follow=True
    )
    assert "1 token(s) revoked" in response.content.decode()
    with tenant_context(tenant.organization):
        token.refresh_from_db()
    assert token.revoked_at is not None and token.updated_by_id == tenant.owner.pk


def test_users_edit_their_own_profile_only(tenant, owner_browser):
    colleague, _ = member_client(tenant, org_role="EMPLOYEE")
    own = admin_url(User, "change", tenant.owner.pk)
    page = owner_browser.get(own)
    assert 'name="first_name"' in page.content.decode()
    assert 'name="email"' not in page.content.decode() and "password" not in page.context["adminform"].form.fields
    before = tenant.owner.first_name
    response = owner_browser.post(own, form_data(page, first_name="Olivia", phone="+33 1 23"))
    assert response.status_code == 302
    tenant.owner.refresh_from_db()
    assert (tenant.owner.first_name, tenant.owner.phone) == ("Olivia", "+33 1 23")
    assert audit_rows(tenant, User) == [
        ("UPDATE", {"first_name": before, "phone": ""}, {"first_name": "Olivia", "phone": "+33 1 23"})
    ]
    other = admin_url(User, "change", colleague.pk)
    assert 'name="first_name"' not in owner_browser.get(other).content.decode()
    refused = owner_browser.post(other, {"first_name": "Mallory"})
    assert refused.status_code == 403
    assert "A profile is changed by its user only." in refused.content.decode()
    colleague.refresh_from_db()
    assert colleague.first_name != "Mallory"


def test_a_password_change_in_the_admin_revokes_api_sessions(tenant, owner_browser):
    assert AuthSession.objects.filter(user=tenant.owner, revoked_at__isnull=True).exists()
    response = owner_browser.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert not AuthSession.objects.filter(user=tenant.owner, revoked_at__isnull=True).exists()
    assert owner_browser.get("/admin/").status_code == 200  # the browser session survives


# --- organization, features, addresses, rates ---------------------------------------------------------------------


def test_editing_the_organization_goes_through_the_service(tenant, owner_browser):
    url = admin_url(Organization, "change", tenant.organization.pk)
    usd = Currency.objects.get(code="USD")
    response = owner_browser.post(
        url, form_data(owner_browser.get(url), legal_name="Org SARL", base_currency=str(usd.pk))
    )
    assert response.status_code == 302
    suspended = owner_browser.post(url, form_data(owner_browser.get(url), status="SUSPENDED"))
    assert suspended.status_code == 302
    refused = owner_browser.post(url, form_data(owner_browser.get(url), status="INACTIVE"))
    assert refused.status_code == 200  # SUSPENDED -> INACTIVE is not a transition
    assert refused.context["adminform"].form.errors
    org = Organization.objects.filter(pk=tenant.organization.pk)
    with tenant_context(tenant.organization):
        org = org.select_related("base_currency").get()
    assert (org.legal_name, org.base_currency.code, org.status, org.version) == ("Org SARL", "USD", "SUSPENDED", 3)


def audit_rows(tenant, model, **filters) -> list[tuple]:
    """(action, old values, new values) of the audit rows of `model`'s records, oldest first."""
    with tenant_context(tenant.organization):
        rows = AuditLog.objects.filter(object_type=model._meta.label_lower, **filters).order_by("timestamp")
        return [(r.action, r.old_values, r.new_values) for r in rows]


def test_feature_switches_go_through_the_service(tenant, owner_browser):
    with tenant_context(tenant.organization):
        features = OrganizationFeature.objects.get()
    url = admin_url(OrganizationFeature, "change", features.pk)
    assert owner_browser.post(url, form_data(owner_browser.get(url), locked="on")).status_code == 302
    with tenant_context(tenant.organization):
        features.refresh_from_db()
        audit = AuditLog.objects.get(object_type="platform.organizationfeature")
    assert (features.locked, features.updated_by_id) == (True, tenant.owner.pk)
    assert (audit.reason, audit.actor_user_id) == ("organization locked", tenant.owner.pk)  # update_features' row
    absent = owner_browser.get(admin_url(OrganizationFeature, "add"))
    assert absent.status_code == 404
    assert "Each organization has one row of features, created with it." in absent.content.decode()


def test_addresses_are_added_and_soft_deleted(tenant, owner_browser):
    from comptoir.platform.models import Country

    page = owner_browser.get(admin_url(OrganizationAddress, "add"))
    data = form_data(
        page, address_type="BRANCH", line1="2 quai", city="Nantes", country=str(Country.objects.get(code="FR").pk)
    )
    assert owner_browser.post(admin_url(OrganizationAddress, "add"), data).status_code == 302
    with tenant_context(tenant.organization):
        address = OrganizationAddress.objects.get()
    assert (address.organization_id, address.created_by_id) == (tenant.organization.pk, tenant.owner.pk)
    assert owner_browser.post(admin_url(OrganizationAddress, "delete", address.pk), {"post": "yes"}).status_code == 302
    with tenant_context(tenant.organization):
        address.refresh_from_db()
    assert address.deleted_at is not None
    assert owner_browser.get(admin_url(OrganizationAddress)).context["cl"].result_count == 0
    actions = audit_rows(tenant, OrganizationAddress, object_id=address.pk)
    assert [a for a, _old, _new in actions] == ["CREATE", "DELETE"]
    assert actions[0][2]["city"] == "Nantes" and actions[1][1]["line1"] == "2 quai"


def test_exchange_rates_and_their_uniqueness_per_organization(tenant, other_tenant, owner_browser):
    eur, usd = Currency.objects.get(code="EUR"), Currency.objects.get(code="USD")
    page = owner_browser.get(admin_url(ExchangeRate, "add"))
    data = form_data(
        page, from_currency=str(eur.pk), to_currency=str(usd.pk), rate="1.1", rate_date="2026-02-01", source="ECB"
    )
    assert owner_browser.post(admin_url(ExchangeRate, "add"), data).status_code == 302
    duplicate = owner_browser.post(admin_url(ExchangeRate, "add"), data)
    assert duplicate.status_code == 200 and duplicate.context["adminform"].form.errors
    same_currency = owner_browser.post(admin_url(ExchangeRate, "add"), {**data, "to_currency": str(eur.pk)})
    assert same_currency.status_code == 200
    assert browser(other_tenant.owner).post(admin_url(ExchangeRate, "add"), data).status_code == 302  # B has its own
    with tenant_context(tenant.organization):
        rate = ExchangeRate.objects.get()
    assert (rate.rate_date, rate.created_by_id) == (datetime.date(2026, 2, 1), tenant.owner.pk)
    url = admin_url(ExchangeRate, "change", rate.pk)
    assert owner_browser.post(url, form_data(owner_browser.get(url), rate="1.2")).status_code == 302
    assert audit_rows(tenant, ExchangeRate) == [  # the refused saves wrote nothing
        (
            "CREATE",
            None,
            {
                "from_currency": str(eur.pk),
                "to_currency": str(usd.pk),
                "rate": "1.1",
                "rate_date": "2026-02-01",
                "source": "ECB",
            },
        ),
        ("UPDATE", {"rate": "1.10000000"}, {"rate": "1.2"}),
    ]


def test_global_masters_are_edited_by_superusers_only(tenant, owner_browser):
    eur = Currency.objects.get(code="EUR")
    url = admin_url(Currency, "change", eur.pk)
    assert 'name="name"' not in owner_browser.get(url).content.decode()
    assert owner_browser.post(url, {"code": "EUR", "name": "Hacked", "decimal_places": 2}).status_code == 405
    User.objects.filter(pk=tenant.owner.pk).update(is_superuser=True)
    page = owner_browser.get(url)
    assert owner_browser.post(url, form_data(page, name="Euro (EU)")).status_code == 302
    eur.refresh_from_db()
    assert eur.name == "Euro (EU)"
