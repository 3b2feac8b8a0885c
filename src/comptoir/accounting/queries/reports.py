"""Financial statements from the account-period balance cache: trial balance, profit and loss, balance sheet.

A report costs O(accounts × periods), not O(lines) (DESIGN §6): whole fiscal periods inside the asked range are
read from AccountBalance (summed over its slots); the part of a period the range cuts through from AccountDayBalance
(its days). Lines count when their entry is POSTED or REVERSED (a reversal is its own posted entry),
the rule the cache follows. Balances are cumulative over every year; a year close zeroes the P&L accounts with a
CLOSING entry, so the P&L accounts' cumulative balance is the earnings not closed yet.

Signs: an account's `balance` is debit − credit. Income and liabilities/equity are shown credit-positive
(credit − debit), assets and expenses debit-positive."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from comptoir.accounting.constants import DEBIT_NATURES, Nature
from comptoir.accounting.models import (
    Account,
    AccountBalance,
    AccountDayBalance,
    AccountGroup,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
)
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.money import summed
from comptoir.platform.tenancy import require_org_id

ZERO = Decimal("0.00")
BEGINNING = datetime.date(1, 1, 1)
ACCOUNT = Account._meta.db_table
GROUP = AccountGroup._meta.db_table
BALANCE = AccountBalance._meta.db_table
DAY_BALANCE = AccountDayBalance._meta.db_table
PERIOD = FiscalPeriod._meta.db_table
ENTRY = JournalEntry._meta.db_table
LINE = JournalLine._meta.db_table
YEAR = FiscalYear._meta.db_table


def movements_sql(period_table: str, day_table: str) -> str:
    """Debit and credit totals per account over [lo, hi] from a pair of caches (services/books.py): the period cache
    for the periods inside the range, plus the day cache for the days of the (at most two) periods the range cuts
    through. No journal line is read. `{closing}` is left for the caller; `%(account)s`, when not null, restricts the
    totals to that account."""
    only = "AND (%(account)s::uuid IS NULL OR {alias}.account_id = %(account)s)"
    return f"""
WITH edge AS (
    SELECT greatest(p.start_date, %(lo)s) AS lo, least(p.end_date, %(hi)s) AS hi
      FROM {PERIOD} p
     WHERE p.organization_id = %(org)s AND p.start_date <= %(hi)s AND p.end_date >= %(lo)s
       AND (p.start_date < %(lo)s OR p.end_date > %(hi)s)
), moves AS (
    SELECT b.account_id, b.debit_total AS debit, b.credit_total AS credit
      FROM {period_table} b JOIN {PERIOD} p ON p.id = b.fiscal_period_id
     WHERE b.organization_id = %(org)s AND p.organization_id = %(org)s
       AND p.start_date >= %(lo)s AND p.end_date <= %(hi)s {only.format(alias="b")}
    UNION ALL
    SELECT d.account_id, d.debit_total, d.credit_total
      FROM edge g JOIN {day_table} d ON d.organization_id = %(org)s AND d.day BETWEEN g.lo AND g.hi
     WHERE true {only.format(alias="d")}
    {{closing}}
)
SELECT account_id, sum(debit) AS debit, sum(credit) AS credit FROM moves GROUP BY account_id
"""  # noqa: S608 (model tables)


MOVEMENTS = movements_sql(BALANCE, DAY_BALANCE)

# For the profit and loss: take the year-end closing entries dated in the range back out — the entries the closed
# fiscal years point to (a reopened year's closing entry is cancelled by its reversal already).
_WITHOUT_CLOSING = f"""
    UNION ALL
    SELECT l.account_id,
           CASE WHEN l.entry_type = 'DR' THEN -l.base_amount ELSE 0 END,
           CASE WHEN l.entry_type = 'CR' THEN -l.base_amount ELSE 0 END
      FROM {YEAR} y
      JOIN {ENTRY} e ON e.id = y.closing_entry_id AND e.organization_id = %(org)s
      JOIN {LINE} l ON l.organization_id = e.organization_id AND l.entry_id = e.id
     WHERE y.organization_id = %(org)s AND e.date BETWEEN %(lo)s AND %(hi)s
       AND (%(account)s::uuid IS NULL OR l.account_id = %(account)s)
"""  # noqa: S608 (model tables)

# MATERIALIZED: the totals are computed once, whatever the planner guesses of the rows row-level security filters.
_ACCOUNT_MOVEMENTS = f"""
WITH m AS MATERIALIZED ({MOVEMENTS})
SELECT a.id, a.code, a.name, a.account_type, g.code, g.name, g.nature, g.path,
       COALESCE(m.debit, 0), COALESCE(m.credit, 0)
  FROM m
  JOIN {ACCOUNT} a ON a.id = m.account_id AND a.organization_id = %(org)s
  JOIN {GROUP} g ON g.id = a.group_id
 ORDER BY g.path, a.code
"""  # noqa: S608 (model tables)


@dataclass(frozen=True)
class AccountTotal:
    account_id: object
    code: str
    name: str
    account_type: str
    group: str
    group_name: str
    nature: str
    path: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        """Debit − credit."""
        return self.debit - self.credit

    @property
    def natural(self) -> Decimal:
        """The balance on the nature's normal side: debit − credit for assets and expenses, else credit − debit."""
        return self.balance if self.nature in DEBIT_NATURES else -self.balance


def money(value) -> Decimal:
    """A sum of base amounts as is (each line is rounded to the base currency when posted), trimmed."""
    return summed(value)


def parse_date(value, field: str, *, required: bool = True) -> datetime.date | None:
    """A date or ISO date string; refusals name the field (codes `required`, `invalid_date`)."""
    if value is None or value == "":
        if required:
            raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("%(field)s is not a date (YYYY-MM-DD)") % {"field": field}, code="invalid_date", field=field
        ) from None


def date_range(date_from, date_to) -> tuple[datetime.date, datetime.date]:
    lo, hi = parse_date(date_from, "date_from"), parse_date(date_to, "date_to")
    if lo > hi:
        raise ValidationFailed(_("date_from must not be after date_to"), code="invalid_range", field="date_to")
    return lo, hi


def account_movements(
    lo: datetime.date, hi: datetime.date, *, account_id=None, without_closing: bool = False
) -> list[AccountTotal]:
    """Debit and credit totals of every account (or of `account_id`) with posted lines dated in [lo, hi], in chart
    order; `without_closing` leaves the year-end closing entries out. One query."""
    params = {"org": require_org_id(), "lo": lo, "hi": hi, "account": account_id}
    sql = _ACCOUNT_MOVEMENTS.format(closing=_WITHOUT_CLOSING if without_closing else "")
    with connection.cursor() as cursor:
        # A few thousand cache rows: starting parallel workers would cost more than they save. Sent with the query
        # in one round trip (one implicit transaction when none is open, so the setting ends with it).
        cursor.execute(f"SET LOCAL max_parallel_workers_per_gather = 0; {sql}", params)
        cursor.nextset()
        return [AccountTotal(*row[:8], money(row[8]), money(row[9])) for row in cursor.fetchall()]


def account_balances(as_of: datetime.date) -> list[AccountTotal]:
    """Cumulative totals of every account up to and including `as_of`, over all years."""
    return account_movements(BEGINNING, as_of)


def _groups_of(rows: list[AccountTotal]) -> list[dict]:
    """Subtotals of every group of the tree that holds one of `rows` (directly or below), in tree order."""
    paths = {p for r in rows for p in _ancestors(r.path)}
    groups = AccountGroup.objects.filter(path__in=paths).order_by("path").values("code", "name", "path", "nature")
    out = []
    for group in groups:
        inside = [r for r in rows if r.path.startswith(group["path"])]
        debit = sum((r.debit for r in inside), ZERO)
        credit = sum((r.credit for r in inside), ZERO)
        out.append(
            {
                "group": group["code"],
                "name": group["name"],
                "path": group["path"],
                "nature": group["nature"],
                "depth": group["path"].count("/") - 2,
                "debit": max(debit - credit, ZERO),
                "credit": max(credit - debit, ZERO),
                "balance": debit - credit,
            }
        )
    return out


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def trial_balance(*, as_of, by_group: bool = False) -> dict:
    """Every account with a non-zero balance as of `as_of`, its balance in the debit or the credit column, in
    account-tree order; the two columns' totals are equal. `by_group` adds the subtotal of each group."""
    day = parse_date(as_of, "as_of")
    rows = [r for r in account_balances(day) if r.balance != 0]
    report = {
        "as_of": day,
        "rows": [
            {
                "account": r.code,
                "account_id": r.account_id,
                "name": r.name,
                "group": r.group,
                "group_name": r.group_name,
                "nature": r.nature,
                "debit": max(r.balance, ZERO),
                "credit": max(-r.balance, ZERO),
                "balance": r.balance,
            }
            for r in rows
        ],
    }
    report["totals"] = {
        "debit": sum((row["debit"] for row in report["rows"]), ZERO),
        "credit": sum((row["credit"] for row in report["rows"]), ZERO),
    }
    if by_group:
        report["groups"] = _groups_of(rows)
    return report


def _statement_rows(rows: list[AccountTotal]) -> list[dict]:
    return [
        {
            "account": r.code,
            "account_id": r.account_id,
            "name": r.name,
            "group": r.group,
            "nature": r.nature,
            "amount": r.natural,
        }
        for r in rows
    ]


def _total(rows: list[AccountTotal], *natures: str) -> Decimal:
    return sum((r.natural for r in rows if r.nature in natures), ZERO)


def profit_and_loss(*, date_from, date_to) -> dict:
    """Income (credit − debit) and expense (debit − credit) accounts' movements dated in [date_from, date_to];
    net_profit = income − expense. The year-end closing entries are left out: a range that spans a year close
    still shows that year's result, not its transfer to retained earnings."""
    lo, hi = date_range(date_from, date_to)
    moves = account_movements(lo, hi, without_closing=True)
    rows = [r for r in moves if r.nature in (Nature.INCOME, Nature.EXPENSE) and r.balance != 0]
    income, expense = _total(rows, Nature.INCOME), _total(rows, Nature.EXPENSE)
    return {
        "date_from": lo,
        "date_to": hi,
        "income": income,
        "expense": expense,
        "net_profit": income - expense,
        "rows": _statement_rows(rows),
    }


def balance_sheet(*, as_of) -> dict:
    """Assets (debit − credit), liabilities and equity (credit − debit) as of `as_of`, plus current_earnings: the
    cumulative balance of the income and expense accounts not yet closed into equity. Since every posted entry
    balances, assets = liabilities + equity + current_earnings to the cent."""
    day = parse_date(as_of, "as_of")
    rows = [r for r in account_balances(day) if r.balance != 0]
    sheet = [r for r in rows if r.nature in (Nature.ASSET, Nature.LIABILITY, Nature.EQUITY)]
    return {
        "as_of": day,
        "assets": _total(rows, Nature.ASSET),
        "liabilities": _total(rows, Nature.LIABILITY),
        "equity": _total(rows, Nature.EQUITY),
        "current_earnings": _total(rows, Nature.INCOME) - _total(rows, Nature.EXPENSE),
        "rows": _statement_rows(sheet),
    }


# Comparisons of the statement pages: none, the previous period, the previous year.
COMPARISONS = ("period", "year")


def chart_groups() -> list[dict]:
    """Every group of the chart, in tree order: code, name, nature, path. One query."""
    return list(AccountGroup.objects.order_by("path").values("code", "name", "nature", "path"))


def chart_accounts() -> list[tuple[str, str]]:
    """(code, name) of every active account, in code order. One query."""
    return list(Account.objects.filter(is_active=True).order_by("code").values_list("code", "name"))


def fiscal_year_start(day: datetime.date) -> datetime.date:
    """The first day of the fiscal year that holds `day`, else 1 January of its year. One query."""
    start = FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).values_list("start_date", flat=True)
    return start.first() or day.replace(month=1, day=1)


def _year_back(day: datetime.date) -> datetime.date:
    """The same date a year earlier; 29 February becomes 28 February."""
    return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else day.day))


def _month_back(day: datetime.date) -> datetime.date:
    """The same day a month earlier, clamped to that month's end; a month's last day gives the previous month's."""
    first = day.replace(day=1)
    previous_end = first - datetime.timedelta(days=1)
    if (day + datetime.timedelta(days=1)).month != day.month:
        return previous_end
    return previous_end.replace(day=min(day.day, previous_end.day))


def comparison_range(lo: datetime.date, hi: datetime.date, compare: str) -> tuple[datetime.date, datetime.date]:
    """The range [lo, hi] is compared with: `period`, the as many days right before lo; `year`, the same dates a
    year earlier."""
    if compare == "period":
        return lo - (hi - lo) - datetime.timedelta(days=1), lo - datetime.timedelta(days=1)
    return _year_back(lo), _year_back(hi)


def comparison_day(day: datetime.date, compare: str) -> datetime.date:
    """The date a balance as of `day` is compared with: `period`, a month earlier (a fiscal period is a month);
    `year`, a year earlier."""
    return _month_back(day) if compare == "period" else _year_back(day)
