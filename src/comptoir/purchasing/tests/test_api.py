"""The purchasing API: prices from the buying lists, editing a draft, holding and closing, receipts with batches,
a receipt cancelled (stock and books back to where they were), a return of billed goods (the supplier's account and
a debit note to make), the events of every transition, the lists in a constant number of statements, 403 without
the permission, and another organization's rows not found on every endpoint."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.services.books import check_books
from comptoir.inventory.services.books import check_stock
from comptoir.platform.models import IntegrationEvent
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.services import record_billed_quantities
from comptoir.purchasing.tests.factories import accounts, confirmed, day, ok, order, receive, setup, stock, supplier


@pytest.fixture
def shop(tenant):
    tenant.supplier = setup(tenant.api)
    return tenant


def test_prices_come_from_the_buying_lists_unless_given(shop):
    api = shop.api
    default = ok(
        api.post(
            "catalog/price-lists", {"name": "Buying", "kind": "BUYING", "is_default": True, "valid_from": day(1, 1)}
        ),
        201,
    )
    ok(api.post(f"catalog/price-lists/{default['id']}/items", {"product": "BOLT", "rate": "2.10"}), 201)
    ok(
        api.post(
            f"catalog/price-lists/{default['id']}/items", {"product": "BOLT", "rate": "1.90", "min_quantity": "500"}
        ),
        201,
    )
    own = ok(api.post("catalog/price-lists", {"name": "Forge", "kind": "BUYING", "valid_from": day(1, 1)}), 201)
    ok(api.post(f"catalog/price-lists/{own['id']}/items", {"product": "NUT", "rate": "0.80"}), 201)
    ok(api.post("catalog/party-price-lists", {"party": shop.supplier["id"], "kind": "BUYING", "price_list": own["id"]}))
    po = order(
        api,
        shop.supplier,
        [
            {"product": "BOLT", "quantity": "10"},
            {"product": "BOLT", "quantity": "500"},
            {"product": "NUT", "quantity": "10"},
            {"product": "NUT", "quantity": "10", "unit_rate": "0.95"},
        ],
    )
    assert [x["unit_rate"] for x in po["lines"]] == ["2.1000", "1.9000", "0.8000", "0.9500"]
    assert (po["subtotal"], po["tax_amount"], po["total_amount"]) == ("988.50", "0.00", "988.50")


def test_a_draft_is_edited_then_held_resumed_and_closed(shop):
    api = shop.api
    po = order(api, shop.supplier)
    url = f"purchasing/orders/{po['id']}"
    edited = ok(
        api.patch(
            url,
            {
                "lines": [{"product": "NUT", "quantity": "3", "unit_rate": "1.333", "tax_rate": "VAT20"}],
                "notes": "urgent",
            },
        )
    )
    assert [(x["product_code"], x["net_amount"], x["tax_amount"]) for x in edited["lines"]] == [("NUT", "4.00", "0.80")]
    assert (edited["notes"], edited["total_amount"], edited["version"]) == ("urgent", "4.80", 2)
    assert ok(api.post(f"{url}/submit"))["status"] == "PENDING"
    assert ok(api.post(f"{url}/hold"))["status"] == "ON_HOLD"
    assert ok(api.post(f"{url}/resume"))["status"] == "PENDING"
    assert ok(api.post(f"{url}/confirm"))["status"] == "CONFIRMED"
    receive(api, ok(api.get(url)), ["1"])
    assert ok(api.post(f"{url}/hold"))["status"] == "ON_HOLD"
    assert ok(api.post(f"{url}/resume"))["status"] == "IN_PROGRESS"
    assert ok(api.post(f"{url}/close"))["status"] == "CLOSED"
    cancelled = order(api, shop.supplier)
    assert ok(api.post(f"purchasing/orders/{cancelled['id']}/cancel"))["status"] == "CANCELLED"
    with tenant_context(shop.organization):
        types = list(
            IntegrationEvent.objects.filter(event_type__startswith="purchasing.order")
            .values_list("event_type", flat=True)
            .order_by("created_at", "id")
        )
    assert types == [
        "purchasing.order.created",
        "purchasing.order.updated",
        "purchasing.order.submitted",
        "purchasing.order.held",
        "purchasing.order.resumed",
        "purchasing.order.confirmed",
        "purchasing.order.status_changed",
        "purchasing.order.held",
        "purchasing.order.resumed",
        "purchasing.order.closed",
        "purchasing.order.created",
        "purchasing.order.cancelled",
    ]


def test_a_receipt_into_batches_is_cancelled_back_to_nothing(shop):
    api = shop.api
    ok(api.post("inventory/batches", {"product": "BOLT", "batch_number": "L1", "exp_date": day(12, 1)}), 201)
    po = confirmed(api, shop.supplier)
    got = receive(api, po, ["40"], batch="L1")
    assert (got["lines"][0]["batch"], got["total_value"]) == ("L1", "100.00")
    assert accounts(api) == {"1300": D("100"), "2300": D("-100")}
    cancelled = ok(api.post(f"purchasing/receipts/{got['id']}/cancel", {"reason": "wrong order", "date": day(3, 6)}))
    assert cancelled["status"] == "CANCELLED" and cancelled["reversal_entry"]
    assert accounts(api) == {"1300": D("0"), "2300": D("0")}
    assert stock(api) == set()  # nothing on hand: the empty balance is not listed
    after = ok(api.get(f"purchasing/orders/{po['id']}"))
    assert (after["status"], after["lines"][0]["received_quantity"]) == ("CONFIRMED", "0.000")
    assert ok(api.post(f"purchasing/orders/{po['id']}/cancel"))["status"] == "CANCELLED"  # nothing received now
    again = api.post(f"purchasing/receipts/{got['id']}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    with tenant_context(shop.organization):
        assert check_stock() == [] and check_books() == []
        events = set(IntegrationEvent.objects.values_list("event_type", flat=True))
    assert {"purchasing.receipt.posted", "purchasing.receipt.cancelled"} <= events


def test_returning_billed_goods_debits_the_supplier_and_leaves_a_debit_note_to_make(shop):
    api = shop.api
    po = confirmed(api, shop.supplier, [{"product": "BOLT", "quantity": "10", "unit_rate": "3"}])
    got = receive(api, po, ["10"])
    item = po["lines"][0]["id"]
    with tenant_context(shop.organization, user=shop.owner):
        record_billed_quantities(actor=shop.owner, order_id=po["id"], quantities={item: D("8")})
    back = ok(
        api.post(
            f"purchasing/receipts/{got['id']}/returns",
            {"date": day(3, 9), "lines": [{"receipt_line": got["lines"][0]["id"], "quantity": "4"}]},
        ),
        201,
    )
    # 2 unbilled from goods received not billed, 2 billed from the supplier's account
    assert (back["total_value"], back["debit_note_amount"], back["debit_note_pending"]) == ("12.00", "6.00", True)
    assert [(x["quantity"], x["billed_quantity"]) for x in back["lines"]] == [("4.000", "2.000")]
    party = ok(api.get(f"parties/{shop.supplier['id']}"))
    assert accounts(api, ("1300", "2300", party["account"]["code"])) == {
        "1300": D("18"),
        "2300": D("-24"),
        party["account"]["code"]: D("6"),
    }
    line = ok(api.get(f"purchasing/orders/{po['id']}"))["lines"][0]
    assert (line["received_quantity"], line["billed_quantity"], line["returned_quantity"]) == (
        "6.000",
        "8.000",
        "4.000",
    )
    with tenant_context(shop.organization):
        assert check_stock() == [] and check_books() == []


def _lists(api):
    return ("purchasing/requisitions", "purchasing/orders", "purchasing/receipts", "purchasing/returns")


def test_lists_take_a_constant_number_of_statements(shop):
    api = shop.api
    for n in range(3):
        po = confirmed(api, shop.supplier, [{"product": "BOLT", "quantity": "10", "unit_rate": "1"}])
        got = receive(api, po, ["5"])
        ok(
            api.post(
                f"purchasing/receipts/{got['id']}/returns",
                {"date": day(3, 6), "lines": [{"receipt_line": got["lines"][0]["id"], "quantity": "1"}]},
            ),
            201,
        )
        ok(
            api.post(
                "purchasing/requisitions",
                {"request_date": day(3, 1), "lines": [{"item_name": f"I{n}", "quantity": "1"}]},
            ),
            201,
        )
    api.get("purchasing/orders", limit=1)  # the member and its permissions are cached from here
    for path in _lists(api):
        with CaptureStatements(connection) as small:
            assert len(ok(api.get(path, limit=1))["items"]) == 1
        with CaptureStatements(connection) as large:
            assert len(ok(api.get(path, limit=200))["items"]) >= 3
        assert len(large) == len(small) == 2, (path, [q["sql"][:120] for q in large.captured_queries])


def test_members_without_permission_get_403(shop):
    po = confirmed(shop.api, shop.supplier)
    _user, employee = member_client(shop, org_role="EMPLOYEE")
    line = {"order_item": po["lines"][0]["id"], "quantity": "1"}
    for response in (
        employee.get("purchasing/orders"),
        employee.post(
            "purchasing/orders",
            {
                "party": shop.supplier["id"],
                "order_date": day(3, 1),
                "warehouse": "MAIN",
                "lines": [{"product": "BOLT", "quantity": "1"}],
            },
        ),
        employee.post(f"purchasing/orders/{po['id']}/receipts", {"date": day(3, 5), "lines": [line]}),
        employee.get("purchasing/receipts"),
        employee.get("purchasing/requisitions"),
    ):
        assert response.status_code == 403, response.json()
    _user, keeper = member_client(shop, roles=["STOCK_KEEPER"])
    assert (
        keeper.post(f"purchasing/orders/{po['id']}/receipts", {"date": day(3, 5), "lines": [line]}).status_code == 201
    )
    assert keeper.post(f"purchasing/orders/{po['id']}/close").status_code == 403
    _user, accountant = member_client(shop, roles=["ACCOUNTANT"])
    assert accountant.get(f"purchasing/orders/{po['id']}/billable").status_code == 200
    assert (
        accountant.post(f"purchasing/orders/{po['id']}/receipts", {"date": day(3, 5), "lines": [line]}).status_code
        == 403
    )


def test_another_organizations_rows_are_not_found(shop, other_tenant):
    api = shop.api
    req = ok(
        api.post(
            "purchasing/requisitions", {"request_date": day(3, 1), "lines": [{"product": "BOLT", "quantity": "1"}]}
        ),
        201,
    )
    po = confirmed(api, shop.supplier)
    got = receive(api, po, ["5"])
    back = ok(
        api.post(
            f"purchasing/receipts/{got['id']}/returns",
            {"date": day(3, 6), "lines": [{"receipt_line": got["lines"][0]["id"], "quantity": "1"}]},
        ),
        201,
    )
    stranger = other_tenant.api
    setup(stranger)
    line = {"order_item": po["lines"][0]["id"], "quantity": "1"}
    convert = {"order_date": day(3, 2), "warehouse": "MAIN"}
    for response in (
        stranger.get(f"purchasing/requisitions/{req['id']}"),
        stranger.post(f"purchasing/requisitions/{req['id']}/submit"),
        stranger.post(f"purchasing/requisitions/{req['id']}/approve"),
        stranger.post(f"purchasing/requisitions/{req['id']}/reject"),
        stranger.post(f"purchasing/requisitions/{req['id']}/cancel"),
        stranger.post(f"purchasing/requisitions/{req['id']}/order", convert),
        stranger.get(f"purchasing/orders/{po['id']}"),
        stranger.patch(f"purchasing/orders/{po['id']}", {"notes": "x"}),
        stranger.post(f"purchasing/orders/{po['id']}/submit"),
        stranger.post(f"purchasing/orders/{po['id']}/approve"),
        stranger.post(f"purchasing/orders/{po['id']}/confirm"),
        stranger.post(f"purchasing/orders/{po['id']}/hold"),
        stranger.post(f"purchasing/orders/{po['id']}/resume"),
        stranger.post(f"purchasing/orders/{po['id']}/cancel"),
        stranger.post(f"purchasing/orders/{po['id']}/close"),
        stranger.get(f"purchasing/orders/{po['id']}/billable"),
        stranger.post(f"purchasing/orders/{po['id']}/receipts", {"date": day(3, 5), "lines": [line]}),
        stranger.get(f"purchasing/receipts/{got['id']}"),
        stranger.post(f"purchasing/receipts/{got['id']}/cancel"),
        stranger.post(
            f"purchasing/receipts/{got['id']}/returns",
            {"date": day(3, 6), "lines": [{"receipt_line": got["lines"][0]["id"], "quantity": "1"}]},
        ),
        stranger.get(f"purchasing/returns/{back['id']}"),
    ):
        assert response.status_code == 404, response.json()
    for path in _lists(stranger):
        assert ok(stranger.get(path))["items"] == []
    # a supplier of another organization is unknown here
    theirs = supplier(stranger, "Their supplier")
    refused = api.post(
        "purchasing/orders",
        {
            "party": theirs["id"],
            "order_date": day(3, 1),
            "warehouse": "MAIN",
            "lines": [{"product": "BOLT", "quantity": "1"}],
        },
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "unknown"


def test_under_moving_average_a_return_and_a_cancellation_leave_at_the_receipts_cost(shop):
    api = shop.api
    ok(api.request("put", "platform/settings/inventory.valuation_method", {"value": "MOVING_AVERAGE"}))
    po = confirmed(api, shop.supplier, [{"product": "BOLT", "quantity": "20", "unit_rate": "2"}])
    first = receive(api, po, ["10"], date=day(3, 5))
    stocked = {
        "entry_type": "RECEIPT",
        "date": day(3, 6),
        "post": True,
        "lines": [{"product": "BOLT", "to_warehouse": "MAIN", "quantity": "10", "unit_cost": "4"}],
    }
    ok(api.post("inventory/stock-entries", stocked), 201)  # the average is now 3
    back = ok(
        api.post(
            f"purchasing/receipts/{first['id']}/returns",
            {"date": day(3, 7), "lines": [{"receipt_line": first["lines"][0]["id"], "quantity": "5"}]},
        ),
        201,
    )
    assert back["total_value"] == "10.00"  # 5 × 2, not 5 × 3
    second = receive(api, po, ["5"], date=day(3, 8))
    ok(api.post(f"purchasing/receipts/{second['id']}/cancel", {"date": day(3, 9)}))
    assert stock(api) == {("BOLT", "15.000", "50.00")}
    assert accounts(api) == {"1300": D("50"), "2300": D("-50")}
    with tenant_context(shop.organization):
        assert check_stock() == [] and check_books() == []


def test_a_requisition_is_rejected_or_cancelled_with_its_events(shop):
    api = shop.api
    _user, boss = member_client(shop, roles=["PURCHASING"])
    body = {"request_date": day(3, 1), "priority": "HIGH", "lines": [{"product": "BOLT", "quantity": "2"}]}
    first = ok(api.post("purchasing/requisitions", body), 201)
    assert [(x["item_name"], x["total_price"]) for x in first["lines"]] == [("Bolt M8", "0.00")]
    ok(api.post(f"purchasing/requisitions/{first['id']}/submit"))
    rejected = ok(boss.post(f"purchasing/requisitions/{first['id']}/reject", {"reason": "not now"}))
    assert rejected["status"] == "REJECTED"
    second = ok(api.post("purchasing/requisitions", body), 201)
    assert ok(api.post(f"purchasing/requisitions/{second['id']}/cancel"))["status"] == "CANCELLED"
    assert [r["requisition_number"] for r in ok(api.get("purchasing/requisitions", status="REJECTED"))["items"]] == [
        first["requisition_number"]
    ]
    with tenant_context(shop.organization):
        types = set(
            IntegrationEvent.objects.filter(event_type__startswith="purchasing.requisition").values_list(
                "event_type", flat=True
            )
        )
    assert types == {
        "purchasing.requisition.created",
        "purchasing.requisition.submitted",
        "purchasing.requisition.rejected",
        "purchasing.requisition.cancelled",
    }
