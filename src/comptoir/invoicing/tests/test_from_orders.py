"""Invoices from a sales order and credit notes from a logistics return (issue 10 §3): what is invoiced, the order's
invoiced quantities and status, the refusals (nothing written), a cancelled invoice giving its quantities back,
two invoices of one order racing on real threads, and another organization's order and return."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import from_orders
from comptoir.invoicing.tests.factories import delivered_order
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.tenancy import tenant_context
from comptoir.sales.tests.factories import customer, day, order, ship, stocked


def _invoice(api, order_id, expect=201, **extra):
    body = {"sales_order": order_id, "invoice_date": day(2, 4), "submit": True, **extra}
    response = api.post("invoicing/invoices/from-sales-order", body)
    assert response.status_code == expect, response.json()
    return response.json()


def _count(*tenants) -> int:
    total = 0
    for tenant in tenants:
        with tenant_context(tenant.organization):
            total += Invoice.objects.count()
    return total


def _order(api, order_id):
    return api.get(f"sales/orders/{order_id}").json()


@pytest.mark.django_db
def test_an_order_is_invoiced_for_what_was_delivered_then_completed(tenant):
    api = tenant.api
    body, _ = delivered_order(api, quantity="10", shipped="6")
    made = _invoice(api, body["order_number"])
    assert (made["invoice_type"], made["status"], made["sales_order"]) == ("SALES", "SUBMITTED", body["id"])
    assert (made["subtotal"], made["tax_amount"], made["total_amount"]) == ("60.00", "12.00", "72.00")
    (line,) = made["lines"]
    assert (line["quantity"], line["unit_rate"], line["order_item"]) == ("6.000", "10.0000", body["lines"][0]["id"])
    order_now = _order(api, body["id"])
    assert order_now["lines"][0]["invoiced_quantity"] == "6.000"
    assert order_now["status"] == "IN_PROGRESS"
    # nothing more until more is delivered: refused, nothing written
    before = _count(tenant)
    refused = _invoice(api, body["id"], expect=409)
    assert refused["code"] == "nothing_to_invoice"
    assert _count(tenant) == before
    # the rest delivered and invoiced: the order is COMPLETED
    rest = ship(api, body, {"WIDGET": "4"}, shipped_date=day(2, 5))
    assert api.post(f"logistics/shipments/{rest['id']}/deliver", {"delivered_date": day(2, 6)}).status_code == 200
    assert _order(api, body["id"])["status"] == "DELIVERED"
    second = _invoice(api, body["id"])
    assert second["total_amount"] == "48.00"
    assert _order(api, body["id"])["status"] == "COMPLETED"
    # cancelling an order's invoice gives its quantities back (and the order leaves COMPLETED)
    cancelled = api.post(f"invoicing/invoices/{second['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.json()
    order_now = _order(api, body["id"])
    assert (order_now["status"], order_now["lines"][0]["invoiced_quantity"]) == ("DELIVERED", "6.000")
    draft = _invoice(api, body["id"], submit=False)
    assert draft["lines"][0]["quantity"] == "4.000"
    # its lines follow the order: not edited (nothing written)
    edit = api.patch(f"invoicing/invoices/{draft['id']}", {"lines": [{"description": "x", "quantity": "9",
                                                                       "unit_rate": "1"}]})  # fmt: skip
    assert (edit.status_code, edit.json()["code"]) == (409, "not_editable")
    assert api.get(f"invoicing/invoices/{draft['id']}").json()["total_amount"] == "48.00"


@pytest.mark.django_db
def test_a_return_is_credited_against_the_orders_invoice_once(tenant):
    api = tenant.api
    body, shipment = delivered_order(api)
    # no invoice yet: nothing to credit against (nothing written)
    returned = api.post(
        f"logistics/shipments/{shipment['id']}/return",
        {"return_date": day(2, 10), "lines": [{"shipment_item": shipment["lines"][0]["id"], "quantity": "3"}]},
    )
    assert returned.status_code == 201, returned.json()
    ret = returned.json()
    note_body = {"sales_return": ret["id"], "invoice_date": day(2, 11), "submit": True}
    before = _count(tenant)
    refused = api.post("invoicing/invoices/from-return", note_body)
    assert (refused.status_code, refused.json()["code"]) == (409, "original_required")
    assert _count(tenant) == before
    made = _invoice(api, body["id"], invoice_date=day(2, 9))
    note = api.post("invoicing/invoices/from-return", note_body)
    assert note.status_code == 201, note.json()
    note = note.json()
    assert (note["invoice_type"], note["status"], note["original_invoice"]) == ("CREDIT_NOTE", "SUBMITTED", made["id"])
    assert (note["subtotal"], note["tax_amount"], note["total_amount"]) == (
        ret["net_amount"], ret["tax_amount"], ret["gross_amount"])  # fmt: skip
    assert api.get(f"logistics/returns/{ret['id']}").json()["credit_note_id"] == note["id"]
    again = api.post("invoicing/invoices/from-return", note_body)
    assert (again.status_code, again.json()["code"]) == (409, "already_credited")
    assert _count(tenant) == before + 2
    # the note cancelled, the return may be credited again (its credit_note_id cleared by logistics' service)
    cancelled = api.post(f"invoicing/invoices/{note['id']}/cancel", {"reason": "wrong date"})
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "CANCELLED")
    assert api.get(f"logistics/returns/{ret['id']}").json()["credit_note_id"] is None
    anew = api.post("invoicing/invoices/from-return", note_body)
    assert anew.status_code == 201, anew.json()
    assert api.get(f"logistics/returns/{ret['id']}").json()["credit_note_id"] == anew.json()["id"]


@pytest.mark.django_db
def test_another_organizations_order_and_return_are_not_used(tenant, other_tenant):
    theirs, shipment = delivered_order(other_tenant.api)
    returned = other_tenant.api.post(f"logistics/shipments/{shipment['id']}/return", {"return_date": day(2, 10)})
    assert returned.status_code == 201, returned.json()
    before = _count(tenant, other_tenant)
    refused = tenant.api.post(
        "invoicing/invoices/from-sales-order", {"sales_order": theirs["id"], "invoice_date": day(2, 4)}
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "unknown")
    refused = tenant.api.post(
        "invoicing/invoices/from-return", {"sales_return": returned.json()["id"], "invoice_date": day(2, 4)}
    )
    assert refused.status_code == 404
    assert _count(tenant, other_tenant) == before
    assert _order(other_tenant.api, theirs["id"])["lines"][0]["invoiced_quantity"] == "0.000"


@pytest.mark.django_db(transaction=True)
def test_two_invoices_of_one_order_racing_one_is_refused():
    tenant = make_tenant()
    body, _ = delivered_order(tenant.api)
    barrier = threading.Barrier(2)
    done, refused, errors = [], [], []

    def run() -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                data = from_orders.OrderInvoiceInput(sales_order=body["id"], invoice_date=datetime.date.today())
                done.append(from_orders.invoice_sales_order(actor=tenant.owner, data=data).pk)
        except (Conflict, ValidationFailed) as exc:
            refused.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=run) for _ in range(2)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    assert len(done) == 1
    assert refused[0] in ("over_invoicing", "nothing_to_invoice")
    assert _order(tenant.api, body["id"])["lines"][0]["invoiced_quantity"] == "10.000"
    with tenant_context(tenant.organization):
        assert Invoice.objects.filter(sales_order_id=body["id"]).count() == 1


# --- POST /sales/orders/{id}/invoice: invoicing's operation under the order's path --------------------------------


def _invoice_at_path(api, order_id, expect=201, **extra):
    response = api.post(f"sales/orders/{order_id}/invoice", {"invoice_date": day(2, 4), **extra})
    assert response.status_code == expect, response.json()
    return response.json()


@pytest.mark.django_db
def test_the_orders_path_invoices_what_was_delivered_and_not_invoiced(tenant):
    api = tenant.api
    body, _ = delivered_order(api, quantity="10", shipped="6")
    made = _invoice_at_path(api, body["id"])
    assert (made["invoice_type"], made["status"], made["sales_order"]) == ("SALES", "DRAFT", body["id"])
    assert [(x["quantity"], x["order_item"]) for x in made["lines"]] == [("6.000", body["lines"][0]["id"])]
    assert _order(api, body["id"])["lines"][0]["invoiced_quantity"] == "6.000"
    # nothing more is delivered: refused, nothing written
    before = _count(tenant)
    refused = _invoice_at_path(api, body["id"], expect=409)
    assert (refused["code"], refused["errors"][0]["field"]) == ("nothing_to_invoice", "sales_order")
    assert _count(tenant) == before


@pytest.mark.django_db
def test_the_orders_path_refuses_an_order_in_the_wrong_status(tenant):
    """A draft order of a service has something to invoice (services are invoiced as ordered), but a draft is not
    invoiced: refused, nothing written."""
    api = tenant.api
    party = customer(api)
    stocked(api)  # the warehouse MAIN
    service = {"code": "FIT", "name": "Fitting", "uom": "pcs", "type": "SERVICE", "track_inventory": False,
               "list_price": "50"}  # fmt: skip
    assert api.post("catalog/products", service).status_code == 201
    draft = order(api, party["id"], [{"product": "FIT", "quantity": "1"}])
    refused = _invoice_at_path(api, draft["id"], expect=409)
    assert refused["code"] == "invalid_transition"
    assert _count(tenant) == 0
    assert _order(api, draft["id"])["lines"][0]["invoiced_quantity"] == "0.000"


@pytest.mark.django_db
def test_the_orders_path_of_another_organizations_order_is_not_found(tenant, other_tenant):
    theirs, _ = delivered_order(other_tenant.api)
    refused = _invoice_at_path(tenant.api, theirs["id"], expect=404)
    assert refused["code"] == "not_found"
    assert _count(tenant, other_tenant) == 0
    assert _order(other_tenant.api, theirs["id"])["lines"][0]["invoiced_quantity"] == "0.000"
