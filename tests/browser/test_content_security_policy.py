"""Every page works under its Content-Security-Policy: the browser reports no violation (a blocked script or style
is a console error), and the pages still do their job."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.accounting.tests.test_reports import build_books
from comptoir.platform.tenancy import tenant_context
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def test_the_home_and_report_pages_work_under_the_strict_policy(page, tenant, violations):
    with tenant_context(tenant.organization, user=tenant.owner):
        build_books(tenant.owner)
    sign_in(page, tenant.owner.email)  # the admin's login page, then the home page
    response = page.goto("/")
    assert response.headers["content-security-policy"].startswith("default-src 'self';")
    assert "unsafe" not in response.headers["content-security-policy"]
    expect(page.get_by_test_id("organization-name")).to_have_text(tenant.organization.name)

    page.goto("/accounting/reports/")
    page.get_by_role("link", name="Trial balance").click()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("report-table")).to_be_visible()
    assert page.get_by_test_id("report-table").evaluate("t => getComputedStyle(t).borderCollapse") == "collapse"
    assert violations == []


def test_the_admin_works_under_its_policy(page, tenant, violations):
    sign_in(page, tenant.owner.email)
    page.goto("/admin/")
    expect(page.locator("#nav-sidebar, nav").first).to_be_visible()
    assert violations == []


def test_the_api_docs_work_under_the_strict_policy(page, violations):
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Comptoir API", timeout=60_000)
    assert violations == []
