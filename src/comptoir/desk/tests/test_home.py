"""The desk around every page: organization and switcher, the sidebar from the module specs, the notifications
bell; the dashboard at `/`."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from tests.support.api import member_client

from comptoir.platform.models import Notification, OrganizationMember
from comptoir.platform.services import OrganizationInput, create_organization
from comptoir.platform.services.notifications import notify
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

SWITCH = "/switch-organization/"
MARK_ALL = "/notifications/mark-all-read/"


def chrome(page) -> dict:
    """What the page showed around its content (the desk context)."""
    return page.context["desk"]


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_org(tenant):
    """A second organization the tenant's owner is an active member of (the platform service creates it; the
    membership row is written directly: the identity services sit above platform and its tests)."""
    org = create_organization(
        data=OrganizationInput(name="Second company", code=f"{tenant.code}-2", country="FR"), actor=tenant.owner
    )
    with tenant_context(org, user=tenant.owner):
        OrganizationMember.objects.create(user=tenant.owner, org_role="OWNER", created_by=tenant.owner)
    return org


def _notify(tenant_or_org, user, title, owner=None):
    org = getattr(tenant_or_org, "organization", tenant_or_org)
    with tenant_context(org, user=owner or user):
        return notify(user=user, title=title)


def test_login_required():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"
    assert Client().post(MARK_ALL).status_code == 302
    assert Client().post(SWITCH, {"organization": "x"}).status_code == 302


def test_home_shows_the_current_organization_and_only_the_users_organizations(tenant, second_org, other_tenant):
    response = browser(tenant.owner).get("/")
    assert response.status_code == 200
    assert chrome(response)["organization"] == tenant.organization
    body = response.content.decode()
    assert f'<h1 data-testid="organization-name">{tenant.organization.name}</h1>' in body
    options = {m.organization_id for m in chrome(response)["memberships"]}
    assert options == {tenant.organization.pk, second_org.pk}
    assert other_tenant.organization.name not in body
    assert 'aria-live="polite"' in body and '<label for="organization-switcher">' in body


def test_switch_changes_the_organization_and_comes_back_home(tenant, second_org):
    client = browser(tenant.owner)
    response = client.post(SWITCH, {"organization": str(second_org.pk)})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert chrome(page)["organization"] == second_org
    assert "You are now working in Second company." in page.content.decode()


def test_switch_refuses_a_foreign_organization(tenant, other_tenant):
    client = browser(tenant.owner)
    response = client.post(SWITCH, {"organization": str(other_tenant.organization.pk)})
    assert response.status_code == 404
    assert chrome(client.get("/"))["organization"] == tenant.organization


def test_switch_and_mark_all_read_refuse_get(tenant):
    client = browser(tenant.owner)
    assert client.get(SWITCH).status_code == 405
    assert client.get(MARK_ALL).status_code == 405


def test_modules_follow_the_members_permissions(tenant):
    owner_page = browser(tenant.owner).get("/")
    menu = chrome(owner_page)["menu"]
    owner_groups = {g["name"]: [m["label"] for m in g["entries"]] for g in menu}
    links = {m["label"]: m["url"] for g in menu for m in g["entries"]}
    assert owner_groups["Platform"] == ["Workspaces", "Members", "Settings", "Audit log", "Webhooks", "Calendar"]
    assert owner_groups["Identity & access"] == ["Roles", "API tokens"]
    assert links["Workspaces"] == "/admin/platform/workspace/" and links["Audit log"] == "/admin/platform/auditlog/"
    assert links["Financial reports"] == "/accounting/reports/"
    assert links["Journal entries"] == "/accounting/journal-entries/"
    assert 'href="/accounting/journal-entries/"' in owner_page.content.decode()

    bare, _api = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(tenant.organization, user=bare):
        allowed = {p for p in ("identity.view_role", "identity.view_apitoken") if bare.has_perm(p)}
    labels = {m["label"] for g in chrome(browser(bare).get("/"))["menu"] for m in g["entries"]}
    assert ("Roles" in labels) == ("identity.view_role" in allowed)
    assert ("API tokens" in labels) == ("identity.view_apitoken" in allowed)
    assert labels < {m for ms in owner_groups.values() for m in ms}  # strictly fewer than the owner
    assert "Financial reports" not in labels  # an employee holds no accounting permission


def test_a_module_switched_off_leaves_the_menu(tenant):
    """The sidebar is built from the module specs: only the modules switched on in the organization."""
    names = [g["name"] for g in chrome(browser(tenant.owner).get("/"))["menu"]]
    assert names[:5] == ["Platform", "Identity & access", "Accounting", "Parties", "Catalog"]
    assert tenant.api.patch("platform/features", {"modules": {"catalog": False}}).status_code == 200
    after = [g["name"] for g in chrome(browser(tenant.owner).get("/"))["menu"]]
    assert after == [name for name in names if name != "Catalog"]


def test_bell_counts_the_users_unread_notifications(tenant):
    client = browser(tenant.owner)
    assert chrome(client.get("/"))["unread_count"] == 0
    _notify(tenant, tenant.owner, "Invoice overdue")
    _notify(tenant, tenant.owner, "Stock low")
    page = client.get("/")
    assert chrome(page)["unread_count"] == 2
    body = page.content.decode()
    assert "Invoice overdue" in body and "Stock low" in body
    assert '<span class="count" aria-live="polite" data-testid="unread-count">2</span>' in body


def test_mark_all_read_writes_through_the_service(tenant):
    other, _api = member_client(tenant, org_role="MANAGER")
    mine = _notify(tenant, tenant.owner, "Mine")
    theirs = _notify(tenant, other, "Theirs", owner=tenant.owner)
    client = browser(tenant.owner)
    response = client.post(MARK_ALL)
    assert response.status_code == 302 and response["Location"] == "/"
    with tenant_context(tenant.organization, user=tenant.owner):
        mine.refresh_from_db()
        theirs.refresh_from_db()
    assert mine.is_read and mine.read_at is not None
    assert not theirs.is_read  # another user's notification is not touched
    assert chrome(client.get("/"))["unread_count"] == 0


def test_mark_all_read_requires_csrf(tenant):
    _notify(tenant, tenant.owner, "Mine")
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.owner)
    assert client.post(MARK_ALL).status_code == 403
    assert chrome(client.get("/"))["unread_count"] == 1


def test_notifications_of_another_organization_are_never_shown(tenant, second_org):
    _notify(second_org, tenant.owner, "Second org news")
    client = browser(tenant.owner)
    page = client.get("/")
    assert chrome(page)["unread_count"] == 0
    assert "Second org news" not in page.content.decode()
    client.post(MARK_ALL)  # marks the first organization's only
    with tenant_context(second_org, user=tenant.owner):
        assert Notification.objects.get(title="Second org news").is_read is False
    client.post(SWITCH, {"organization": str(second_org.pk)})
    page = client.get("/")
    assert chrome(page)["unread_count"] == 1 and "Second org news" in page.content.decode()


def test_a_user_without_organization_sees_no_modules_nor_bell(db):
    user = get_user_model().objects.create_user("lonely@example.com", "correct-horse-battery-staple", status="ACTIVE")
    page = browser(user).get("/")
    assert page.status_code == 200
    assert chrome(page)["organization"] is None and chrome(page)["menu"] == []
    assert 'data-testid="bell"' not in page.content.decode()
    assert browser(user).post(MARK_ALL).status_code == 404


def test_a_saved_view_needs_a_short_name_and_a_short_query_and_nothing_is_written(tenant):
    from comptoir.desk.models import SavedView
    from comptoir.desk.services import MAX_QUERY, SavedViewInput, save_view
    from comptoir.platform.errors import ValidationFailed

    with tenant_context(tenant.organization, user=tenant.owner):
        for data, field in (
            (SavedViewInput(view="accounting.accounts", name=" "), "name"),
            (SavedViewInput(view="accounting.accounts", name="x" * 81), "name"),
            (SavedViewInput(view="accounting.accounts", name="Long", query="a" * (MAX_QUERY + 1)), "query"),
        ):
            with pytest.raises(ValidationFailed) as refused:
                save_view(actor=tenant.owner, data=data)
            assert refused.value.errors[0].field == field
        assert not SavedView.objects.exists()
