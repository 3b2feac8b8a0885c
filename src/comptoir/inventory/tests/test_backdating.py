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


def test_a_later_transfer_out_bounds_the_recompute(tenant):
    api = _stock(tenant)
    entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "MAIN", "to_warehouse": "SHOP", "quantity": "2"}],
          date=day(3, 7))  # fmt: skip
    refused = receive(api, "BOLT", "MAIN", "1", "1", date=day(3, 1), expect=422)
    assert (refused["code"], refused["errors"][0]["field"]) == ("back_dated", "date")
    assert receive(api, "NUT", "MAIN", "1", "1", date=day(3, 1))["status"] == "POSTED"  # another product
