"""The organization switcher: it lists the user's organizations and changes which one the admin shows."""

import pytest

from comptoir.identity.middleware import SESSION_ORG_KEY
from comptoir.identity.services import accounts
from comptoir.platform.models import Workspace
from comptoir.platform.services import OrganizationInput, WorkspaceInput, create_workspace
from comptoir.platform.tenancy import tenant_context
from tests.admin.support import admin_url, browser

SWITCH = "/admin/switch-organization/"


@pytest.fixture
def second_org(tenant):
    """A second organization founded by the same owner, with a workspace of its own."""
    org = accounts.create_organization_for(
        user=tenant.owner, organization=OrganizationInput(name="Second company", code=f"{tenant.code}-2", country="FR")
    )
    with tenant_context(org, user=tenant.owner):
        create_workspace(actor=tenant.owner, data=WorkspaceInput(name="Second depot"))
    with tenant_context(tenant.organization, user=tenant.owner):
        create_workspace(actor=tenant.owner, data=WorkspaceInput(name="First depot"))
    return org


def _workspace_names(client) -> set[str]:
    response = client.get(admin_url(Workspace))
    assert response.status_code == 200
    return {w.name for w in response.context["cl"].result_list}


def test_switching_changes_the_rows_shown(tenant, second_org):
    client = browser(tenant.owner)
    assert "First depot" in _workspace_names(client)
    assert "Second depot" not in _workspace_names(client)

    page = client.get(SWITCH)
    assert page.status_code == 200
    body = page.content.decode()
    assert tenant.organization.name in body and "Second company" in body
    assert f'data-current="{tenant.organization.pk}"' in body

    response = client.post(SWITCH, {"organization": str(second_org.pk)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session[SESSION_ORG_KEY] == str(second_org.pk)
    assert "Second depot" in _workspace_names(client)
    assert "First depot" not in _workspace_names(client)
    assert client.get("/admin/").context["site_subheader"] == "Second company"  # the header names it

    client.post(SWITCH, {"organization": str(tenant.organization.pk)})
    assert "First depot" in _workspace_names(client)


def test_organization_list_shows_the_users_organizations_only(tenant, second_org, other_tenant):
    response = browser(tenant.owner).get(admin_url(second_org))
    names = {o.name for o in response.context["cl"].result_list}
    assert names == {tenant.organization.name, "Second company"}


def test_only_the_current_organization_is_editable(tenant, second_org):
    client = browser(tenant.owner)
    own = client.get(admin_url(second_org, "change", tenant.organization.pk))
    assert 'name="name"' in own.content.decode()
    other = client.get(admin_url(second_org, "change", second_org.pk))
    assert other.status_code == 200
    assert 'name="name"' not in other.content.decode()  # view-only until the user switches to it
    refused = client.post(admin_url(second_org, "change", second_org.pk), {"name": "Renamed"})
    assert refused.status_code == 403
    assert "Switch to this organization to change it." in refused.content.decode()


def test_a_foreign_organization_is_refused(tenant, other_tenant):
    client = browser(tenant.owner)
    client.get("/admin/")
    before = client.session[SESSION_ORG_KEY]
    response = client.post(SWITCH, {"organization": str(other_tenant.organization.pk)})
    assert response.status_code == 404
    assert client.session[SESSION_ORG_KEY] == before == str(tenant.organization.pk)
    assert client.post(SWITCH, {"organization": "not-a-uuid"}).status_code == 404
    assert "Branch" not in str(_workspace_names(client))


def test_switcher_needs_a_signed_in_user(db):
    from django.test import Client

    response = Client().get(SWITCH)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_member_without_admin_access_in_one_org_switches_to_one_with_it(tenant, other_tenant):
    """The owner of B is an EMPLOYEE of A: refused while working in A, admitted after switching to B."""
    with tenant_context(tenant.organization, user=tenant.owner):
        accounts.add_member(actor=tenant.owner, user=other_tenant.owner, org_role="EMPLOYEE")
    client = browser(other_tenant.owner)
    assert client.post(SWITCH, {"organization": str(tenant.organization.pk)}).status_code == 302
    assert client.get("/admin/").status_code == 302
    page = client.get(SWITCH)
    assert page.status_code == 200  # the switcher stays reachable, without links into the admin
    assert "/admin/platform/workspace/" not in page.content.decode()
    assert client.post(SWITCH, {"organization": str(other_tenant.organization.pk)}).status_code == 302
    assert client.get("/admin/").status_code == 200
