"""Every rule of purchasing refused with its code and field, each writing nothing: no row of purchasing, of the
stock ledger, of the books or of the outbox and audit trail, and no document changed."""

from __future__ import annotations

import pytest
from tests.support.api import member_client

from comptoir.accounting.models import JournalEntry
from comptoir.inventory.models import StockMovement
from comptoir.platform.models import AuditLog, IntegrationEvent
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderItem,
    PurchaseRequisition,
    SupplierReturn,
)
from comptoir.purchasing.services import record_billed_quantities
from comptoir.purchasing.tests.factories import confirmed, day, ok, order, receive, set_setting, setup, supplier


def _state(tenant) -> tuple:
    with tenant_context(tenant.organization):
        return (
            PurchaseRequisition.objects.count(),
            sorted(PurchaseRequisition.objects.values_list("status", "version")),
            sorted(PurchaseOrder.objects.values_list("order_number", "status", "version", "approved_by_id")),
            sorted(
                PurchaseOrderItem.objects.values_list("line_no", "quantity", "received_quantity", "billed_quantity")
            ),
            sorted(GoodsReceipt.objects.values_list("status", "version")),
            sorted(GoodsReceiptLine.objects.values_list("quantity", "returned_quantity")),
            SupplierReturn.objects.count(),
            StockMovement.objects.count(),
            JournalEntry.objects.count(),
            IntegrationEvent.objects.count(),
            AuditLog.objects.count(),
        )


def _refused(tenant, response, status, code, field=None):
    body = response.json()
    assert response.status_code == status, body
    errors = body.get("errors") or [{"code": body["code"], "field": None}]
    assert body["code"] == code or errors[0]["code"] == code, body
    if field:
        assert errors[0]["field"] == field, body


@pytest.fixture
def shop(tenant):
    tenant.supplier = setup(tenant.api)
    return tenant


def _check(shop, call, status, code, field=None):
    before = _state(shop)
    _refused(shop, call(), status, code, field)
    assert _state(shop) == before


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"party": "CUSTOMER"}, 422, "wrong_party_type", "party"),
        ({"party": "BLACK"}, 409, "blacklisted", "party"),
        ({"party": "NOPE"}, 422, "unknown", "party"),
        ({"warehouse": "NOPE"}, 422, "unknown", "warehouse"),
        ({"lines": [{"product": "NOPE", "quantity": "1"}]}, 422, "unknown", "lines[0].product"),
        ({"lines": [{"product": "FIX", "quantity": "1"}]}, 422, "untracked_product", "lines[0].product"),
        ({"lines": [{"product": "BOLT", "quantity": "1", "tax_rate": "NOPE"}]}, 422, "unknown", "lines[0].tax_rate"),
        ({"lines": [{"product": "BOLT", "quantity": "0"}]}, 422, "validation_error", None),
        ({"lines": [{"product": "BOLT", "quantity": "1", "unit_rate": "-1"}]}, 422, "validation_error", None),
        ({"lines": []}, 422, "validation_error", None),
        ({"currency": "USD"}, 422, "required", "exchange_rate"),
    ],
)
def test_order_refusals_write_nothing(shop, change, status, code, field):
    api = shop.api
    customer = supplier(api, "Client Martin", party_type="CUSTOMER")
    black = supplier(api, "Bad Supplies")
    ok(api.post(f"parties/{black['id']}/status", {"status": "BLACKLISTED"}))
    ok(api.post("catalog/products", {"code": "FIX", "name": "Fitting", "uom": "pcs", "type": "SERVICE"}), 201)
    party = {"CUSTOMER": customer["id"], "BLACK": black["id"], "NOPE": "P-9999"}.get(change.get("party"))
    body = {
        "party": shop.supplier["id"],
        "order_date": day(3, 1),
        "warehouse": "MAIN",
        "lines": [{"product": "BOLT", "quantity": "1", "unit_rate": "1"}],
        **change,
    }
    if party:
        body["party"] = party
    _check(shop, lambda: api.post("purchasing/orders", body), status, code, field)


def test_a_blacklisted_supplier_cannot_be_confirmed_and_an_order_is_edited_only_as_a_draft(shop):
    api = shop.api
    po = order(api, shop.supplier)
    ok(api.post(f"parties/{shop.supplier['id']}/status", {"status": "BLACKLISTED"}))
    _check(shop, lambda: api.post(f"purchasing/orders/{po['id']}/confirm"), 409, "blacklisted", "party")
    ok(api.post(f"parties/{shop.supplier['id']}/status", {"status": "INACTIVE"}))
    ok(api.post(f"purchasing/orders/{po['id']}/confirm"))
    _check(shop, lambda: api.patch(f"purchasing/orders/{po['id']}", {"notes": "late"}), 409, "not_editable", "status")


def test_approval_rules(shop):
    api = shop.api
    _user, buyer = member_client(shop, roles=["PURCHASING"])
    _user2, keeper = member_client(shop, roles=["STOCK_KEEPER"])
    big = order(buyer, shop.supplier, [{"product": "BOLT", "quantity": "1000", "unit_rate": "2"}])  # 2000 > 1000
    url = f"purchasing/orders/{big['id']}"
    # confirming a draft submits it on the way: refused, it stays a draft
    _check(shop, lambda: buyer.post(f"{url}/confirm"), 409, "approval_required", "status")
    ok(buyer.post(f"{url}/submit"))
    _check(shop, lambda: buyer.post(f"{url}/approve"), 409, "self_approval", "approved_by")
    _check(shop, lambda: keeper.post(f"{url}/approve"), 403, "permission_denied")
    # below the threshold no approval is needed
    small = order(buyer, shop.supplier, [{"product": "BOLT", "quantity": "10", "unit_rate": "2"}])
    assert ok(buyer.post(f"purchasing/orders/{small['id']}/confirm"))["status"] == "CONFIRMED"
    # the threshold is a setting
    set_setting(api, "purchasing.approval_threshold", 5000)
    assert ok(buyer.post(f"{url}/confirm"))["status"] == "CONFIRMED"


def test_requisition_rules(shop):
    api = shop.api
    body = {"request_date": day(3, 1), "lines": [{"item_name": "Gloves", "quantity": "5"}]}
    req = ok(api.post("purchasing/requisitions", body), 201)
    url = f"purchasing/requisitions/{req['id']}"
    _check(shop, lambda: api.post(f"{url}/approve"), 409, "invalid_transition", "status")
    ok(api.post(f"{url}/submit"))
    _check(shop, lambda: api.post(f"{url}/approve"), 409, "self_approval", "approved_by")
    _check(shop, lambda: api.post(f"{url}/reject"), 409, "self_approval", "approved_by")
    convert = {"order_date": day(3, 2), "warehouse": "MAIN", "party": shop.supplier["id"]}
    _check(shop, lambda: api.post(f"{url}/order", convert), 409, "invalid_transition", "status")
    _user, boss = member_client(shop, roles=["PURCHASING"])
    ok(boss.post(f"{url}/approve"))
    # a line without a product cannot be ordered
    _check(shop, lambda: api.post(f"{url}/order", convert), 422, "required", "lines[0].product")
    _check(
        shop,
        lambda: api.post("purchasing/requisitions", {"request_date": day(3, 1), "lines": [{"quantity": "1"}]}),
        422,
        "required",
        "lines[0].item_name",
    )
    good = ok(api.post("purchasing/requisitions", {**body, "lines": [{"product": "BOLT", "quantity": "5"}]}), 201)
    ok(api.post(f"purchasing/requisitions/{good['id']}/submit"))
    ok(boss.post(f"purchasing/requisitions/{good['id']}/approve"))
    no_party = {"order_date": day(3, 2), "warehouse": "MAIN"}
    _check(shop, lambda: api.post(f"purchasing/requisitions/{good['id']}/order", no_party), 422, "required", "party")
    ok(api.post(f"purchasing/requisitions/{good['id']}/order", convert), 201)
    again = f"purchasing/requisitions/{good['id']}/order"
    _check(shop, lambda: api.post(again, convert), 409, "already_ordered", "status")


def test_receipt_rules(shop):
    api = shop.api
    draft = order(api, shop.supplier)
    early = {"date": day(3, 5), "lines": [{"order_item": draft["lines"][0]["id"], "quantity": "1"}]}
    _check(shop, lambda: api.post(f"purchasing/orders/{draft['id']}/receipts", early), 409, "invalid_transition")
    po = confirmed(api, shop.supplier)
    other = confirmed(api, shop.supplier)
    url = f"purchasing/orders/{po['id']}/receipts"

    def post(lines, date=None):
        return lambda: api.post(url, {"date": date or day(3, 5), "lines": lines})

    item = po["lines"][0]["id"]
    _check(shop, post([{"order_item": item, "quantity": "101"}]), 409, "over_receipt", "lines[0].quantity")
    _check(
        shop,
        post([{"order_item": item, "quantity": "60"}, {"order_item": item, "quantity": "41"}]),
        409,
        "over_receipt",
        "lines[1].quantity",
    )
    _check(
        shop,
        post([{"order_item": other["lines"][0]["id"], "quantity": "1"}]),
        422,
        "wrong_order",
        "lines[0].order_item",
    )
    _check(shop, post([{"order_item": item, "quantity": "1", "batch": "NOPE"}]), 422, "unknown", "lines[0].batch")
    _check(shop, post([{"order_item": item, "quantity": "1"}], date="2001-01-01"), 422, "no_fiscal_period", "date")
    # a 5 % tolerance lets 105 in, never 106
    set_setting(api, "purchasing.over_receipt_tolerance_pct", 5)
    receive(api, po, ["100"])
    _check(shop, post([{"order_item": item, "quantity": "6"}]), 409, "invalid_transition", "status")
    receive(api, other, ["99"])  # 1 left, 6 allowed: 7 is one too many
    more = {"date": day(3, 6), "lines": [{"order_item": other["lines"][0]["id"], "quantity": "7"}]}
    _check(shop, lambda: api.post(f"purchasing/orders/{other['id']}/receipts", more), 409, "over_receipt")
    held = confirmed(api, shop.supplier)
    ok(api.post(f"purchasing/orders/{held['id']}/hold"))
    _check(
        shop,
        lambda: api.post(
            f"purchasing/orders/{held['id']}/receipts",
            {"date": day(3, 6), "lines": [{"order_item": held["lines"][0]["id"], "quantity": "1"}]},
        ),
        409,
        "invalid_transition",
        "status",
    )
    # cancelling an order with receipts is refused
    partly = confirmed(api, shop.supplier)
    receive(api, partly, ["10"])
    _check(shop, lambda: api.post(f"purchasing/orders/{partly['id']}/cancel"), 409, "invalid_transition", "status")


def test_tolerance_is_a_ceiling_across_receipts(shop):
    api = shop.api
    set_setting(api, "purchasing.over_receipt_tolerance_pct", 5)
    po = confirmed(api, shop.supplier)
    receive(api, po, ["60"])
    receive(api, po, ["44"])  # 104 received: COMPLETED, nothing more
    got = ok(api.get(f"purchasing/orders/{po['id']}"))
    assert (got["status"], got["lines"][0]["received_quantity"]) == ("COMPLETED", "104.000")


def test_return_and_cancel_rules(shop):
    api = shop.api
    po = confirmed(api, shop.supplier)
    first = receive(api, po, ["40"])
    line = first["lines"][0]["id"]
    url = f"purchasing/receipts/{first['id']}"

    def give_back(quantity, receipt_line=line):
        return lambda: api.post(
            f"{url}/returns", {"date": day(3, 6), "lines": [{"receipt_line": receipt_line, "quantity": quantity}]}
        )

    _check(shop, give_back("41"), 409, "over_return", "lines[0].quantity")
    second = receive(api, po, ["10"])
    _check(shop, give_back("1", second["lines"][0]["id"]), 422, "wrong_order", "lines[0].receipt_line")
    # what was issued further cannot be cancelled: 35 of the first receipt left by a stock issue
    issue = {
        "entry_type": "ISSUE",
        "date": day(3, 7),
        "post": True,
        "lines": [{"product": "BOLT", "from_warehouse": "MAIN", "quantity": "35"}],
    }
    ok(api.post("inventory/stock-entries", issue), 201)
    _check(shop, lambda: api.post(f"{url}/cancel"), 409, "receipt_issued", "status")
    # billed goods cannot be cancelled: the second receipt is billed
    with tenant_context(shop.organization, user=shop.owner):
        record_billed_quantities(actor=shop.owner, order_id=po["id"], quantities={po["lines"][0]["id"]: "45"})
    _check(shop, lambda: api.post(f"purchasing/receipts/{second['id']}/cancel"), 409, "receipt_billed", "status")
    # a returned receipt is not cancelled either
    third = receive(api, po, ["5"], date=day(3, 8))
    ok(
        api.post(
            f"purchasing/receipts/{third['id']}/returns",
            {"date": day(3, 8), "lines": [{"receipt_line": third["lines"][0]["id"], "quantity": "1"}]},
        ),
        201,
    )
    _check(shop, lambda: api.post(f"purchasing/receipts/{third['id']}/cancel"), 409, "receipt_issued", "status")
