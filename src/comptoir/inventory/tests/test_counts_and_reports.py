"""Stock counts (snapshot, count, post the differences) and the stock reports, with exact figures."""

import pytest

from comptoir.inventory.models import StockCount, StockMovement
from comptoir.inventory.services.books import check_stock
from comptoir.inventory.tests.factories import balance, day, entry, issue, product, receive, warehouse
from comptoir.platform.tenancy import tenant_context


@pytest.fixture
def stocked(tenant):
    api = tenant.api
    product(api, "BOLT", standard_cost="2", list_price="5", reorder_point="20", reorder_quantity="50",
            min_stock_level="5")  # fmt: skip
    product(api, "NUT", standard_cost="1", list_price="1.5")
    product(api, "IDLE", standard_cost="4", reorder_point="1", reorder_quantity="3", max_stock_level="10")
    warehouse(api, "MAIN")
    warehouse(api, "SHOP")
    receive(api, "BOLT", "MAIN", "10", "3", date=day(3, 1))
    receive(api, "NUT", "MAIN", "4", "1", date=day(3, 1))
    return tenant


def test_a_count_posts_its_differences_as_adjustments(stocked):
    api = stocked.api
    count = api.post("inventory/stock-counts", {"warehouse": "MAIN", "count_date": day(3, 5)})
    assert count.status_code == 201 and count.json()["status"] == "DRAFT"
    url = f"inventory/stock-counts/{count.json()['id']}"
    started = api.post(f"{url}/start").json()
    assert [(line["product"], line["system_quantity"]) for line in started["lines"]] == [
        ("BOLT", "10.000"),
        ("NUT", "4.000"),
    ]
    early = api.post(f"{url}/complete")
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "lines[0].counted_quantity"
    counted = api.post(f"{url}/counts", {"lines": [
        {"product": "BOLT", "counted_quantity": "8"},
        {"product": "NUT", "counted_quantity": "4"},
        {"product": "IDLE", "counted_quantity": "1"},
    ]}).json()  # fmt: skip
    assert [(li["product"], li["difference"]) for li in counted["lines"]] == [
        ("BOLT", "-2.000"),
        ("IDLE", "1.000"),
        ("NUT", "0.000"),
    ]
    done = api.post(f"{url}/complete").json()
    assert (done["status"], done["count_number"]) == ("COMPLETED", "STC-2026-000001")
    assert done["journal_entry"] is not None
    assert {(r["product_code"], r["on_hand"], r["value"]) for r in balance(api, warehouse="MAIN")} == {
        ("BOLT", "8.000", "24.00"),  # 2 out at 3.00
        ("NUT", "4.000", "4.00"),
        ("IDLE", "1.000", "4.00"),  # in at the standard cost: nothing was there to average
    }
    assert api.post(f"{url}/cancel").json()["code"] == "invalid_transition"
    with tenant_context(stocked.organization):
        assert StockMovement.objects.filter(source_type="inventory.stockcount").count() == 2
        assert check_stock() == []


def test_count_refusals(stocked, other_tenant):
    api = stocked.api
    count = api.post("inventory/stock-counts", {"warehouse": "MAIN", "count_date": day(3, 5)}).json()
    url = f"inventory/stock-counts/{count['id']}"
    not_started = api.post(f"{url}/counts", {"lines": [{"product": "BOLT", "counted_quantity": "1"}]})
    assert not_started.status_code == 409 and not_started.json()["code"] == "invalid_transition"
    assert api.post(f"{url}/complete").json()["code"] == "invalid_transition"
    api.post(f"{url}/start")
    negative = api.post(f"{url}/counts", {"lines": [{"product": "BOLT", "counted_quantity": "-1"}]})
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "lines.0.counted_quantity"
    unknown = api.post(f"{url}/counts", {"lines": [{"product": "NOPE", "counted_quantity": "1"}]})
    assert unknown.json()["errors"][0] == {"field": "lines[0].product", "code": "unknown",
                                           "message": unknown.json()["errors"][0]["message"]}  # fmt: skip
    assert api.post("inventory/stock-counts", {"warehouse": "NOPE", "count_date": day(3, 5)}).status_code == 422
    assert api.post(f"{url}/cancel", {"reason": "redo"}).json()["status"] == "CANCELLED"
    for path in ("", "/start", "/complete", "/cancel"):
        method = other_tenant.api.get if not path else other_tenant.api.post
        assert method(f"{url}{path}").status_code == 404
    with tenant_context(stocked.organization):
        assert StockCount.objects.get().journal_entry_id is None


def test_stock_ledger_report_runs_the_figures(stocked):
    api = stocked.api
    entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "MAIN", "to_warehouse": "SHOP", "quantity": "4"}],
          date=day(3, 2))  # fmt: skip
    issue(api, "BOLT", "SHOP", "1", date=day(3, 3))
    report = api.get("inventory/reports/stock-ledger", product="BOLT", date_from=day(3, 2), date_to=day(3, 31))
    assert report.status_code == 200, report.json()
    body = report.json()
    assert body["opening"] == {"quantity": "10.000", "value": "30.00"}
    # everywhere, a transfer moves nothing; the issue takes 1 at 3.00
    running = [
        (m["movement_type"], m["quantity"], m["running_quantity"], m["running_value"]) for m in body["movements"]
    ]
    assert running == [("TRANSFER", "0.000", "10.000", "30.00"), ("OUT", "-1.000", "9.000", "27.00")]
    shop = api.get("inventory/reports/stock-ledger", product="BOLT", warehouse="SHOP", date_from=day(3, 1),
                   date_to=day(3, 31)).json()  # fmt: skip
    assert [m["quantity"] for m in shop["movements"]] == ["4.000", "-1.000"] and shop["closing"] == {
        "quantity": "3.000", "value": "9.00"
    }  # fmt: skip


def test_on_hand_as_of_a_date_reorder_expiry_and_status(stocked):
    api = stocked.api
    issue(api, "BOLT", "MAIN", "6", date=day(3, 10))
    today = api.get("inventory/reports/stock-on-hand").json()
    assert [(i["product"], i["warehouse"], i["quantity"], i["value"]) for i in today["rows"]] == [
        ("BOLT", "MAIN", "4.000", "12.00"),
        ("NUT", "MAIN", "4.000", "4.00"),
    ]
    assert today["total_value"] == "16.00"
    assert [i["product"] for i in api.get("inventory/reports/stock-on-hand", product="NUT").json()["rows"]] == ["NUT"]
    assert api.get("inventory/reports/stock-on-hand", warehouse="SHOP").json()["rows"] == []
    before = api.get("inventory/reports/stock-on-hand", as_of=day(3, 5)).json()
    assert [(i["product"], i["quantity"]) for i in before["rows"]] == [("BOLT", "10.000"), ("NUT", "4.000")]
    assert before["total_value"] == "34.00"
    assert api.get("inventory/reports/stock-on-hand", as_of=day(2, 1)).json()["rows"] == []
    reorder = api.get("inventory/reports/reorder").json()["rows"]
    assert [(r["product"], r["available"], r["to_order"]) for r in reorder] == [
        ("BOLT", "4.000", "50.000"),
        ("IDLE", "0.000", "10.000"),  # up to its maximum level
    ]
    api.post("inventory/batches", {"product": "NUT", "batch_number": "OLD", "exp_date": day(4, 1)})
    receive(api, "NUT", "SHOP", "2", "1", batch="OLD", date=day(3, 11))
    expiring = api.get("inventory/reports/expiry", before=day(5, 1)).json()
    assert [(r["product"], r["batch"], r["quantity"]) for r in expiring["rows"]] == [("NUT", "OLD", "2.000")]
    assert api.get("inventory/reports/expiry", before=day(3, 1)).json()["rows"] == []
    status = {r["code"]: r for r in api.get("inventory/reports/inventory-status").json()["rows"]}
    assert {code: r["inventory_status"] for code, r in status.items()} == {
        "BOLT": "LOW_STOCK",  # 4 ≤ min 5
        "IDLE": "OUT_OF_STOCK",
        "NUT": "IN_STOCK",
    }
    assert (status["BOLT"]["margin"], status["BOLT"]["margin_percent"], status["BOLT"]["inventory_value"]) == (
        "3.0000",
        "150.00",
        "8.0000000",
    )
    low = api.get("inventory/reports/inventory-status", status="LOW_STOCK").json()["rows"]
    assert [r["code"] for r in low] == ["BOLT"]
