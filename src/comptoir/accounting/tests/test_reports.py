"""The financial reports against hand-computed figures of entries posted through the services, over two years and at
dates inside periods; the cache-plus-partial-period arithmetic against a plain sum of the lines; query counts that
do not grow with the ledger; and a property test: random balanced entries keep the statements balanced."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.queries import CaptureStatements

from comptoir.accounting.queries import reports, reports_ledger
from comptoir.accounting.services import create_and_post, create_entry, reverse_entry
from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.periods import FiscalYearInput, create_fiscal_year
from comptoir.accounting.tests.factories import TODAY, entry_data, line
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.tenancy import tenant_context

D = Decimal
Y = TODAY.year  # the organization's current fiscal year (created at sign-up)
P = Y - 1  # a previous year, created by the scenario


def day(year: int, month: int, dom: int) -> datetime.date:
    return datetime.date(year, month, dom)


def post(actor, *specs, date, due=None, against=None):
    bill = {"due_date": due, "against_entry": against.pk if against else None}  # on the receivable/payable line
    specs = [line(*spec, **bill) if spec[0] in ("1200", "2000") else spec for spec in specs]
    return create_and_post(actor=actor, data=entry_data(*specs, date=date))


def build_books(actor) -> dict:
    """Two years of entries (see each line); returns the entries the tests name."""
    create_fiscal_year(actor=actor, data=FiscalYearInput(name=str(P), start_date=day(P, 1, 1), end_date=day(P, 12, 31)))
    post(actor, ("1000", "DR", "1000"), ("3000", "CR", "1000"), date=day(P, 6, 10))  # capital
    bill_a = post(actor, ("1200", "DR", "500"), ("4000", "CR", "500"), date=day(P, 11, 20), due=day(P, 12, 20))
    post(actor, ("1100", "DR", "200"), ("1200", "CR", "200"), date=day(Y, 1, 15), against=bill_a)  # receipt
    bill_b = post(actor, ("1200", "DR", "120"), ("4000", "CR", "120"), date=day(Y, 2, 1))
    reverse_entry(actor=actor, entry_id=bill_b.pk, date=day(Y, 2, 10))
    fee = post(actor, ("6900", "DR", "50"), ("1100", "CR", "50"), date=day(Y, 3, 5))
    post(actor, ("6100", "DR", "300"), ("1000", "CR", "300"), date=day(Y, 3, 10))  # rent
    bill_p = post(actor, ("5000", "DR", "400"), ("2000", "CR", "400"), date=day(Y, 3, 20), due=day(Y, 4, 19))
    reverse_entry(actor=actor, entry_id=fee.pk, date=day(Y, 3, 28))
    create_entry(actor=actor, data=entry_data(("6900", "DR", "999"), ("1000", "CR", "999"), date=day(Y, 3, 25)))
    return {"bill_a": bill_a, "bill_b": bill_b, "bill_p": bill_p}


@pytest.fixture
def books(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        yield build_books(tenant.owner)


def balances(report) -> dict:
    return {row["account"]: (row["debit"], row["credit"]) for row in report["rows"]}


def test_trial_balance_mid_period_and_at_period_end(books):
    mid = reports.trial_balance(as_of=day(Y, 3, 15))
    assert balances(mid) == {
        "1000": (D("700.00"), D("0.00")),
        "1100": (D("150.00"), D("0.00")),
        "1200": (D("300.00"), D("0.00")),
        "3000": (D("0.00"), D("1000.00")),
        "4000": (D("0.00"), D("500.00")),
        "6100": (D("300.00"), D("0.00")),
        "6900": (D("50.00"), D("0.00")),
    }
    assert mid["totals"] == {"debit": D("1500.00"), "credit": D("1500.00")}
    end = reports.trial_balance(as_of=day(Y, 3, 31), by_group=True)
    assert [r["account"] for r in end["rows"]] == ["1000", "1100", "1200", "2000", "3000", "4000", "5000", "6100"]
    assert end["totals"] == {"debit": D("1900.00"), "credit": D("1900.00")}
    groups = {g["group"]: g for g in end["groups"]}
    assert groups["1"]["balance"] == D("1200.00") and groups["11"]["debit"] == D("1200.00")
    assert groups["5"]["balance"] == D("700.00") and groups["52"]["balance"] == D("300.00")
    assert [g["group"] for g in end["groups"]] == ["1", "11", "2", "21", "3", "4", "5", "51", "52"]
    assert reports.trial_balance(as_of=day(P, 12, 31))["totals"] == {"debit": D("1500.00"), "credit": D("1500.00")}
    assert reports.trial_balance(as_of=day(P, 1, 1))["rows"] == []


def test_profit_and_loss_over_ranges_that_cut_periods_and_years(books):
    q1 = reports.profit_and_loss(date_from=day(Y, 1, 1), date_to=day(Y, 3, 31))
    assert (q1["income"], q1["expense"], q1["net_profit"]) == (D("0.00"), D("700.00"), D("-700.00"))
    assert {r["account"]: r["amount"] for r in q1["rows"]} == {"5000": D("400.00"), "6100": D("300.00")}
    last_year = reports.profit_and_loss(date_from=day(P, 1, 1), date_to=day(P, 12, 31))
    assert (last_year["income"], last_year["net_profit"]) == (D("500.00"), D("500.00"))
    inside = reports.profit_and_loss(date_from=day(Y, 3, 6), date_to=day(Y, 3, 15))
    assert (inside["expense"], [r["account"] for r in inside["rows"]]) == (D("300.00"), ["6100"])
    across = reports.profit_and_loss(date_from=day(P, 11, 1), date_to=day(Y, 3, 15))
    assert (across["income"], across["expense"], across["net_profit"]) == (D("500.00"), D("350.00"), D("150.00"))


def test_balance_sheet_equation_with_current_earnings(books):
    sheet = reports.balance_sheet(as_of=day(Y, 3, 31))
    assert (sheet["assets"], sheet["liabilities"], sheet["equity"], sheet["current_earnings"]) == (
        D("1200.00"),
        D("400.00"),
        D("1000.00"),
        D("-200.00"),
    )
    assert {r["account"] for r in sheet["rows"]} == {"1000", "1100", "1200", "2000", "3000"}
    mid = reports.balance_sheet(as_of=day(Y, 3, 15))
    assert mid["assets"] == mid["liabilities"] + mid["equity"] + mid["current_earnings"] == D("1150.00")


def test_general_ledger_opening_running_and_closing_balances_with_pages(books):
    cash = reports_ledger.general_ledger(account="1000", date_from=day(Y, 3, 1), date_to=day(Y, 3, 31))
    assert (cash["opening_balance"], cash["closing_balance"]) == (D("1000.00"), D("700.00"))
    assert [(li["credit"], li["balance"]) for li in cash["lines"]] == [(D("300.00"), D("700.00"))]
    bank_id = reports_ledger.resolve_report_account("1100").pk
    first = reports_ledger.general_ledger(account=bank_id, date_from=day(Y, 1, 1), date_to=day(Y, 3, 31), limit=2)
    assert [li["balance"] for li in first["lines"]] == [D("200.00"), D("150.00")]
    assert first["lines"][0]["entry_number"].startswith("JV-")
    rest = reports_ledger.general_ledger(
        account="1100", date_from=day(Y, 1, 1), date_to=day(Y, 3, 31), limit=2, cursor=first["next_cursor"]
    )
    assert [(li["debit"], li["balance"]) for li in rest["lines"]] == [(D("50.00"), D("200.00"))]
    assert rest["next_cursor"] is None
    assert (rest["total_debit"], rest["total_credit"], rest["closing_balance"]) == (
        D("250.00"),
        D("50.00"),
        D("200.00"),
    )


def test_aging_buckets_bills_by_due_date_and_drops_reversed_and_settled_bills(books):
    late = reports_ledger.aging(kind="receivable", as_of=day(Y, 3, 31))
    [row] = late["rows"]
    assert (row["entry_number"], row["outstanding"], row["bucket"]) == (
        books["bill_a"].entry_number,
        D("300.00"),
        "90+",
    )
    assert late["buckets"]["90+"] == late["total"] == D("300.00")
    early = reports_ledger.aging(kind="receivable", as_of=day(Y, 1, 10))
    assert [(r["outstanding"], r["days_overdue"], r["bucket"]) for r in early["rows"]] == [(D("500.00"), 21, "0-30")]
    assert reports_ledger.aging(kind="receivable", as_of=day(P, 12, 1))["rows"][0]["bucket"] == "not_due"
    before_reversal = reports_ledger.aging(kind="receivable", as_of=day(Y, 2, 5))
    assert {r["entry_number"]: r["outstanding"] for r in before_reversal["rows"]} == {
        books["bill_a"].entry_number: D("300.00"),
        books["bill_b"].entry_number: D("120.00"),
    }
    payable = reports_ledger.aging(kind="payable", as_of=day(Y, 3, 31))
    assert [(r["outstanding"], r["bucket"]) for r in payable["rows"]] == [(D("400.00"), "not_due")]
    assert reports_ledger.aging(kind="payable", as_of=day(Y, 5, 25))["rows"][0]["bucket"] == "31-60"
    assert check_books() == []  # the open items the aging reads are the ledger's


def test_aging_by_account_totals_every_bill_and_lists_the_first(books):
    both = reports_ledger.aging_by_account(kind="receivable", as_of=day(Y, 2, 5))
    [account] = both["accounts"]
    assert (account["code"], account["count"], account["first"]) == ("1200", 2, day(P, 11, 20))
    # bill_a: 47 days past its due date, 300 left of 500; bill_b: dated and due 4 days before, not reversed yet
    zero = dict.fromkeys(reports_ledger.BUCKETS, D("0.00"))
    assert account["buckets"] == {**zero, "31-60": D("300.00"), "0-30": D("120.00")}
    assert account["total"] == both["total"] == D("420.00") and both["count"] == 2
    first = reports_ledger.aging_by_account(kind="receivable", as_of=day(Y, 2, 5), limit=1)
    assert [r["entry_number"] for r in first["rows"]] == [books["bill_a"].entry_number]
    assert (first["count"], first["total"]) == (2, D("420.00"))


def test_cash_flow_allocates_cash_to_counterparts_and_reconciles(books):
    q1 = reports_ledger.cash_flow(date_from=day(Y, 1, 1), date_to=day(Y, 3, 31))
    assert (q1["opening_cash"], q1["net_change"], q1["closing_cash"]) == (D("1000.00"), D("-100.00"), D("900.00"))
    assert {r["account"]: r["amount"] for r in q1["rows"]} == {
        "1200": D("200.00"),
        "6100": D("-300.00"),
        "6900": D("0.00"),
    }
    assert {c["category"]: c["amount"] for c in q1["categories"]}["receipts_from_customers"] == D("200.00")
    assert sum(r["amount"] for r in q1["rows"]) == q1["net_change"]
    year = reports_ledger.cash_flow(date_from=day(P, 1, 1), date_to=day(P, 12, 31))
    assert (year["opening_cash"], year["closing_cash"]) == (D("0.00"), D("1000.00"))
    assert [(c["category"], c["activity"], c["amount"]) for c in year["categories"]] == [
        ("equity", "financing", D("1000.00"))
    ]


def test_refusals_name_the_field(books):
    cases = [
        (lambda: reports.trial_balance(as_of=None), "as_of", "required"),
        (lambda: reports.trial_balance(as_of="2026-13-01"), "as_of", "invalid_date"),
        (lambda: reports.profit_and_loss(date_from=day(Y, 2, 1), date_to=day(Y, 1, 1)), "date_to", "invalid_range"),
        (
            lambda: reports_ledger.general_ledger(account="9999", date_from=day(Y, 1, 1), date_to=day(Y, 1, 2)),
            "account",
            "unknown",
        ),
        (lambda: reports_ledger.aging(kind="both", as_of=day(Y, 1, 1)), "kind", "invalid"),
        (
            lambda: reports_ledger.general_ledger(
                account="1000", date_from=day(Y, 1, 1), date_to=day(Y, 1, 2), cursor="??"
            ),
            "cursor",
            "invalid_cursor",
        ),
    ]
    for call, field, code in cases:
        with pytest.raises(ValidationFailed) as caught:
            call()
        assert (caught.value.errors[0].field, caught.value.code) == (field, code)


def test_other_organizations_entries_never_count(tenant, other_tenant, books):
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        post(other_tenant.owner, ("1000", "DR", "77"), ("4000", "CR", "77"), date=day(Y, 3, 12))
        theirs = reports.trial_balance(as_of=day(Y, 3, 31))
        assert theirs["totals"] == {"debit": D("77.00"), "credit": D("77.00")}
        mine = reports_ledger.resolve_report_account("1000")
    with tenant_context(tenant.organization, user=tenant.owner):
        assert reports.trial_balance(as_of=day(Y, 3, 31))["totals"]["debit"] == D("1900.00")
        assert reports_ledger.cash_flow(date_from=day(Y, 3, 1), date_to=day(Y, 3, 31))["net_change"] == D("-300.00")
        with pytest.raises(ValidationFailed):
            reports_ledger.general_ledger(account=mine.pk, date_from=day(Y, 1, 1), date_to=day(Y, 3, 31))


def _count(call) -> int:
    with CaptureStatements(connection) as ctx:
        call()
    return len(ctx.captured_queries)


REPORTS = {
    "trial_balance": lambda: reports.trial_balance(as_of=day(Y, 3, 15), by_group=True),
    "profit_and_loss": lambda: reports.profit_and_loss(date_from=day(P, 6, 15), date_to=day(Y, 3, 15)),
    "balance_sheet": lambda: reports.balance_sheet(as_of=day(Y, 3, 15)),
    "general_ledger": lambda: reports_ledger.general_ledger(
        account="1000", date_from=day(P, 1, 1), date_to=day(Y, 3, 31)
    ),
    "aging": lambda: reports_ledger.aging(kind="receivable", as_of=day(Y, 3, 31)),
    "cash_flow": lambda: reports_ledger.cash_flow(date_from=day(P, 6, 15), date_to=day(Y, 3, 15)),
}
EXPECTED_QUERIES = {
    "trial_balance": 2,
    "profit_and_loss": 1,
    "balance_sheet": 1,
    "general_ledger": 4,
    "aging": 1,
    "cash_flow": 2,
}


def test_query_counts_do_not_grow_with_lines_or_accounts(tenant, books):
    from comptoir.accounting.services.chart import AccountInput, create_account

    with tenant_context(tenant.organization, user=tenant.owner):
        before = {name: _count(call) for name, call in REPORTS.items()}
        assert before == EXPECTED_QUERIES
        for n in range(12):
            create_account(actor=tenant.owner, data=AccountInput(code=f"68{n:02d}", name=f"Expense {n}", group="52"))
            post(tenant.owner, (f"68{n:02d}", "DR", "10"), ("1000", "CR", "10"), date=day(Y, 3, 1 + n))
            post(tenant.owner, ("1200", "DR", "10"), ("4000", "CR", "10"), date=day(P, 7 + n % 5, 2))
        assert {name: _count(call) for name, call in REPORTS.items()} == before


def _ledger_balances(as_of) -> dict:
    """The brute-force truth: every posted line up to `as_of`, summed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.code, sum(CASE WHEN l.entry_type = 'DR' THEN l.base_amount ELSE -l.base_amount END) "
            "FROM accounting_journalline l JOIN accounting_journalentry e ON e.id = l.entry_id "
            "JOIN accounting_account a ON a.id = l.account_id "
            "WHERE e.status IN ('POSTED', 'REVERSED') AND l.entry_date <= %s GROUP BY a.code",
            [as_of],
        )
        return {code: total for code, total in cursor.fetchall() if total}


ACCOUNTS = ["1000", "1100", "1200", "2000", "3000", "4000", "5000", "6900"]
amounts = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)
balanced_entry = st.tuples(
    st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(["DR", "CR"]), amounts), min_size=1, max_size=4),
    st.sampled_from(ACCOUNTS),
    st.integers(min_value=0, max_value=364),
)


def test_random_balanced_entries_keep_the_statements_balanced(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        create_fiscal_year(
            actor=tenant.owner, data=FiscalYearInput(name=str(P), start_date=day(P, 1, 1), end_date=day(P, 12, 31))
        )

        @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(balanced_entry, st.integers(min_value=0, max_value=729))
        def run(drawn, probe):
            specs, closer, offset = drawn
            debit = sum(a for _, t, a in specs if t == "DR")
            credit = sum(a for _, t, a in specs if t == "CR")
            if debit != credit:
                specs = [*specs, (closer, "CR" if debit > credit else "DR", abs(debit - credit))]
            if len(specs) >= 2:
                post(tenant.owner, *specs, date=day(P, 1, 1) + datetime.timedelta(days=offset))
            as_of = day(P, 1, 1) + datetime.timedelta(days=probe)
            trial = reports.trial_balance(as_of=as_of)
            assert trial["totals"]["debit"] == trial["totals"]["credit"]
            assert {r["account"]: r["balance"] for r in trial["rows"]} == _ledger_balances(as_of)
            sheet = reports.balance_sheet(as_of=as_of)
            assert sheet["assets"] == sheet["liabilities"] + sheet["equity"] + sheet["current_earnings"]

        run()
