"""The documents of a flow in the desk: a delivered sales order invoiced by its "Invoice this order" button (the
invoice opened next), a received purchase order billed by its "Bill this order" form; the order, its shipments or
receipts, its invoices and their payments linked both ways in "Related documents", read in a constant number of
statements; the buttons hidden without the permission or with nothing to invoice, another organization's order not
found, and the tables of documents a member may not read not shown."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.api import member_client

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.tests.factories import delivered_order
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.tests.factories import confirmed, day, ok, receive, setup
from comptoir.sales.tests.factories import ship

pytestmark = pytest.mark.django_db

SALES_ORDERS = "/sales/orders/"
PURCHASE_ORDERS = "/purchasing/orders/"
INVOICES = "/invoicing/invoices/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invoices(tenant) -> list[Invoice]:
    with tenant_context(tenant.organization):
        return list(Invoice.objects.order_by("created_at"))


def _documents(page: str) -> str:
    found = re.search(r'data-testid="documents">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def test_a_delivered_order_is_invoiced_from_its_page_and_its_documents_link_both_ways(tenant):
    order, shipment = delivered_order(tenant.api, quantity="10", shipped="6")
    client = signed_in(tenant.owner)
    page = client.get(f"{SALES_ORDERS}{order['id']}/").content.decode()
    assert 'data-testid="action-invoice"' in page
    assert f"/logistics/shipments/{shipment['id']}/" in _documents(page)
    made = client.post(f"{SALES_ORDERS}{order['id']}/invoice/")
    (invoice,) = _invoices(tenant)
    assert made.status_code == 302 and made["Location"] == f"{INVOICES}{invoice.pk}/"
    assert (invoice.invoice_type, invoice.status, str(invoice.sales_order_id)) == ("SALES", "DRAFT", order["id"])
    invoice_page = client.get(made["Location"]).content.decode()
    assert f"{SALES_ORDERS}{order['id']}/" in invoice_page
    assert f"/logistics/shipments/{shipment['id']}/" in _documents(invoice_page)
    # nothing more delivered: no button; the invoice is on the order's and the shipment's pages
    page = client.get(f"{SALES_ORDERS}{order['id']}/").content.decode()
    assert 'data-testid="action-invoice"' not in page
    assert f"{INVOICES}{invoice.pk}/" in _documents(page)
    shipment_page = client.get(f"/logistics/shipments/{shipment['id']}/").content.decode()
    assert f"{INVOICES}{invoice.pk}/" in _documents(shipment_page)
    # submitted and paid: the payment is on the order's page
    ok(tenant.api.post(f"invoicing/invoices/{invoice.pk}/submit"))
    payment = ok(tenant.api.post("invoicing/payments", {
        "direction": "INCOMING", "party": order["party"], "payment_date": day(3, 5), "amount": "72.00",
        "method": "BANK_TRANSFER", "allocations": [{"invoice": str(invoice.pk), "amount": "72.00"}],
    }), 201)  # fmt: skip
    assert f"/invoicing/payments/{payment['id']}/" in _documents(
        client.get(f"{SALES_ORDERS}{order['id']}/").content.decode()
    )


def test_the_order_page_reads_a_constant_number_of_statements(tenant):
    order, _ = delivered_order(tenant.api, quantity="10", shipped="4")
    client = signed_in(tenant.owner)
    path = f"{SALES_ORDERS}{order['id']}/"
    ok(tenant.api.post(f"sales/orders/{order['id']}/invoice", {"invoice_date": day(2, 4), "submit": True}), 201)
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    rest = ship(tenant.api, order, {"WIDGET": "6"}, shipped_date=day(2, 5))
    ok(tenant.api.post(f"logistics/shipments/{rest['id']}/deliver", {"delivered_date": day(2, 6)}))
    ok(tenant.api.post(f"sales/orders/{order['id']}/invoice", {"invoice_date": day(2, 7), "submit": True}), 201)
    with CaptureQueriesContext(connection) as two:
        page = client.get(path).content.decode()
    assert _documents(page).count(INVOICES) == 2
    assert len(two) == len(one)


def test_a_received_order_is_billed_through_its_small_form(tenant):
    party = setup(tenant.api)
    po = confirmed(tenant.api, party)
    receipt = receive(tenant.api, po, ["60"])
    client = signed_in(tenant.owner)
    page = client.get(f"{PURCHASE_ORDERS}{po['id']}/").content.decode()
    assert 'data-testid="action-bill"' in page
    form = client.get(f"{PURCHASE_ORDERS}{po['id']}/bill/")
    assert form.status_code == 200 and 'name="supplier_invoice_number"' in form.content.decode()
    refused = client.post(f"{PURCHASE_ORDERS}{po['id']}/bill/", {"supplier_invoice_number": "", "invoice_date": ""})
    assert refused.status_code == 422 and _invoices(tenant) == []
    made = client.post(f"{PURCHASE_ORDERS}{po['id']}/bill/", {"supplier_invoice_number": "FD-1",
                                                            "invoice_date": day(3, 10)})  # fmt: skip
    (bill,) = _invoices(tenant)
    assert made.status_code == 302 and made["Location"] == f"{INVOICES}{bill.pk}/"
    assert (bill.invoice_type, bill.supplier_invoice_number, str(bill.purchase_order_id)) == (
        "PURCHASE", "FD-1", po["id"])  # fmt: skip
    bill_page = client.get(made["Location"]).content.decode()
    assert f"{PURCHASE_ORDERS}{po['id']}/" in bill_page
    assert f"/purchasing/receipts/{receipt['id']}/" in _documents(bill_page)
    assert f"{INVOICES}{bill.pk}/" in _documents(client.get(f"{PURCHASE_ORDERS}{po['id']}/").content.decode())
    assert f"{INVOICES}{bill.pk}/" in _documents(client.get(f"/purchasing/receipts/{receipt['id']}/").content.decode())


def test_the_buttons_need_the_permission_and_another_organizations_order_is_not_found(tenant, other_tenant):
    order, _ = delivered_order(tenant.api)
    keeper, _api = member_client(tenant, roles=["STOCK_KEEPER"])  # reads orders, may not invoice
    page = signed_in(keeper).get(f"{SALES_ORDERS}{order['id']}/")
    assert page.status_code == 200 and 'data-testid="action-invoice"' not in page.content.decode()
    assert signed_in(keeper).post(f"{SALES_ORDERS}{order['id']}/invoice/").status_code == 404
    outsider = signed_in(other_tenant.owner)
    assert outsider.get(f"{SALES_ORDERS}{order['id']}/").status_code == 404
    assert outsider.post(f"{SALES_ORDERS}{order['id']}/invoice/").status_code == 404
    assert _invoices(tenant) == []
    # invoiced: its table shows to the owner, not to a member who may not read invoices
    made = ok(tenant.api.post(f"sales/orders/{order['id']}/invoice", {"invoice_date": day(2, 4)}), 201)
    assert f"{INVOICES}{made['id']}/" in _documents(signed_in(tenant.owner).get(f"{SALES_ORDERS}{order['id']}/")
                                                   .content.decode())  # fmt: skip
    assert INVOICES not in signed_in(keeper).get(f"{SALES_ORDERS}{order['id']}/").content.decode()
