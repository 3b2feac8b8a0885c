"""The organization setting `inventory.allow_negative_stock`: off (the default) an issue or a transfer beyond what
is available is refused and nothing is written; on, the stock goes below zero, the shortfall valued at the last
known cost (else the standard cost), and incoming stock settles it — hand-computed, cache = ledger, books clean."""

from decimal import Decimal as D

import pytest

from comptoir.accounting.models import JournalEntry
from comptoir.inventory.models import StockBalance, StockLayer, StockMovement, StockRevaluation
from comptoir.inventory.services.books import check_stock, rebuild_stock
from comptoir.inventory.tests.factories import balance, day, entry, issue, product, receive, warehouse
from comptoir.inventory.tests.test_stock_entries import _ledger
from comptoir.platform.tenancy import tenant_context


def _allow(api, value=True):
    response = api.request("put", "platform/settings/inventory.allow_negative_stock", {"value": value})
    assert response.status_code == 200, response.json()


@pytest.fixture
def stock(tenant):
    api = tenant.api
    product(api, "BOLT", standard_cost="7")
    warehouse(api, "MAIN")
    warehouse(api, "SHOP")
    return tenant


def _counts(tenant):
    with tenant_context(tenant.organization):
        return (StockMovement.objects.count(), JournalEntry.objects.count(), StockRevaluation.objects.count())


def _figures(api, code):
    return [(r["on_hand"], r["value"]) for r in balance(api, product="BOLT", warehouse=code)]


@pytest.mark.parametrize(
    "line",
    [
        {"from_warehouse": "MAIN", "quantity": "4"},
        {"from_warehouse": "MAIN", "to_warehouse": "SHOP", "quantity": "4"},
        {"from_warehouse": "SHOP", "to_warehouse": "MAIN", "quantity": "1"},
    ],
)
def test_off_by_default_an_issue_or_transfer_beyond_the_stock_is_refused(stock, line):
    api = stock.api
    receive(api, "BOLT", "MAIN", "3", "5", date=day(3, 1))
    before = _counts(stock)
    kind = "TRANSFER" if "to_warehouse" in line else "ISSUE"
    refused = entry(api, kind, [{"product": "BOLT", **line}], date=day(3, 2), expect=409)
    assert (refused["code"], refused["errors"][0]["field"]) == ("insufficient_stock", "lines[0].quantity")
    assert _counts(stock) == before
    assert _figures(api, "MAIN") == [("3.000", "15.00")]
    with tenant_context(stock.organization):
        assert check_stock() == []


def test_a_setting_that_is_not_a_boolean_is_refused(stock):
    response = stock.api.request("put", "platform/settings/inventory.allow_negative_stock", {"value": "yes"})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_type"), response.json()


def test_on_fifo_the_shortfall_is_valued_at_the_last_cost_and_settled_by_the_next_receipt(stock):
    api = stock.api
    _allow(api)
    receive(api, "BOLT", "MAIN", "10", "5", date=day(3, 1))
    # 10 × 5 there, 5 short at the last cost 5: 75
    assert issue(api, "BOLT", "MAIN", "15", date=day(3, 2))["total_value"] == "75.00"
    assert _figures(api, "MAIN") == [("-5.000", "-25.00")]
    with tenant_context(stock.organization):
        assert check_stock() == []
        assert StockLayer.objects.filter(remaining_quantity__gt=0).count() == 0
    # 8 × 6 = 48 in: 5 settle the shortfall (valued 25, they cost 30: 5 to the adjustment account), 3 × 6 remain
    settled = receive(api, "BOLT", "MAIN", "8", "6", date=day(3, 3))
    assert settled["total_value"] == "48.00"
    journal = api.get(f"accounting/journal-entries/{settled['journal_entry']}").json()
    assert journal["total_debit"] == "48.00"  # Dr 1300 43 + Dr 5100 5, Cr 2300 48
    assert _figures(api, "MAIN") == [("3.000", "18.00")]
    assert (_ledger(api, "1300"), _ledger(api, "5000"), _ledger(api, "5100"), _ledger(api, "2300")) == (
        D("18"), D("75"), D("5"), D("-98"),
    )  # fmt: skip
    # a transfer below zero: 3 × 6 there, 2 short at MAIN's last cost 6: 30 to SHOP
    moved = entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "MAIN", "to_warehouse": "SHOP",
                                     "quantity": "5"}], date=day(3, 4))  # fmt: skip
    assert moved["total_value"] == "30.00"
    assert (_figures(api, "MAIN"), _figures(api, "SHOP")) == ([("-2.000", "-12.00")], [("5.000", "30.00")])
    with tenant_context(stock.organization):
        [revaluation] = StockRevaluation.objects.all()
        assert (revaluation.amount, revaluation.account.code) == (D("5"), "5100")
        assert check_stock() == []
        balances = sorted((b.quantity, b.value) for b in StockBalance.objects.all())
        rebuild_stock()
        assert sorted((b.quantity, b.value) for b in StockBalance.objects.all()) == balances
        assert check_stock() == []


def test_on_without_any_cost_the_shortfall_takes_the_standard_cost(stock):
    api = stock.api
    _allow(api)
    assert issue(api, "BOLT", "SHOP", "2", date=day(3, 2))["total_value"] == "14.00"  # standard cost 7
    # 4 × 3 = 12 in: 2 settle the shortfall (valued 14, they cost 6: −8), 2 × 3 remain
    receive(api, "BOLT", "SHOP", "4", "3", date=day(3, 3))
    assert _figures(api, "SHOP") == [("2.000", "6.00")]
    assert _ledger(api, "5100") == D("-8")
    with tenant_context(stock.organization):
        assert check_stock() == []


def test_on_at_moving_average_and_back_dated(stock):
    api = stock.api
    _allow(api)
    assert api.request("put", "platform/settings/inventory.valuation_method",
                       {"value": "MOVING_AVERAGE"}).status_code == 200  # fmt: skip
    receive(api, "BOLT", "MAIN", "4", "5", date=day(3, 1))
    assert issue(api, "BOLT", "MAIN", "6", date=day(3, 5))["total_value"] == "30.00"  # 20 + 2 short × 5
    receive(api, "BOLT", "MAIN", "4", "8", date=day(3, 6))  # 2 settle (10 → 16: 6), 2 × 8 remain
    assert _figures(api, "MAIN") == [("2.000", "16.00")]
    # back-dated before the issue: 2 × 2 in on 3/3: 6 for 24, the issue takes all of it (24), nothing short
    receive(api, "BOLT", "MAIN", "2", "2", date=day(3, 3))
    assert _figures(api, "MAIN") == [("4.000", "32.00")]  # the receipt of 3/6, whole: no shortfall left to settle
    assert (_ledger(api, "5000"), _ledger(api, "5100")) == (D("24"), D("0"))
    with tenant_context(stock.organization):
        assert check_stock() == []
        rebuild_stock()
        assert check_stock() == []
