"""The desk in a real browser: sign in on its page, switch organization, see and clear a notification."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.identity.services import accounts
from comptoir.platform.services import OrganizationInput
from comptoir.platform.services.notifications import notify
from comptoir.platform.tenancy import tenant_context
from tests.support.api import member_client
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def switch_to(page, name: str) -> None:
    switcher = page.get_by_test_id("switcher")
    switcher.get_by_label("Organization").select_option(label=name)
    switcher.get_by_role("button", name="Switch").click()
    expect(page.get_by_test_id("organization-name")).to_have_text(name)
    expect(page.get_by_role("status")).to_contain_text(f"You are now working in {name}.")


def test_sign_in_lands_on_the_organization_home(page, tenant):
    sign_in(page, tenant.owner.email)
    expect(page.get_by_test_id("organization-name")).to_have_text(tenant.organization.name)
    expect(page.get_by_test_id("user-email")).to_have_text(tenant.owner.email)
    expect(page.get_by_test_id("sidebar")).to_contain_text("Workspaces")
    expect(page.get_by_test_id("sidebar")).to_contain_text("Journal entries")
    assert page.request.get("/static/desk/desk.css").ok  # the desk's own stylesheet, served locally


def test_a_wrong_password_stays_on_the_login_form(page, tenant):
    page.goto("/")
    page.get_by_label("E-mail").fill(tenant.owner.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("sign-in-error")).to_contain_text("not right")
    expect(page.get_by_test_id("organization-name")).to_have_count(0)
    assert "/sign-in/" in page.url


def test_switching_organization_shows_the_other_organization_and_its_modules(page, tenant):
    """An employee of the first organization who founded a second one (and owns it, with every module)."""
    user, _api = member_client(tenant, org_role="EMPLOYEE", email="two-orgs@example.com")
    second = accounts.create_organization_for(
        user=user, organization=OrganizationInput(name="Second company", code=f"{tenant.code}-2", country="FR")
    )
    roles_link = page.get_by_test_id("sidebar").get_by_role("link", name="Roles")
    sign_in(page, user.email)
    if page.get_by_test_id("organization-name").inner_text() == tenant.organization.name:
        switch_to(page, second.name)
    expect(roles_link).to_be_visible()
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="Audit log")).to_be_visible()

    switch_to(page, tenant.organization.name)
    expect(roles_link).to_have_count(0)  # an employee there
    expect(page.get_by_test_id("sidebar")).not_to_contain_text("Audit log")

    switch_to(page, second.name)
    expect(roles_link).to_be_visible()


def test_a_notification_appears_in_the_bell_and_mark_all_read_clears_it(page, tenant, other_tenant):
    sign_in(page, tenant.owner.email)
    count = page.get_by_test_id("unread-count")
    expect(count).to_have_text("0")

    with tenant_context(tenant.organization, user=tenant.owner):
        notify(user=tenant.owner, title="Invoice INV-7 is overdue", message="Remind the customer")
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        notify(user=other_tenant.owner, title="Another organization's news")
    page.reload()
    expect(count).to_have_text("1")

    page.get_by_test_id("bell").locator("summary").click()
    notifications = page.get_by_test_id("notifications")
    expect(notifications).to_contain_text("Invoice INV-7 is overdue")
    expect(notifications).not_to_contain_text("Another organization's news")
    page.get_by_test_id("mark-all-read").click()
    expect(count).to_have_text("0")
