"""Receive to count, through the API only, as a stock keeper would (the owner sets up the warehouses): stock received
into the main warehouse, part moved to the shop, some issued FIFO, the shop counted and its shortage written off,
and a receipt found late, entered back-dated: the issue it precedes is revalued. Exact quantities, values and
ledger balances at every step; the stock and the books proven equal at the end."""

from decimal import Decimal as D

from comptoir.accounting.services.books import check_books
from comptoir.inventory.services.books import check_stock
from comptoir.platform.tenancy import tenant_context
from tests.support.api import member_client


def d(month: int, day: int) -> str:
    return f"2026-{month:02d}-{day:02d}"


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def _accounts(api) -> dict:
    rows = ok(api.get("accounting/reports/trial-balance", as_of=d(12, 31)))["rows"]
    return {
        r["account"]: D(r["debit"]) - D(r["credit"]) for r in rows if r["account"] in {"1300", "2300", "5000", "5100"}
    }


def _stock(api) -> set:
    return {(r["warehouse_code"], r["on_hand"], r["value"]) for r in ok(api.get("inventory/stock-balance"))["items"]}


def test_receive_to_count(tenant):
    owner = tenant.api
    ok(owner.post("catalog/products", {"code": "BOLT", "name": "Bolt M8", "uom": "pcs", "standard_cost": "2"}), 201)
    ok(owner.post("inventory/warehouses", {"code": "MAIN", "name": "Main warehouse"}), 201)
    ok(owner.post("inventory/warehouses", {"code": "SHOP", "name": "Shop", "type": "BRANCH"}), 201)
    _user, keeper = member_client(tenant, roles=["STOCK_KEEPER", "ACCOUNTANT"])

    def post(entry_type, date, **line):
        body = {"entry_type": entry_type, "date": date, "post": True, "lines": [{"product": "BOLT", **line}]}
        return ok(keeper.post("inventory/stock-entries", body), 201)

    # received: 100 at 2.50
    assert post("RECEIPT", d(3, 2), to_warehouse="MAIN", quantity="100", unit_cost="2.50")["total_value"] == "250.00"
    # 30 to the shop, same inventory account: value moves, the books do not
    moved = post("TRANSFER", d(3, 2), from_warehouse="MAIN", to_warehouse="SHOP", quantity="30")
    assert (moved["total_value"], moved["journal_entry"]) == ("75.00", None)
    assert _stock(keeper) == {("MAIN", "70.000", "175.00"), ("SHOP", "30.000", "75.00")}
    # 50 more at 3.00, then 80 issued: 70 × 2.50 + 10 × 3.00
    post("RECEIPT", d(3, 10), to_warehouse="MAIN", quantity="50", unit_cost="3")
    assert post("ISSUE", d(3, 15), from_warehouse="MAIN", quantity="80")["total_value"] == "205.00"
    assert _accounts(keeper) == {"1300": D("195"), "2300": D("-400"), "5000": D("205")}

    # the shop is counted: 28 found of 30
    count = ok(keeper.post("inventory/stock-counts", {"warehouse": "SHOP", "count_date": d(3, 20)}), 201)
    url = f"inventory/stock-counts/{count['id']}"
    assert [line["system_quantity"] for line in ok(keeper.post(f"{url}/start"))["lines"]] == ["30.000"]
    ok(keeper.post(f"{url}/counts", {"lines": [{"product": "BOLT", "counted_quantity": "28"}]}))
    assert ok(keeper.post(f"{url}/complete"))["status"] == "COMPLETED"
    assert _stock(keeper) == {("MAIN", "40.000", "120.00"), ("SHOP", "28.000", "70.00")}
    assert _accounts(keeper) == {"1300": D("190"), "2300": D("-400"), "5000": D("205"), "5100": D("5")}

    # a receipt of 3/3 found late: 20 at 2.00, before the 3.00 layer the issue took 10 from
    late = post("RECEIPT", d(3, 3), to_warehouse="MAIN", quantity="20", unit_cost="2")
    assert late["total_value"] == "40.00"
    # the issue now took 70 × 2.50 + 10 × 2.00 = 195: 10 back from the cost of goods sold
    assert _stock(keeper) == {("MAIN", "60.000", "170.00"), ("SHOP", "28.000", "70.00")}
    assert _accounts(keeper) == {"1300": D("240"), "2300": D("-440"), "5000": D("195"), "5100": D("5")}

    ledger = ok(keeper.get("inventory/reports/stock-ledger", product="BOLT", date_from=d(3, 1), date_to=d(3, 31)))
    assert ledger["opening"] == {"quantity": "0.000", "value": "0.00"}
    assert [m["movement_type"] for m in ledger["movements"]] == ["IN", "TRANSFER", "IN", "IN", "OUT", "ADJUSTMENT_OUT"]
    on_hand = ok(keeper.get("inventory/reports/stock-on-hand"))
    assert on_hand["total_value"] == "240.00"

    with tenant_context(tenant.organization):
        assert check_stock() == [] and check_books() == []
