"""Stock entries: posting writes movements, FIFO layers, the balance cache and one journal entry; the figures are
checked against hand-computed examples, and every refusal is a problem+json with its field and code, nothing
written."""

from decimal import Decimal as D

import pytest

from comptoir.accounting.models import JournalEntry
from comptoir.inventory.models import StockBalance, StockEntry, StockLayer, StockMovement
from comptoir.inventory.services.books import check_stock, rebuild_stock
from comptoir.inventory.tests.factories import balance, day, entry, issue, product, receive, warehouse
from comptoir.platform.tenancy import tenant_context


def _ledger(api, account):
    """The balance (debit − credit) of an account in the trial balance."""
    rows = api.get("accounting/reports/trial-balance", as_of=day(12, 31)).json()["rows"]
    row = next((r for r in rows if r["account"] == account), None)
    return D(row["debit"]) - D(row["credit"]) if row else D(0)


@pytest.fixture
def shop(tenant):
    product(tenant.api, "BOLT", standard_cost="2")
    warehouse(tenant.api, "MAIN")
    warehouse(tenant.api, "SHOP", type="BRANCH")
    return tenant


def test_fifo_values_an_issue_from_the_oldest_layers(shop):
    api = shop.api
    first = receive(api, "BOLT", "MAIN", "10", "5", date=day(3, 1))
    assert (first["status"], first["number"], first["total_value"]) == ("POSTED", "STE-2026-000001", "50.00")
    receive(api, "BOLT", "MAIN", "10", "6", date=day(3, 2))
    out = issue(api, "BOLT", "MAIN", "15", date=day(3, 3))
    # 10 × 5.00 + 5 × 6.00
    assert (out["total_value"], out["lines"][0]["value"]) == ("80.00", "80.00")
    [row] = balance(api, product="BOLT", warehouse="MAIN")
    assert (row["on_hand"], row["reserved"], row["available"], row["value"]) == ("5.000", "0.000", "5.000", "30.00")
    assert (_ledger(api, "1300"), _ledger(api, "5000"), _ledger(api, "2300")) == (D("30"), D("80"), D("-110"))
    journal = api.get(f"accounting/journal-entries/{out['journal_entry']}").json()
    assert (journal["journal_type"], journal["total_debit"]) == ("STOCK", "80.00")
    ledger = api.get("inventory/movements", product="BOLT").json()["items"]
    assert [(m["movement_type"], m["quantity"], m["value"], m["rate"]) for m in ledger] == [
        ("IN", "10.000", "50.00", "5.0000"),
        ("IN", "10.000", "60.00", "6.0000"),
        ("OUT", "15.000", "80.00", "5.3333"),
    ]
    with tenant_context(shop.organization):
        assert check_stock() == []


def test_moving_average_values_an_issue_at_the_running_average(shop):
    api = shop.api
    set_method = api.request("put", "platform/settings/inventory.valuation_method", {"value": "MOVING_AVERAGE"})
    assert set_method.status_code == 200, set_method.json()
    receive(api, "BOLT", "MAIN", "10", "5", date=day(3, 1))
    receive(api, "BOLT", "MAIN", "10", "6", date=day(3, 2))
    # average 110 / 20 = 5.50: 15 × 5.50 = 82.50, then what is left (5 units, 27.50) and 3 more at 7 → 48.50 / 8
    assert issue(api, "BOLT", "MAIN", "15", date=day(3, 3))["total_value"] == "82.50"
    receive(api, "BOLT", "MAIN", "3", "7", date=day(3, 4))
    assert issue(api, "BOLT", "MAIN", "1", date=day(3, 5))["total_value"] == "6.06"  # 48.50 / 8 = 6.0625
    assert issue(api, "BOLT", "MAIN", "7", date=day(3, 6))["total_value"] == "42.44"  # all that is left
    assert balance(api, product="BOLT") == []
    assert (_ledger(api, "1300"), _ledger(api, "5000")) == (D("0"), D("131.00"))
    with tenant_context(shop.organization):
        assert check_stock() == [] and StockLayer.objects.count() == 0


def test_partial_layers_round_without_losing_a_cent(shop):
    api = shop.api
    receive(api, "BOLT", "MAIN", "3", "3.3333")  # 9.9999 → 10.00
    assert issue(api, "BOLT", "MAIN", "1")["total_value"] == "3.33"
    assert issue(api, "BOLT", "MAIN", "2")["total_value"] == "6.67"
    assert _ledger(api, "1300") == D("0")
    with tenant_context(shop.organization):
        assert check_stock() == []


def test_a_transfer_moves_stock_and_value_between_accounts_only_when_they_differ(shop):
    api = shop.api
    other = api.post("accounting/accounts", {"code": "1310", "name": "Stock in transit", "group": "11",
                                             "account_type": "STOCK"})  # fmt: skip
    assert other.status_code == 201, other.json()
    warehouse(api, "TRUCK", type="TRANSIT", inventory_account="1310")
    receive(api, "BOLT", "MAIN", "10", "4")
    same = entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "MAIN", "to_warehouse": "SHOP",
                                    "quantity": "4"}])  # fmt: skip
    assert same["journal_entry"] is None and same["total_value"] == "16.00"
    moved = entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "SHOP", "to_warehouse": "TRUCK",
                                     "quantity": "1"}])  # fmt: skip
    assert moved["journal_entry"] is not None
    assert {(r["warehouse_code"], r["on_hand"], r["value"]) for r in balance(api, product="BOLT")} == {
        ("MAIN", "6.000", "24.00"),
        ("SHOP", "3.000", "12.00"),
        ("TRUCK", "1.000", "4.00"),
    }
    assert (_ledger(api, "1300"), _ledger(api, "1310")) == (D("36"), D("4"))
    with tenant_context(shop.organization):
        assert check_stock() == []


def test_adjustments_go_in_or_out_against_the_adjustment_account(shop):
    api = shop.api
    entry(api, "ADJUSTMENT", [{"product": "BOLT", "to_warehouse": "MAIN", "quantity": "5"}])  # standard cost 2
    entry(api, "ADJUSTMENT", [{"product": "BOLT", "from_warehouse": "MAIN", "quantity": "2"}])
    assert [m["movement_type"] for m in api.get("inventory/movements").json()["items"]] == [
        "ADJUSTMENT_IN",
        "ADJUSTMENT_OUT",
    ]
    assert (_ledger(api, "1300"), _ledger(api, "5100")) == (D("6"), D("-6"))


def test_an_issue_without_a_batch_is_picked_first_expiring_first(shop):
    api = shop.api
    for number, expiry in (("LATE", day(9, 1)), ("SOON", day(6, 1))):
        response = api.post("inventory/batches", {"product": "BOLT", "batch_number": number, "exp_date": expiry})
        assert response.status_code == 201, response.json()
    entry(api, "RECEIPT", [
        {"product": "BOLT", "to_warehouse": "MAIN", "quantity": "5", "unit_cost": "1", "batch": "LATE"},
        {"product": "BOLT", "to_warehouse": "MAIN", "quantity": "5", "unit_cost": "2", "batch": "SOON"},
    ])  # fmt: skip
    out = issue(api, "BOLT", "MAIN", "7")
    assert out["total_value"] == "12.00"  # 5 of SOON at 2, 2 of LATE at 1
    assert {(r["batch"], r["on_hand"]) for r in balance(api, product="BOLT")} == {("LATE", "3.000")}


def test_a_draft_posts_later_or_is_cancelled(shop):
    api = shop.api
    draft = receive(api, "BOLT", "MAIN", "2", "1", post=False)
    assert (draft["status"], draft["number"], draft["journal_entry"]) == ("DRAFT", None, None)
    assert balance(api) == []
    posted = api.post(f"inventory/stock-entries/{draft['id']}/post")
    assert posted.status_code == 200 and posted.json()["status"] == "POSTED"
    again = api.post(f"inventory/stock-entries/{draft['id']}/post")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert api.post(f"inventory/stock-entries/{draft['id']}/cancel").json()["code"] == "invalid_transition"
    other = receive(api, "BOLT", "MAIN", "2", "1", post=False)
    cancelled = api.post(f"inventory/stock-entries/{other['id']}/cancel", {"reason": "typo"})
    assert cancelled.json()["status"] == "CANCELLED"
    assert [e["status"] for e in api.get("inventory/stock-entries").json()["items"]] == ["CANCELLED", "POSTED"]


LINE = {"product": "BOLT", "quantity": "1"}


@pytest.mark.parametrize(
    ("entry_type", "line", "extra", "status", "code", "field"),
    [
        ("RECEIPT", {**LINE}, {}, 422, "required", "lines[0].to_warehouse"),
        (
            "RECEIPT",
            {**LINE, "to_warehouse": "MAIN", "from_warehouse": "SHOP"},
            {},
            422,
            "not_allowed",
            "lines[0].from_warehouse",
        ),
        ("ISSUE", {**LINE, "from_warehouse": "MAIN", "unit_cost": "1"}, {}, 422, "not_allowed", "lines[0].unit_cost"),
        ("ISSUE", {**LINE, "to_warehouse": "MAIN"}, {}, 422, "required", "lines[0].from_warehouse"),
        (
            "TRANSFER",
            {**LINE, "from_warehouse": "MAIN", "to_warehouse": "MAIN"},
            {},
            422,
            "same_warehouse",
            "lines[0].to_warehouse",
        ),
        (
            "ADJUSTMENT",
            {**LINE, "from_warehouse": "MAIN", "to_warehouse": "SHOP"},
            {},
            422,
            "not_allowed",
            "lines[0].to_warehouse",
        ),
        ("RECEIPT", {**LINE, "to_warehouse": "NOPE"}, {}, 422, "unknown", "lines[0].to_warehouse"),
        ("RECEIPT", {**LINE, "product": "NOPE", "to_warehouse": "MAIN"}, {}, 422, "unknown", "lines[0].product"),
        (
            "RECEIPT",
            {**LINE, "product": "FIX", "to_warehouse": "MAIN"},
            {},
            422,
            "untracked_product",
            "lines[0].product",
        ),
        ("RECEIPT", {**LINE, "to_warehouse": "MAIN", "batch": "NOPE"}, {}, 422, "unknown", "lines[0].batch"),
        ("RECEIPT", {**LINE, "to_warehouse": "MAIN", "quantity": "0"}, {}, 422, "validation_error", "lines.0.quantity"),
        (
            "RECEIPT",
            {**LINE, "to_warehouse": "MAIN", "quantity": "1.0001"},
            {},
            422,
            "validation_error",
            "lines.0.quantity",
        ),
        (
            "RECEIPT",
            {**LINE, "to_warehouse": "MAIN", "unit_cost": "-1"},
            {},
            422,
            "validation_error",
            "lines.0.unit_cost",
        ),
        ("RECEIPT", {**LINE, "to_warehouse": "MAIN"}, {"account": "1300"}, 422, "invalid_account", "account"),
        (
            "TRANSFER",
            {**LINE, "from_warehouse": "MAIN", "to_warehouse": "SHOP"},
            {"account": "5000"},
            422,
            "not_allowed",
            "account",
        ),
        (
            "ISSUE",
            {**LINE, "from_warehouse": "MAIN", "quantity": "11"},
            {},
            409,
            "insufficient_stock",
            "lines[0].quantity",
        ),
        ("ISSUE", {**LINE, "from_warehouse": "SHOP"}, {}, 409, "insufficient_stock", "lines[0].quantity"),
        ("RECEIPT", {**LINE, "to_warehouse": "SHUT"}, {}, 422, "inactive", "lines[0].to_warehouse"),
        (
            "ISSUE",
            {**LINE, "from_warehouse": "MAIN"},
            {"date": day(2, 1)},
            409,
            "insufficient_stock",
            "lines[0].quantity",
        ),
        ("RECEIPT", {**LINE, "to_warehouse": "MAIN"}, {"date": "2019-01-01"}, 422, "no_fiscal_period", "date"),
        ("RECEIPT", {**LINE, "to_warehouse": "MAIN"}, {"lines": []}, 422, "validation_error", "lines"),
    ],
)
def test_stock_entry_refusals_write_nothing(shop, entry_type, line, extra, status, code, field):
    api = shop.api
    product(api, "FIX", type="SERVICE")
    warehouse(api, "SHUT")
    assert api.patch(f"inventory/warehouses/{api.get('inventory/warehouses', search='SHUT').json()['items'][0]['id']}",
                     {"is_active": False}).status_code == 200  # fmt: skip
    receive(api, "BOLT", "MAIN", "10", "1", date=day(3, 1))
    with tenant_context(shop.organization):
        before = (StockEntry.objects.count(), StockMovement.objects.count(), JournalEntry.objects.count())
    body = {"entry_type": entry_type, "date": day(3, 2), "lines": [line], "post": True, **extra}
    response = api.post("inventory/stock-entries", body)
    assert response.status_code == status, response.json()
    errors = response.json().get("errors") or [{"field": None, "code": response.json()["code"]}]
    assert (response.json()["code"] == code or errors[0]["code"] == code) and errors[0]["field"].endswith(field), (
        response.json()
    )
    with tenant_context(shop.organization):
        after = (StockEntry.objects.count(), StockMovement.objects.count(), JournalEntry.objects.count())
        assert after == before and check_stock() == []


def test_a_closed_period_refuses_even_a_transfer_that_posts_nothing(shop):
    api = shop.api
    receive(api, "BOLT", "MAIN", "4", "1", date=day(3, 1))
    [year] = api.get("accounting/fiscal-years").json()["items"]
    periods = api.get(f"accounting/fiscal-years/{year['id']}").json()["periods"]
    april = next(p for p in periods if p["start_date"] == day(4, 1))
    assert api.post(f"accounting/periods/{april['id']}/close").status_code == 200
    moved = entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "MAIN", "to_warehouse": "SHOP",
                                     "quantity": "1"}], date=day(4, 2), expect=409)  # fmt: skip
    assert moved["code"] == "period_closed"


def test_the_ledger_is_append_only_and_check_books_finds_a_tampered_cache(shop):
    from django.db import connection, transaction
    from django.db.utils import InternalError, ProgrammingError

    receive(shop.api, "BOLT", "MAIN", "3", "2")
    with tenant_context(shop.organization):
        for statement in ("UPDATE inventory_stockmovement SET quantity = 1", "DELETE FROM inventory_stockmovement"):
            with pytest.raises((InternalError, ProgrammingError)), transaction.atomic(), connection.cursor() as c:
                c.execute(statement)
        StockBalance.objects.update(quantity=D("2"))
        [difference] = [d for d in check_stock() if d.startswith("stock balance")]
        assert "ledger 3.000/6.0000" in difference
        rebuild_stock()
        assert check_stock() == []
        StockLayer.objects.update(remaining_value=D("1"))
        assert any(d.startswith("stock layers") for d in check_stock())
        rebuild_stock()
        assert check_stock() == []
