"""Record to report, through the API only, as an accountant would: a tax rate and its computation, a sale with a due
date, part of it received against the bill, rent paid; the bank statement imported, matched and reconciled; the
trial balance, profit and loss, balance sheet and aging; the year closed, and the books still exact."""

import datetime

from comptoir.accounting.services.books import check_books
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.tenancy import tenant_context
from tests.support.api import member_client

Y = IN_YEAR.year


def d(month: int, day: int) -> str:
    return datetime.date(Y, month, day).isoformat()


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def test_record_to_report(tenant):
    _user, api = member_client(tenant, roles=["ACCOUNTANT"])

    # a tax rate, and the one computation every document uses
    ok(
        api.post(
            "accounting/tax-rates",
            {
                "code": "VAT20",
                "name": "VAT 20%",
                "tax_type": "VAT",
                "rate": "20",
                "output_account": "2100",
                "input_account": "1400",
                "effective_from": d(1, 1),
            },
        ),
        201,
    )
    tax = ok(api.post("accounting/tax-rates/compute", {"amount": "1000.00", "tax_rate": "VAT20", "on_date": d(3, 1)}))
    assert (tax["net"], tax["tax"], tax["gross"]) == ("1000.00", "200.00", "1200.00")

    # the sale (a bill due at the end of the month), a receipt against it, the rent
    def post(day, journal_type, *lines):
        body = {"date": day, "journal_type": journal_type, "post": True, "lines": list(lines)}
        entry = ok(api.post("accounting/journal-entries", body), 201)
        assert entry["status"] == "POSTED"
        return entry

    sale = post(
        d(3, 1),
        "SALES",
        {"account": "1200", "entry_type": "DR", "amount": tax["gross"], "due_date": d(3, 31)},
        {"account": "4000", "entry_type": "CR", "amount": tax["net"]},
        {"account": "2100", "entry_type": "CR", "amount": tax["tax"]},
    )
    assert sale["entry_number"] == f"SALES-{Y}-000001"
    post(
        d(3, 20),
        "RCP",
        {"account": "1100", "entry_type": "DR", "amount": "600.00"},
        {"account": "1200", "entry_type": "CR", "amount": "600.00", "against_entry": sale["id"]},
    )
    post(
        d(3, 25),
        "PAY",
        {"account": "6100", "entry_type": "DR", "amount": "300.00"},
        {"account": "1100", "entry_type": "CR", "amount": "300.00"},
    )

    # the bank: statement imported, each line matched to its suggested journal line, reconciled
    bank = ok(
        api.post(
            "accounting/bank-accounts",
            {"account": "1100", "account_name": "Main account", "account_number": "FR7630006000011234567890189"},
        ),
        201,
    )
    statement = f"Date,Amount,Ref,Balance\n{d(3, 20)},600.00,RCP,600.00\n{d(3, 25)},-300.00,RENT,300.00\n"
    mapping = {"date": "Date", "amount": "Amount", "reference": "Ref", "balance": "Balance"}
    path = f"accounting/bank-accounts/{bank['id']}"
    imported = ok(api.post(f"{path}/statements/import", {"csv_text": statement, "mapping": mapping}), 201)
    assert imported["imported"] == 2
    for line in ok(api.get(f"{path}/transactions"))["items"]:
        [best, *_] = ok(api.get(f"accounting/bank-transactions/{line['id']}/suggestions"))
        ok(api.post(f"accounting/bank-transactions/{line['id']}/match", {"journal_line": best["journal_line"]}))
    ok(api.post(f"{path}/reconcile", {"statement_date": d(3, 31)}))
    summary = ok(api.get(f"{path}/reconciliation", as_of=d(3, 31)))
    assert (summary["ledger_balance"], summary["statement_balance"]) == ("300.00", "300.00")
    assert summary["difference"] == "0.00"
    assert summary["unmatched_statement_count"] == summary["unmatched_ledger_count"] == 0

    # the reports
    trial = ok(api.get("accounting/reports/trial-balance", as_of=d(3, 31)))
    assert trial["totals"]["debit"] == trial["totals"]["credit"] == "1200.00"  # balances: 600 + 300 + 300
    pnl = ok(api.get("accounting/reports/profit-and-loss", date_from=d(1, 1), date_to=d(12, 31)))
    assert (pnl["income"], pnl["expense"], pnl["net_profit"]) == ("1000.00", "300.00", "700.00")
    sheet = ok(api.get("accounting/reports/balance-sheet", as_of=d(3, 31)))
    assert (sheet["assets"], sheet["liabilities"], sheet["current_earnings"]) == ("900.00", "200.00", "700.00")
    aging = ok(api.get("accounting/reports/aging", kind="receivable", as_of=d(5, 15)))
    [bill] = aging["rows"]
    assert (bill["entry_number"], bill["outstanding"], bill["bucket"]) == (sale["entry_number"], "600.00", "31-60")

    # the year closed: its result moves to retained earnings, the books stay exact
    year = next(y for y in ok(api.get("accounting/fiscal-years"))["items"] if y["start_date"] == d(1, 1))
    closed = ok(api.post(f"accounting/fiscal-years/{year['id']}/close"))
    assert closed["is_closed"] is True and closed["closing_entry"]
    sheet = ok(api.get("accounting/reports/balance-sheet", as_of=d(12, 31)))
    assert (sheet["equity"], sheet["current_earnings"]) == ("700.00", "0.00")
    pnl = ok(api.get("accounting/reports/profit-and-loss", date_from=d(1, 1), date_to=d(12, 31)))
    assert pnl["net_profit"] == "700.00"
    with tenant_context(tenant.organization):
        assert check_books() == []
