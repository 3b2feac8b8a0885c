"""The receivables aging in a real browser: opened from the sidebar, an open invoice and an advance under their
party with the totals by age, switched to the payables, the downloads offered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.invoicing.tests.factories import day, invoice, line, party, pay
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_aging_by_party_from_the_sidebar(page, tenant):
    api = tenant.api
    acme = party(api, "Hôtel du Lac")["party_number"]
    made = invoice(api, acme, [line("1", "1200")], date=day(3, 1), due_date=day(3, 31))
    pay(api, acme, "200", [(made["id"], "200")], date=day(4, 1))
    pay(api, acme, "50", date=day(6, 20))
    supplier = party(api, "Moulin Roux", party_type="SUPPLIER")["party_number"]
    invoice(api, supplier, [line("1", "80")], invoice_type="PURCHASE", date=day(6, 1), due_date=day(7, 15))
    sign_in(page, tenant.owner.email)
    page.get_by_role("link", name="Aging", exact=True).click()
    page.get_by_label("As of").fill(day(6, 30))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Receivables aging")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text(f"{acme} Hôtel du Lac")
    expect(table).to_contain_text(made["invoice_number"])
    expect(table).to_contain_text("1,000.00")  # over 90 days
    expect(table).to_contain_text("950.00")  # less the 50.00 advance
    expect(page.get_by_test_id("downloads")).to_contain_text("XLSX")
    page.get_by_label("Kind").select_option("payable")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Payables aging")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(f"{supplier} Moulin Roux")
    expect(page.get_by_role("table")).not_to_contain_text("Hôtel du Lac")
