"""Back-dated movements: only the product × warehouse they touch is replayed, later outgoing movements are revalued
and the differences posted; hand-computed under FIFO and moving average."""

from decimal import Decimal as D

from comptoir.inventory.models import StockRevaluation
from comptoir.inventory.services.books import check_stock, rebuild_stock
from comptoir.inventory.tests.factories import balance, day, entry, issue, product, receive, warehouse
from comptoir.inventory.tests.test_stock_entries import _ledger
from comptoir.platform.tenancy import tenant_context


def _stock(tenant):
    api = tenant.api
    product(api, "BOLT")
    product(api, "NUT")
    warehouse(api, "MAIN")
    warehouse(api, "SHOP")
    receive(api, "BOLT", "MAIN", "10", "5", date=day(3, 1))
    receive(api, "BOLT", "MAIN", "10", "6", date=day(3, 5))
    receive(api, "NUT", "MAIN", "3", "1", date=day(3, 5))
    issue(api, "BOLT", "MAIN", "15", date=day(3, 6))  # FIFO: 10 × 5 + 5 × 6 = 80
    return api


def test_a_back_dated_receipt_revalues_the_later_issue_under_fifo(tenant):
    api = _stock(tenant)
    late = receive(api, "BOLT", "MAIN", "5", "4", date=day(2, 20))
    # the issue now takes 5 × 4 + 10 × 5 = 70: 10 less than it was posted at
    journal = api.get(f"accounting/journal-entries/{late['journal_entry']}").json()
    assert journal["total_debit"] == "30.00"  # 20 received + 10 back from the cost of goods sold
    [row] = balance(api, product="BOLT")
    assert (row["on_hand"], row["value"]) == ("10.000", "60.00")  # the second receipt, whole
    assert (_ledger(api, "1300"), _ledger(api, "5000"), _ledger(api, "2300")) == (D("63"), D("70"), D("-133"))
    with tenant_context(tenant.organization):
        [revaluation] = StockRevaluation.objects.all()
        assert (revaluation.amount, revaluation.movement.movement_type) == (D("-10"), "OUT")
        assert check_stock() == []
    # again, earlier still: 1 × 1 + 5 × 4 + 9 × 5 = 66, 4 less than the 70 it is worth now
    receive(api, "BOLT", "MAIN", "1", "1", date=day(2, 10))
    [row] = balance(api, product="BOLT")
    assert (row["on_hand"], row["value"]) == ("11.000", "65.00")
    assert _ledger(api, "5000") == D("66")
    with tenant_context(tenant.organization):
        assert sorted(r.amount for r in StockRevaluation.objects.all()) == [D("-10"), D("-4")]
        assert check_stock() == []
        rebuild_stock()
        assert check_stock() == []
    # the other product, untouched
    assert [r["value"] for r in balance(api, product="NUT")] == ["3.00"]


def test_a_back_dated_receipt_revalues_the_later_issue_at_moving_average(tenant):
    api = tenant.api
    assert (
        api.request("put", "platform/settings/inventory.valuation_method", {"value": "MOVING_AVERAGE"}).status_code
        == 200
    )
    _stock(tenant)  # the issue: 15 × 110 / 20 = 82.50
    receive(api, "BOLT", "MAIN", "5", "4", date=day(3, 3))
    # 50 + 20 = 70 for 15, + 60 = 130 for 25: 15 × 130 / 25 = 78.00, 4.50 less
    [row] = balance(api, product="BOLT")
    assert (row["on_hand"], row["value"]) == ("10.000", "52.00")
    assert _ledger(api, "5000") == D("78")
    with tenant_context(tenant.organization):
        assert [r.amount for r in StockRevaluation.objects.all()] == [D("-4.5")]
        assert check_stock() == []


def test_a_back_dated_issue_must_leave_every_later_movement_its_stock(tenant):
    api = _stock(tenant)
    # 20 in by 3/5 and 15 out on 3/6: 6 more out on 3/5 would leave the issue of 3/6 short
    short = issue(api, "BOLT", "MAIN", "6", date=day(3, 5), expect=409)
    assert (short["code"], short["errors"][0]["field"]) == ("insufficient_stock", "date")
    early = issue(api, "BOLT", "MAIN", "11", date=day(3, 2), expect=409)  # only 10 there on 3/2
    assert early["errors"][0]["field"] == "lines[0].quantity"
    posted = issue(api, "BOLT", "MAIN", "5", date=day(3, 5))  # FIFO on 3/5: 5 × 5
    assert posted["total_value"] == "25.00"
    # the issue of 3/6 now takes 5 × 5 + 10 × 6 = 85, 5 more
    assert _ledger(api, "5000") == D("110") and balance(api, product="BOLT") == []
    with tenant_context(tenant.organization):
        assert check_stock() == []


def _transferred(tenant, method):
    """MAIN: 10 × 5 on 3/1, 10 × 6 on 3/5; 12 to SHOP on 3/7; 6 issued from SHOP on 3/8. A third warehouse holds
    the same product and is never touched."""
    api = tenant.api
    if method:
        assert api.request("put", "platform/settings/inventory.valuation_method", {"value": method}).status_code == 200
    product(api, "BOLT")
    for code in ("MAIN", "SHOP", "FAR"):
        warehouse(api, code)
    receive(api, "BOLT", "MAIN", "10", "5", date=day(3, 1))
    receive(api, "BOLT", "MAIN", "10", "6", date=day(3, 5))
    receive(api, "BOLT", "FAR", "1", "9", date=day(3, 5))
    entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "MAIN", "to_warehouse": "SHOP", "quantity": "12"}],
          date=day(3, 7))  # fmt: skip
    issue(api, "BOLT", "SHOP", "6", date=day(3, 8))
    return api


def _at(api, code):
    return [(r["on_hand"], r["value"]) for r in balance(api, product="BOLT", warehouse=code)]


def _revaluations(tenant):
    with tenant_context(tenant.organization):
        return sorted(
            (r.warehouse.code, r.movement.movement_type, r.amount) for r in StockRevaluation.objects.select_related(
                "warehouse", "movement")
        )  # fmt: skip


def test_a_back_dated_receipt_follows_a_later_transfer_under_fifo(tenant):
    api = _transferred(tenant, None)
    # before: the transfer took 10 × 5 + 2 × 6 = 62 to SHOP, whose issue took half of it: 31
    assert (_at(api, "MAIN"), _at(api, "SHOP")) == ([("8.000", "48.00")], [("6.000", "31.00")])
    late = receive(api, "BOLT", "MAIN", "4", "2", date=day(3, 3))
    # MAIN: 10 × 5, 4 × 2, 10 × 6: the transfer now takes 10 × 5 + 2 × 2 = 54 (8 less), MAIN keeps 2 × 2 + 10 × 6
    # SHOP: 12 worth 54: the issue takes 27 (4 less), SHOP keeps 27
    assert (_at(api, "MAIN"), _at(api, "SHOP"), _at(api, "FAR")) == (
        [("12.000", "64.00")], [("6.000", "27.00")], [("1.000", "9.00")],
    )  # fmt: skip
    assert _revaluations(tenant) == [
        ("MAIN", "TRANSFER", D("-8")), ("SHOP", "OUT", D("-4")), ("SHOP", "TRANSFER", D("8")),
    ]  # fmt: skip
    journal = api.get(f"accounting/journal-entries/{late['journal_entry']}").json()
    assert journal["total_debit"] == "12.00"  # Dr 1300 8 + 4, Cr 2300 8, Cr 5000 4 (the pair nets on 1300)
    assert (_ledger(api, "1300"), _ledger(api, "5000"), _ledger(api, "2300")) == (D("100"), D("27"), D("-127"))
    with tenant_context(tenant.organization):
        assert check_stock() == []
        rebuild_stock()
        assert check_stock() == []
    # again, earlier: 1 × 1 on 3/1 after the first receipt: the transfer takes 10 × 5 + 1 × 1 + 1 × 2 = 53
    receive(api, "BOLT", "MAIN", "1", "1", date=day(3, 1))
    assert (_at(api, "MAIN"), _at(api, "SHOP")) == ([("13.000", "66.00")], [("6.000", "26.50")])
    assert _ledger(api, "5000") == D("26.5")
    with tenant_context(tenant.organization):
        assert check_stock() == []


def test_a_back_dated_receipt_follows_a_later_transfer_at_moving_average(tenant):
    api = _transferred(tenant, "MOVING_AVERAGE")
    # before: the transfer took 12 × 110 / 20 = 66, the issue half of it: 33
    assert (_at(api, "MAIN"), _at(api, "SHOP")) == ([("8.000", "44.00")], [("6.000", "33.00")])
    receive(api, "BOLT", "MAIN", "4", "2", date=day(3, 3))
    # MAIN: 50 + 8 + 60 = 118 for 24: the transfer takes 12 × 118 / 24 = 59 (7 less); SHOP: the issue 29.50
    assert (_at(api, "MAIN"), _at(api, "SHOP"), _at(api, "FAR")) == (
        [("12.000", "59.00")], [("6.000", "29.50")], [("1.000", "9.00")],
    )  # fmt: skip
    assert _revaluations(tenant) == [
        ("MAIN", "TRANSFER", D("-7")), ("SHOP", "OUT", D("-3.5")), ("SHOP", "TRANSFER", D("7")),
    ]  # fmt: skip
    assert _ledger(api, "5000") == D("29.5")
    with tenant_context(tenant.organization):
        assert check_stock() == []


def test_a_back_dated_issue_follows_transfers_through_two_warehouses(tenant):
    api = _transferred(tenant, None)
    entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "SHOP", "to_warehouse": "FAR", "quantity": "6"}],
          date=day(3, 9))  # fmt: skip
    # an issue of 2 on 3/2 (2 × 5): the transfer of 3/7 takes 8 × 5 + 4 × 6 = 64 (+2); SHOP's issue 32 (+1), and
    # its transfer on to FAR the other 32 (+1)
    issue(api, "BOLT", "MAIN", "2", date=day(3, 2))
    assert (_at(api, "MAIN"), _at(api, "SHOP"), _at(api, "FAR")) == (
        [("6.000", "36.00")], [], [("7.000", "41.00")],
    )  # fmt: skip
    assert _ledger(api, "5000") == D("42")  # 10 + 32
    with tenant_context(tenant.organization):
        assert check_stock() == []
        rebuild_stock()
        assert check_stock() == []
