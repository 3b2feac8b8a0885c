"""The trial balance page in a real browser: an owner signs in, opens the report and sees the posted figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from comptoir.accounting.tests.test_reports import Y, build_books
from comptoir.platform.tenancy import tenant_context
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_trial_balance_page_shows_posted_figures_and_downloads(page, tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        build_books(tenant.owner)
    sign_in(page, tenant.owner.email)
    page.goto("/accounting/reports/")
    page.get_by_role("link", name="Trial balance").click()
    expect(page).to_have_url(re.compile(r"/accounting/reports/trial-balance/$"))
    page.get_by_label("As of").fill(f"{Y}-03-31")
    page.get_by_role("button", name="Show").click()
    table = page.get_by_test_id("report-table")
    expect(table.locator("tbody tr")).to_have_count(8)
    cash = table.locator("tbody tr", has_text="Cash")
    expect(cash).to_contain_text("700.00")
    capital = table.locator("tbody tr", has_text="Share capital")
    expect(capital).to_contain_text("1,000.00")  # thousands separated, right-aligned in an amount cell
    expect(capital.locator("td.amount", has_text="1,000.00")).to_have_css("text-align", "right")
    expect(table.locator("th.amount")).not_to_have_count(0)
    expect(page.get_by_test_id("summary")).to_contain_text("1,900.00")
    with page.expect_download() as download:
        page.get_by_test_id("downloads").get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("trial-balance-")
    assert "1000,Cash,11,700.00,0.00,700.00" in Path(download.value.path()).read_text(encoding="utf-8")
