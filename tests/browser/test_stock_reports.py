"""The stock reports in the desk, in a real browser: from the sidebar to the reports, the stock ledger of a product
filtered by warehouse with its running figures, then the stock on hand as of an earlier day."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.inventory.tests.factories import day, entry, product, receive, warehouse
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_stock_ledger_and_the_stock_on_hand_are_read_in_the_desk(page, tenant):
    api = tenant.api
    product(api, "BOLT")
    warehouse(api, "MAIN")
    warehouse(api, "SHOP")
    receive(api, "BOLT", "MAIN", "10", "5", date=day(3, 1))
    receive(api, "BOLT", "MAIN", "10", "6", date=day(3, 5))
    entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "MAIN", "to_warehouse": "SHOP", "quantity": "12"}],
          date=day(3, 7))  # fmt: skip
    sign_in(page, tenant.owner.email, start="/")
    page.get_by_test_id("sidebar").get_by_role("link", name="Stock reports").click()
    page.get_by_test_id("reports").get_by_role("link", name="Stock ledger").click()
    page.get_by_label("Product").fill("BOLT")
    page.get_by_label("Warehouse").fill("MAIN")
    page.get_by_label("From").fill(day(1, 1))
    page.get_by_label("To").fill(day(12, 31))
    page.get_by_role("button", name="Show").click()
    table = page.get_by_test_id("report-table")
    expect(table).to_contain_text("MAIN → SHOP")
    expect(table.locator("tr.total")).to_contain_text("8.000")
    expect(table.locator("tr.total")).to_contain_text("48.00")  # 8 × 6 left after 10 × 5 + 2 × 6 went
    expect(page.get_by_test_id("downloads")).to_contain_text("XLSX")
    page.get_by_test_id("sidebar").get_by_role("link", name="Stock reports").click()
    page.get_by_test_id("reports").get_by_role("link", name="Stock on hand and valuation").click()
    page.get_by_label("As of").fill(day(3, 6))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("report-subtitle")).to_contain_text("03/06/2026")
    expect(page.get_by_test_id("report-table").locator("tr.total")).to_contain_text("110.00")
