"""Order to cash in a real browser: a delivered sales order shows its shipment under "Related documents" and an
"Invoice this order" button; the button makes the invoice of what was delivered and opens it; the invoice lists the
order's shipment and links back to the order, whose page then lists the invoice and offers the button no more."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from comptoir.invoicing.tests.factories import delivered_order
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delivered_order_is_invoiced_from_its_page(page, tenant):
    order, shipment = delivered_order(tenant.api, quantity="10", shipped="6")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    order_url = f"/sales/orders/{order['id']}/"
    sign_in(page, tenant.owner.email, start=order_url)
    expect(page.get_by_test_id("documents")).to_contain_text(shipment["shipment_number"])
    page.get_by_test_id("action-invoice").click()

    expect(page).to_have_url(re.compile(r"/invoicing/invoices/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    expect(page.get_by_test_id("lines")).to_contain_text("72.00")  # 6 × 10.00 + 20 % VAT
    expect(page.get_by_test_id("documents")).to_contain_text(shipment["shipment_number"])
    invoice_url = page.url

    page.get_by_role("link", name="The sales order").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(order_url)}$"))
    expect(page.get_by_test_id("action-invoice")).to_have_count(0)
    invoice_path = re.sub(r"^https?://[^/]+", "", invoice_url)
    page.locator(f'[data-testid="documents"] a[href="{invoice_path}"]').click()
    expect(page).to_have_url(invoice_url)
    assert errors == []
