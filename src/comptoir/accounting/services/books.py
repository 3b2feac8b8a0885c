"""The balance caches: per (account, period) and per (account, day), maintained in the posting transaction, spread
over BALANCE_SLOTS rows each so concurrent postings do not queue on one hot row (DESIGN §6), and provably equal to
the ledger: `check_books()` lists every difference, `rebuild_balances()` recomputes both caches from the lines.
Reports read whole periods from the first and the days of a cut period from the second, never the lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from comptoir.accounting.constants import BALANCE_SLOTS, LEDGER_STATUSES
from comptoir.accounting.models import AccountBalance, AccountDayBalance, JournalEntry, JournalLine
from comptoir.platform.db import prepared_cursor
from comptoir.platform.ids import uuid7
from comptoir.platform.money import summed
from comptoir.platform.tenancy import current_user_id, require_org_id

BALANCE = AccountBalance._meta.db_table
DAY_BALANCE = AccountDayBalance._meta.db_table
LINE = JournalLine._meta.db_table
ENTRY = JournalEntry._meta.db_table


def _upsert(table: str, bucket: str, key: tuple[str, ...]) -> str:
    return (
        f"INSERT INTO {table} (id, organization_id, created_at, updated_at, created_by_id, updated_by_id, "  # noqa: S608 (model tables)
        f"account_id, {bucket}, slot, debit_total, credit_total) VALUES {{values}} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        f"debit_total = {table}.debit_total + EXCLUDED.debit_total, "
        f"credit_total = {table}.credit_total + EXCLUDED.credit_total, updated_at = EXCLUDED.updated_at"
    )


_UPSERT_PERIOD = _upsert(BALANCE, "fiscal_period_id", ("organization_id", "account_id", "fiscal_period_id", "slot"))
_UPSERT_DAY = _upsert(DAY_BALANCE, "day", ("organization_id", "account_id", "day", "slot"))


def add_to_balances(*, period_id, day, totals: dict) -> None:
    """Add {account_id: (debit, credit)} to the cache rows of `period_id` and of `day` on this backend's slot. One
    statement, rows in account order (a fixed lock order); call it after every other write but the number."""
    if not totals:
        return
    org_id, user_id = require_org_id(), current_user_id()
    row = "(%s, %s, now(), now(), %s, %s, %s, %s, pg_backend_pid() %% " + str(BALANCE_SLOTS) + ", %s, %s)"
    values = ", ".join([row] * len(totals))
    period_params, day_params = [], []
    for account_id in sorted(totals, key=str):
        debit, credit = totals[account_id]
        period_params += [uuid7(), org_id, user_id, user_id, account_id, period_id, debit, credit]
        day_params += [uuid7(), org_id, user_id, user_id, account_id, day, debit, credit]
    sql = f"WITH period AS ({_UPSERT_PERIOD.format(values=values)}) {_UPSERT_DAY.format(values=values)}"
    with prepared_cursor() as cursor:
        _lock_books(cursor, org_id, shared=True)
        cursor.execute(sql, period_params + day_params)


def _lock_books(cursor, org_id, *, shared: bool) -> None:
    """The organization's books lock, held to the end of the transaction: postings take it shared (they never wait
    for each other), `rebuild_balances()` exclusively. Other organizations are never blocked."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    cursor.execute(f"SELECT {function}(hashtextextended(%s, 0))", [f"accounting.books:{org_id}"])


@dataclass(frozen=True)
class BookDifference:
    cache: str  # "period" or "day"
    account_id: object
    bucket: object  # the fiscal period id, or the day
    ledger_debit: Decimal
    ledger_credit: Decimal
    cache_debit: Decimal
    cache_credit: Decimal


def _ledger(bucket: str) -> str:
    """Posted totals per account and `bucket` (an expression over the line `l` and its entry `e`)."""
    return f"""
SELECT l.account_id, {bucket} AS bucket,
       COALESCE(sum(l.base_amount) FILTER (WHERE l.entry_type = 'DR'), 0) AS debit,
       COALESCE(sum(l.base_amount) FILTER (WHERE l.entry_type = 'CR'), 0) AS credit
  FROM {LINE} l JOIN {ENTRY} e ON e.id = l.entry_id AND e.organization_id = l.organization_id
 WHERE l.organization_id = %(org)s AND e.status = ANY(%(statuses)s)
 GROUP BY l.account_id, {bucket}
"""  # noqa: S608 (model tables)


def _check(table: str, bucket_column: str, ledger_bucket: str) -> str:
    return f"""
WITH ledger AS ({_ledger(ledger_bucket)}),
cache AS (
    SELECT account_id, {bucket_column} AS bucket, sum(debit_total) AS debit, sum(credit_total) AS credit
      FROM {table} WHERE organization_id = %(org)s GROUP BY account_id, {bucket_column}
)
SELECT COALESCE(l.account_id, c.account_id), COALESCE(l.bucket, c.bucket),
       COALESCE(l.debit, 0), COALESCE(l.credit, 0), COALESCE(c.debit, 0), COALESCE(c.credit, 0)
  FROM ledger l FULL OUTER JOIN cache c ON c.account_id = l.account_id AND c.bucket = l.bucket
 WHERE COALESCE(l.debit, 0) <> COALESCE(c.debit, 0) OR COALESCE(l.credit, 0) <> COALESCE(c.credit, 0)
 ORDER BY 1, 2
"""  # noqa: S608 (model tables)


def _rebuild(table: str, bucket_column: str, ledger_bucket: str) -> str:
    return f"""
INSERT INTO {table} (id, organization_id, created_at, updated_at, account_id, {bucket_column}, slot,
                     debit_total, credit_total)
SELECT gen_random_uuid(), %(org)s, now(), now(), account_id, bucket, 0, debit, credit FROM ({_ledger(ledger_bucket)}) t
"""  # noqa: S608 (model tables)


# (cache name, table, its bucket column, the same bucket over the ledger)
CACHES = (
    ("period", BALANCE, "fiscal_period_id", "e.fiscal_period_id"),
    ("day", DAY_BALANCE, "day", "l.entry_date"),
)


def check_books() -> list[BookDifference]:
    """Every (account, period) and (account, day) whose cached totals differ from the sum of its posted lines;
    empty when the books hold. For the organization in context."""
    params = {"org": require_org_id(), "statuses": LEDGER_STATUSES}
    out = []
    with connection.cursor() as cursor:
        for name, table, column, bucket in CACHES:
            cursor.execute(_check(table, column, bucket), params)
            out += [
                BookDifference(name, account, bucket, *(summed(v) for v in amounts))
                for account, bucket, *amounts in cursor.fetchall()
            ]
    return out


def rebuild_balances() -> int:
    """Recompute the organization's caches from the ledger (one row per account and period or day, slot 0);
    returns the number of rows written. Holds the organization's books lock exclusively: it waits for the postings
    in flight and holds new ones back until it commits; other organizations post meanwhile."""
    params = {"org": require_org_id(), "statuses": LEDGER_STATUSES}
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_books(cursor, params["org"], shared=False)
        for _name, table, column, bucket in CACHES:
            cursor.execute(f"DELETE FROM {table} WHERE organization_id = %(org)s", params)  # noqa: S608 (model table)
            cursor.execute(_rebuild(table, column, bucket), params)
            written += cursor.rowcount
    return written
