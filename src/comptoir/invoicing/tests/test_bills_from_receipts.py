"""A supplier bill of a purchase order's receipts: the three-way match (over-billing, price mismatch, wrong
supplier, nothing to bill — each writing nothing), goods received not billed cleared with the price difference
on its account, cancelling gives the billed quantities back, another organization's order not found, and two
bills of the same receipt at once: one refused."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal as D

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.accounting.services.books import check_books
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import from_receipts
from comptoir.platform.errors import Conflict
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.models import PurchaseOrderItem
from comptoir.purchasing.tests.factories import (
    accounts,
    confirmed,
    day,
    ok,
    order,
    receive,
    set_setting,
    setup,
    supplier,
)

URL = "invoicing/invoices/from-purchase-order"
CODES = ("1400", "2300", "5000")


@pytest.fixture
def shop(tenant):
    """100 bolts ordered at 2.50 + 20 % VAT, 60 received (150.00 on goods received not billed)."""
    tenant.supplier = setup(tenant.api)
    tenant.po = confirmed(tenant.api, tenant.supplier)
    receive(tenant.api, tenant.po, ["60"])
    tenant.item = tenant.po["lines"][0]["id"]
    return tenant


def _billed(tenant) -> D:
    with tenant_context(tenant.organization):
        return PurchaseOrderItem.objects.get(pk=tenant.item).billed_quantity


def _nothing_written(tenant) -> None:
    with tenant_context(tenant.organization):
        assert Invoice.objects.count() == 0
    assert _billed(tenant) == 0
    assert accounts(tenant.api, CODES) == {"1400": D(0), "2300": D("-150.00"), "5000": D(0)}


def test_a_bill_of_the_receipts_clears_goods_received_not_billed_and_cancelling_gives_it_back(shop):
    api = shop.api
    draft = ok(api.post(URL, {"purchase_order": shop.po["id"], "invoice_date": day(3, 10),
                              "supplier_invoice_number": "FD-1"}), 201)  # fmt: skip
    assert (draft["invoice_type"], draft["status"], draft["total_amount"]) == ("PURCHASE", "DRAFT", "180.00")
    assert [(x["quantity"], x["unit_rate"], x["net_amount"]) for x in draft["lines"]] == [
        ("60.000", "2.5000", "150.00")
    ]
    assert _billed(shop) == 0  # a draft bills nothing yet
    bill = ok(api.post(f"invoicing/invoices/{draft['id']}/submit"))
    assert bill["status"] == "SUBMITTED" and bill["invoice_number"]
    assert _billed(shop) == D(60)
    # Dr 2300 150.00, Dr 1400 30.00, Cr the supplier 180.00
    assert accounts(api, CODES) == {"1400": D("30.00"), "2300": D("0.00"), "5000": D(0)}
    assert [b["billable_quantity"] for b in ok(api.get(f"purchasing/orders/{shop.po['id']}/billable"))] == ["0.000"]
    # nothing is left to bill
    again = api.post(URL, {"purchase_order": shop.po["id"], "invoice_date": day(3, 11)})
    assert (again.status_code, again.json()["code"]) == (409, "nothing_to_bill")

    ok(api.post(f"invoicing/invoices/{bill['id']}/cancel", {"reason": "wrong"}))
    assert _billed(shop) == 0
    assert accounts(api, CODES) == {"1400": D("0.00"), "2300": D("-150.00"), "5000": D(0)}
    with tenant_context(shop.organization):
        assert check_books() == []


def test_a_price_within_the_tolerance_posts_its_difference(shop):
    api = shop.api
    set_setting(api, "invoicing.price_tolerance_pct", 5)
    body = {"purchase_order": shop.po["id"], "invoice_date": day(3, 10), "submit": True,
            "lines": [{"purchase_order_item": shop.item, "quantity": "40", "unit_rate": "2.60"}]}  # fmt: skip
    bill = ok(api.post(URL, body), 201)
    # 40 × 2.60 = 104.00 + 20.80 tax; the receipts put 40 × 2.50 = 100.00 on 2300, 4.00 is a price difference
    assert (bill["subtotal"], bill["tax_amount"], bill["total_amount"]) == ("104.00", "20.80", "124.80")
    assert accounts(api, CODES) == {"1400": D("20.80"), "2300": D("-50.00"), "5000": D("4.00")}
    assert _billed(shop) == D(40)
    with tenant_context(shop.organization):
        assert check_books() == []


def test_refusals_write_nothing(shop):
    api = shop.api
    base = {"purchase_order": shop.po["id"], "invoice_date": day(3, 10), "submit": True}
    over = api.post(URL, {**base, "lines": [{"purchase_order_item": shop.item, "quantity": "61"}]})
    assert (over.status_code, over.json()["code"], over.json()["errors"][0]["field"]) == (
        409,
        "over_billing",
        "lines.0.quantity",
    )
    price = api.post(URL, {**base, "lines": [{"purchase_order_item": shop.item, "quantity": "1", "unit_rate": "2.51"}]})
    assert (price.status_code, price.json()["code"], price.json()["errors"][0]["field"]) == (
        422,
        "price_mismatch",
        "lines.0.unit_rate",
    )
    other = supplier(api, name="Visserie Martin")
    wrong = api.post(URL, {**base, "party": other["id"]})
    assert (wrong.status_code, wrong.json()["code"], wrong.json()["errors"][0]["field"]) == (
        422,
        "party_mismatch",
        "party",
    )
    unreceived = confirmed(api, shop.supplier)
    empty = api.post(URL, {**base, "purchase_order": unreceived["id"]})
    assert (empty.status_code, empty.json()["code"]) == (409, "nothing_to_bill")
    _nothing_written(shop)


def test_another_organizations_order_is_not_found(shop, other_tenant):
    setup(other_tenant.api)
    response = other_tenant.api.post(URL, {"purchase_order": shop.po["id"], "invoice_date": day(3, 10)})
    assert response.status_code == 404
    _nothing_written(shop)


@pytest.mark.django_db(transaction=True)
def test_two_bills_of_the_same_receipt_at_once_one_is_refused():
    tenant = make_tenant()
    party = setup(tenant.api)
    po = confirmed(tenant.api, party)
    receive(tenant.api, po, ["60"])
    on = datetime.date(datetime.date.today().year, 3, 10)
    barrier = threading.Barrier(2)
    done, refused, errors = [], [], []

    def run(i: int) -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                from_receipts.bill_purchase_order(
                    actor=tenant.owner,
                    data=from_receipts.BillInput(purchase_order=po["id"], invoice_date=on, submit=True,
                                                 supplier_invoice_number=f"FD-{i}"),
                )  # fmt: skip
                done.append(i)
        except Conflict as exc:
            refused.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    assert (len(done), refused) == (1, ["over_billing"])
    with tenant_context(tenant.organization):
        assert Invoice.objects.count() == 1
        assert PurchaseOrderItem.objects.get(pk=po["lines"][0]["id"]).billed_quantity == D(60)
        assert check_books() == []
    assert accounts(tenant.api, ("2300",)) == {"2300": D("0.00")}


# --- POST /purchasing/orders/{id}/bill: invoicing's operation under the order's path ------------------------------


def test_the_orders_path_bills_what_was_received_and_not_billed(shop):
    api = shop.api
    path = f"purchasing/orders/{shop.po['id']}/bill"
    bill = ok(api.post(path, {"invoice_date": day(3, 10), "supplier_invoice_number": "FD-7", "submit": True}), 201)
    assert (bill["invoice_type"], bill["status"], bill["supplier_invoice_number"]) == ("PURCHASE", "SUBMITTED", "FD-7")
    assert (bill["purchase_order"], bill["total_amount"]) == (shop.po["id"], "180.00")
    assert _billed(shop) == D(60)
    again = api.post(path, {"invoice_date": day(3, 11)})
    assert (again.status_code, again.json()["code"]) == (409, "nothing_to_bill")
    with tenant_context(shop.organization):
        assert Invoice.objects.count() == 1


def test_the_orders_path_refuses_an_order_with_nothing_received_and_a_bad_body(shop):
    api = shop.api
    draft = order(api, shop.supplier)
    refused = api.post(f"purchasing/orders/{draft['id']}/bill", {"invoice_date": day(3, 10)})
    assert (refused.status_code, refused.json()["code"]) == (409, "nothing_to_bill")
    missing = api.post(f"purchasing/orders/{shop.po['id']}/bill", {"supplier_invoice_number": "FD-8"})
    assert (missing.status_code, missing.json()["errors"][0]["field"]) == (422, "invoice_date")
    lines = [{"purchase_order_item": shop.item, "quantity": "61"}]
    over = api.post(f"purchasing/orders/{shop.po['id']}/bill", {"invoice_date": day(3, 10), "lines": lines})
    assert (over.status_code, over.json()["code"]) == (409, "over_billing")
    _nothing_written(shop)


def test_the_orders_path_of_another_organizations_order_is_not_found(shop, other_tenant):
    setup(other_tenant.api)
    response = other_tenant.api.post(f"purchasing/orders/{shop.po['id']}/bill", {"invoice_date": day(3, 10)})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    _nothing_written(shop)
