"""The figures of the desk's accounting dashboard: cash, receivables and payables today, this month's revenue and
profit against last month's, twelve months of revenue, expense and month-end cash, and the most overdue bills.

Amounts come from the balance caches, as the statements' do (queries/reports.py): for each date range, the fiscal
periods inside it from AccountBalance and the days of the periods it cuts through from AccountDayBalance, so a
dashboard costs O(accounts × months) and a fixed number of queries per widget, whatever the number of lines. Income
and expense leave the year-end closing entries out (as the profit and loss does). Everything is as of `today`: the
current month runs to today, and entries dated later do not count. The overdue bills are the aging report's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from comptoir.accounting.constants import AccountType, Nature
from comptoir.accounting.queries.reports import (
    ACCOUNT,
    BALANCE,
    BEGINNING,
    DAY_BALANCE,
    ENTRY,
    GROUP,
    LINE,
    PERIOD,
    YEAR,
    ZERO,
    money,
)
from comptoir.accounting.queries.reports_ledger import CASH_TYPES, overdue_bills
from comptoir.platform.queries.core import current_organization
from comptoir.platform.tenancy import require_org_id

TREND_MONTHS = 12
OVERDUE_LIMIT = 5
CASH, RECEIVABLE, PAYABLE, INCOME, EXPENSE = "cash", "receivable", "payable", "income", "expense"

# Debit − credit per (range, kind of account) over the ranges (lo[i], hi[i]), numbered from 1.
_TOTALS = f"""
WITH ranges AS (
    SELECT r.n, r.lo, r.hi FROM unnest(%(los)s::date[], %(his)s::date[]) WITH ORDINALITY AS r(lo, hi, n)
), edge AS (
    SELECT r.n, greatest(p.start_date, r.lo) AS lo, least(p.end_date, r.hi) AS hi
      FROM ranges r
      JOIN {PERIOD} p ON p.organization_id = %(org)s AND p.start_date <= r.hi AND p.end_date >= r.lo
       AND (p.start_date < r.lo OR p.end_date > r.hi)
), moves AS (
    SELECT r.n, b.account_id, b.debit_total - b.credit_total AS balance
      FROM ranges r
      JOIN {PERIOD} p ON p.organization_id = %(org)s AND p.start_date >= r.lo AND p.end_date <= r.hi
      JOIN {BALANCE} b ON b.organization_id = %(org)s AND b.fiscal_period_id = p.id
    UNION ALL
    SELECT g.n, d.account_id, d.debit_total - d.credit_total
      FROM edge g JOIN {DAY_BALANCE} d ON d.organization_id = %(org)s AND d.day BETWEEN g.lo AND g.hi
    UNION ALL
    SELECT r.n, l.account_id, CASE WHEN l.entry_type = 'DR' THEN -l.base_amount ELSE l.base_amount END
      FROM {YEAR} y
      JOIN {ENTRY} e ON e.id = y.closing_entry_id AND e.organization_id = %(org)s
      JOIN ranges r ON e.date BETWEEN r.lo AND r.hi
      JOIN {LINE} l ON l.organization_id = %(org)s AND l.entry_id = e.id
     WHERE y.organization_id = %(org)s
)
SELECT m.n,
       CASE WHEN a.account_type = ANY(%(cash)s) THEN '{CASH}'
            WHEN a.account_type = %(customer)s THEN '{RECEIVABLE}'
            WHEN a.account_type = %(supplier)s THEN '{PAYABLE}'
            WHEN g.nature = %(income)s THEN '{INCOME}'
            WHEN g.nature = %(expense)s THEN '{EXPENSE}' END AS kind,
       sum(m.balance)
  FROM moves m
  JOIN {ACCOUNT} a ON a.id = m.account_id AND a.organization_id = %(org)s
  JOIN {GROUP} g ON g.id = a.group_id
 GROUP BY 1, 2
"""  # noqa: S608 (model tables)


@dataclass(frozen=True)
class Totals:
    """The base currency (code, decimal places) and the debit − credit balance of each kind of account in each
    range, by range number (from 1)."""

    currency: str
    places: int
    balances: dict[tuple[int, str], Decimal]

    def of(self, n: int, kind: str) -> Decimal:
        return self.balances.get((n, kind), ZERO)


def range_totals(ranges: list[tuple[datetime.date, datetime.date]]) -> Totals:
    """Debit − credit of the cash and bank, receivable (CUSTOMER), payable (SUPPLIER), income and expense accounts
    over each range, without the year-end closing entries; with the base currency. Two queries."""
    params = {
        "org": require_org_id(),
        "los": [lo for lo, _ in ranges],
        "his": [hi for _, hi in ranges],
        "cash": CASH_TYPES,
        "customer": AccountType.CUSTOMER.value,
        "supplier": AccountType.SUPPLIER.value,
        "income": Nature.INCOME.value,
        "expense": Nature.EXPENSE.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS, params)
        rows = cursor.fetchall()
    return Totals(*_base_currency(), balances={(n, kind): money(balance) for n, kind, balance in rows if kind})


def _base_currency() -> tuple[str, int]:
    currency = current_organization().base_currency
    return currency.code, currency.decimal_places


def month_start(day: datetime.date, months_back: int = 0) -> datetime.date:
    """The first day of the month `months_back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Change:
    """A figure of this month against last month's: the difference and the percentage of last month's (None when
    last month's is zero)."""

    current: Decimal
    previous: Decimal

    @property
    def difference(self) -> Decimal:
        return self.current - self.previous

    @property
    def percent(self) -> Decimal | None:
        if self.previous == 0:
            return None
        return (self.difference * 100 / abs(self.previous)).quantize(Decimal("0.1"))

    @property
    def sign(self) -> str:
        """ "+" for a rise, "−" (minus sign) for a fall, "" when unchanged: shown before the magnitudes."""
        return "+" if self.difference > 0 else "−" if self.difference < 0 else ""

    @property
    def magnitude(self) -> Decimal:
        return abs(self.difference)

    @property
    def percent_magnitude(self) -> Decimal | None:
        return None if self.percent is None else abs(self.percent)


def _key_ranges(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    this_month, last_month = month_start(today), month_start(today, 1)
    return [(BEGINNING, today), (this_month, today), (last_month, this_month - datetime.timedelta(days=1))]


def _trend_ranges(today: datetime.date, months: int) -> list[tuple[datetime.date, datetime.date]]:
    starts = [month_start(today, back) for back in range(months - 1, -1, -1)]
    ends = [nxt - datetime.timedelta(days=1) for nxt in starts[1:]] + [today]
    return [(BEGINNING, starts[0] - datetime.timedelta(days=1)), *zip(starts, ends, strict=True)]


def _key_figures(totals: Totals, today: datetime.date) -> dict:
    def revenue(n: int) -> Decimal:
        return -totals.of(1 + n, INCOME)

    def profit(n: int) -> Decimal:
        return -totals.of(1 + n, INCOME) - totals.of(1 + n, EXPENSE)

    return {
        "currency": totals.currency,
        "places": totals.places,
        "as_of": today,
        "month": month_start(today),
        "previous_month": month_start(today, 1),
        "cash": totals.of(1, CASH),
        "receivables": totals.of(1, RECEIVABLE),
        "payables": -totals.of(1, PAYABLE),
        "revenue": Change(revenue(1), revenue(2)),
        "profit": Change(profit(1), profit(2)),
    }


def _monthly_trend(totals: Totals, today: datetime.date, months: int) -> dict:
    starts = [month_start(today, back) for back in range(months - 1, -1, -1)]
    cash = totals.of(1, CASH)
    rows = []
    for n, start in enumerate(starts, start=2):
        cash += totals.of(n, CASH)
        rows.append({"month": start, "revenue": -totals.of(n, INCOME), "expense": totals.of(n, EXPENSE), "cash": cash})
    return {"currency": totals.currency, "places": totals.places, "months": rows}


def key_figures(*, today: datetime.date) -> dict:
    """Cash (cash and bank accounts), receivables and payables as of `today`, each on its normal side; revenue
    (income, credit − debit) and profit (income − expense) of this month up to `today` against last month's."""
    return _key_figures(range_totals(_key_ranges(today)), today)


def monthly_trend(*, today: datetime.date, months: int = TREND_MONTHS) -> dict:
    """The last `months` months to `today`'s (which runs to `today`), oldest first: each month's revenue (income,
    credit − debit), expense (debit − credit) and the cash and bank balance at its end."""
    return _monthly_trend(range_totals(_trend_ranges(today, months)), today, months)


def overview(*, today: datetime.date, months: int = TREND_MONTHS) -> tuple[dict, dict]:
    """(key_figures, monthly_trend) of `today` from the trend's ranges alone (one query, `months` ≥ 2): the balances
    as of today are the sum of all its ranges, this month and last month its last two."""
    totals = range_totals(_trend_ranges(today, months))
    last = months + 1
    kinds = {kind for _n, kind in totals.balances}
    key = {}
    for kind in kinds:
        key[(1, kind)] = sum((totals.of(n, kind) for n in range(1, last + 1)), ZERO)
        key[(2, kind)], key[(3, kind)] = totals.of(last, kind), totals.of(last - 1, kind)
    key_totals = Totals(totals.currency, totals.places, key)
    return _key_figures(key_totals, today), _monthly_trend(totals, today, months)


def overdue_items(*, today: datetime.date, limit: int = OVERDUE_LIMIT) -> dict:
    """The receivable and payable bills past their due date on `today` (the aging report's open bills with days
    overdue > 0): the `limit` most overdue (then the largest), and the count and outstanding total of each kind.
    Three queries."""
    found, totals = [], {}
    for kind in ("receivable", "payable"):
        rows, count, total = overdue_bills(kind=kind, as_of=today, limit=limit)
        found += [dict(row, kind=kind) for row in rows]
        totals[kind] = {"count": count, "total": total}
    found.sort(key=lambda r: (-r["days_overdue"], -r["outstanding"], r["entry_number"]))
    currency, places = _base_currency()
    return {
        "currency": currency,
        "places": places,
        "as_of": today,
        "rows": found[:limit],
        "count": totals["receivable"]["count"] + totals["payable"]["count"],
        **totals,
    }
