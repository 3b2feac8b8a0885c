"""The admin of organization A never shows organization B's rows, neither in lists nor by URL."""

import pytest

from comptoir.identity.models import ApiToken, AuthSession, MemberRole, Role, User
from comptoir.platform.models import (
    ExchangeRate,
    Organization,
    OrganizationAddress,
    OrganizationMember,
    Workspace,
    WorkspaceMember,
)
from comptoir.platform.tenancy import tenant_context
from tests.admin.support import admin_url, browser, populate


@pytest.fixture
def two_orgs(tenant, other_tenant):
    return populate(tenant, "alpha"), populate(other_tenant, "bravo")


LISTS = [
    (Workspace, "Branch bravo"),
    (WorkspaceMember, "manager-bravo@example.com"),
    (OrganizationMember, "manager-bravo@example.com"),
    (Role, "Role bravo"),
    (MemberRole, "manager-bravo@example.com"),
    (User, "manager-bravo@example.com"),
    (OrganizationAddress, "1 rue bravo"),
    (ApiToken, "Token bravo"),
    (AuthSession, "manager-bravo@example.com"),
    (Organization, "Organization {other}"),
]


def test_changelists_show_only_the_current_organization(tenant, other_tenant, two_orgs):
    client = browser(tenant.owner)
    for model, text in LISTS:
        foreign_text = text.format(other=other_tenant.code)
        own_text = foreign_text.replace("bravo", "alpha").replace(other_tenant.code, tenant.code)
        body = client.get(admin_url(model)).content.decode()
        assert own_text in body, model.__name__
        assert foreign_text not in body, model.__name__
        searched = client.get(admin_url(model), {"q": foreign_text.split()[-1]})
        assert searched.context["cl"].result_count == 0, model.__name__


def test_exchange_rates_of_another_organization_are_not_listed(tenant, other_tenant, two_orgs):
    response = browser(tenant.owner).get(admin_url(ExchangeRate))
    assert [r.source for r in response.context["cl"].result_list] == ["ECB alpha"]


def _foreign_rows(other_tenant, bravo) -> list:
    with tenant_context(other_tenant.organization):
        return [
            (Workspace, bravo["workspace"].pk),
            (OrganizationMember, bravo["member"].pk),
            (Role, bravo["role"].pk),
            (MemberRole, MemberRole.objects.filter(member=bravo["member"]).first().pk),
            (ApiToken, bravo["token"].pk),
            (WorkspaceMember, WorkspaceMember.objects.first().pk),
            (OrganizationAddress, OrganizationAddress.objects.first().pk),
            (ExchangeRate, ExchangeRate.objects.first().pk),
            (Organization, other_tenant.organization.pk),
            (User, bravo["member_user"].pk),
        ]


def test_change_pages_of_another_organization_do_not_open(tenant, other_tenant, two_orgs):
    client = browser(tenant.owner)
    for model, pk in _foreign_rows(other_tenant, two_orgs[1]):
        for view in ("change", "delete", "history"):
            response = client.get(admin_url(model, view, pk))
            assert response.status_code in (302, 403, 404), (model.__name__, view)
            if response.status_code == 302:
                assert response["Location"] == "/admin/", (model.__name__, view)


def test_posting_to_another_organizations_row_changes_nothing(tenant, other_tenant, two_orgs):
    bravo = two_orgs[1]
    client = browser(tenant.owner)
    response = client.post(
        admin_url(Workspace, "change", bravo["workspace"].pk),
        {"name": "Hijacked", "type": "BRANCH", "status": "ACTIVE", "description": "", "settings": "{}"},
    )
    assert response.status_code == 302
    response = client.post(admin_url(Workspace, "delete", bravo["workspace"].pk), {"post": "yes"})
    assert response.status_code == 302
    with tenant_context(other_tenant.organization):
        workspace = Workspace.objects.get(pk=bravo["workspace"].pk)
    assert (workspace.name, workspace.deleted_at) == ("Branch bravo", None)


def test_forms_offer_only_the_current_organizations_choices(tenant, other_tenant, two_orgs):
    alpha, bravo = two_orgs
    client = browser(tenant.owner)
    page = client.get(admin_url(MemberRole, "add")).content.decode()
    assert "manager-alpha@example.com" in page and "Role alpha" in page
    assert "manager-bravo@example.com" not in page and "Role bravo" not in page
    page = client.get(admin_url(WorkspaceMember, "add")).content.decode()
    assert "manager-alpha@example.com" in page and "Branch alpha" in page
    assert other_tenant.owner.email not in page and "Branch bravo" not in page
