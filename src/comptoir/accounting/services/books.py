"""The caches derived from the ledger, maintained in the posting transaction and provably equal to it
(`check_books()` lists every difference, `rebuild_balances()` recomputes them from the lines):

- the balances per (account, period) and per (account, day), spread over BALANCE_SLOTS rows each so concurrent
  postings do not queue on one hot row (DESIGN §6, ADR 0003): the trial balance, P&L and balance sheet;
- the cash-flow counterparts, the same two caches restricted to the non-cash lines of the entries that touch a cash
  or bank account: the cash flow statement (direct method);
- the open items, one row per bill on a receivable or payable account with what its settlements left outstanding:
  the aging and the dashboard's overdue bills.

Reports read whole periods from the period caches and the days of a cut period from the day caches, never the
lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from comptoir.accounting.constants import BALANCE_SLOTS, CASH_TYPES, LEDGER_STATUSES, OPEN_ITEM_SIDES, EntryType
from comptoir.accounting.models import (
    Account,
    AccountBalance,
    AccountDayBalance,
    CashFlowBalance,
    CashFlowDayBalance,
    JournalEntry,
    JournalLine,
    OpenItem,
)
from comptoir.platform.db import MAX_PARAMETERS, prepared_cursor
from comptoir.platform.ids import uuid7
from comptoir.platform.money import summed
from comptoir.platform.tenancy import current_user_id, require_org_id

ACCOUNT = Account._meta.db_table
BALANCE = AccountBalance._meta.db_table
DAY_BALANCE = AccountDayBalance._meta.db_table
CASH_FLOW = CashFlowBalance._meta.db_table
CASH_FLOW_DAY = CashFlowDayBalance._meta.db_table
OPEN_ITEM = OpenItem._meta.db_table
LINE = JournalLine._meta.db_table
ENTRY = JournalEntry._meta.db_table

# The line's amount signed on its account's bill side (positive for a bill, negative for a payment).
_SIDE = "CASE a.account_type " + " ".join(f"WHEN '{t}' THEN '{s}'" for t, s in OPEN_ITEM_SIDES.items()) + " END"
_SIGNED = f"CASE WHEN l.entry_type = {_SIDE} THEN l.base_amount ELSE -l.base_amount END"


def _upsert(table: str, bucket: str) -> str:
    return (
        f"INSERT INTO {table} (id, organization_id, created_at, updated_at, created_by_id, updated_by_id, "  # noqa: S608 (model tables)
        f"account_id, {bucket}, slot, debit_total, credit_total) VALUES {{values}} "
        f"ON CONFLICT (organization_id, account_id, {bucket}, slot) DO UPDATE SET "
        f"debit_total = {table}.debit_total + EXCLUDED.debit_total, "
        f"credit_total = {table}.credit_total + EXCLUDED.credit_total, updated_at = EXCLUDED.updated_at"
    )


_BILLS = (
    f"INSERT INTO {OPEN_ITEM} (id, organization_id, created_at, updated_at, created_by_id, updated_by_id, "  # noqa: S608 (model table)
    "account_id, entry_id, account_type, bill_date, due_date, amount, outstanding) VALUES {values}"
)
# Settlements: the bills' rows locked in a fixed order, then each one's outstanding amount and latest settlement.
_SETTLEMENTS = f"""
WITH s (entry_id, account_id, amount, day) AS (VALUES {{values}}),
locked AS (
    SELECT o.id FROM {OPEN_ITEM} o JOIN s ON s.entry_id = o.entry_id AND s.account_id = o.account_id
     WHERE o.organization_id = %s ORDER BY o.id FOR UPDATE OF o
)
UPDATE {OPEN_ITEM} o SET outstanding = o.outstanding + s.amount, updated_at = now(),
       last_settled_on = greatest(o.last_settled_on, s.day)
  FROM s, locked k
 WHERE o.id = k.id AND s.entry_id = o.entry_id AND s.account_id = o.account_id
"""  # noqa: S608 (model table)


def _per_account(lines) -> dict:
    totals: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        totals[line.account_id][0 if line.entry_type == EntryType.DEBIT else 1] += line.base_amount
    return totals


def record_posting(*, entry: JournalEntry, lines) -> None:
    """Add a posted entry to every cache: its accounts' balances, its cash-flow counterparts when it touches cash,
    its bills and settlements. `lines` have their accounts loaded. Rows are written in key order (a fixed lock
    order); call it after every other write but the number, holding the books' shared lock (`SHARED_BOOKS_LOCK`,
    which the read of the books, `journal._books_of`, takes)."""
    org_id, user_id = require_org_id(), current_user_id()
    row = f"(%s, %s, now(), now(), %s, %s, %s, %s, pg_backend_pid() %% {BALANCE_SLOTS}, %s, %s)"
    writes: list[tuple[str, str, list]] = []  # (statement with {values}, a row's placeholders, the rows' params)

    def add(table: str, bucket: str, key, totals: dict) -> None:
        if totals:
            rows = [
                [uuid7(), org_id, user_id, user_id, account_id, key, *totals[account_id]]
                for account_id in sorted(totals, key=str)
            ]
            writes.append((_upsert(table, bucket), row, rows))

    totals = _per_account(lines)
    add(BALANCE, "fiscal_period_id", entry.fiscal_period_id, totals)
    add(DAY_BALANCE, "day", entry.date, totals)
    if any(line.account.account_type in CASH_TYPES for line in lines):
        counterparts = _per_account([line for line in lines if line.account.account_type not in CASH_TYPES])
        add(CASH_FLOW, "fiscal_period_id", entry.fiscal_period_id, counterparts)
        add(CASH_FLOW_DAY, "day", entry.date, counterparts)
    bills, settlements = _open_items(entry, lines)
    if bills:
        rows = []
        for account_id in sorted(bills, key=str):
            account_type, amount, due = bills[account_id]
            rows.append(
                [uuid7(), org_id, user_id, user_id, account_id, entry.pk, account_type, entry.date, due, amount, amount]
            )
        writes.append((_BILLS, "(%s, %s, now(), now(), %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows))
    if not writes:
        return
    statements = _statements(writes)
    with prepared_cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        if settlements:
            values, params = [], []
            for (bill_id, account_id), amount in settlements.items():
                values.append("(%s::uuid, %s::uuid, %s::numeric, %s::date)")
                params += [bill_id, account_id, amount, entry.date]
            cursor.execute(_SETTLEMENTS.format(values=", ".join(values)), [*params, org_id])


def _statements(writes: list[tuple[str, str, list]]) -> list[tuple[str, list]]:
    """The cache writes as one statement (the others as data-modifying CTEs of the last one) — or, for an entry
    whose rows exceed the 65,535 parameters of a statement (a payroll run's line per employee), as several
    statements of at most that many, in the same key order."""
    parts = []
    for template, row, rows in writes:
        per_statement = MAX_PARAMETERS // len(rows[0])
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            parts.append((template.format(values=", ".join([row] * len(chunk))), [p for r in chunk for p in r]))
    if sum(len(params) for _sql, params in parts) > MAX_PARAMETERS:
        return parts
    ctes = ", ".join(f"c{i} AS ({sql})" for i, (sql, _params) in enumerate(parts[:-1]))
    sql = f"WITH {ctes} {parts[-1][0]}" if ctes else parts[-1][0]
    return [(sql, [p for _sql, params in parts for p in params])]


def _open_items(entry: JournalEntry, lines) -> tuple[dict, dict]:
    """The entry's lines on receivable and payable accounts: ({account id: [account type, amount, earliest due
    date]} of the bill those that settle nothing make on their account, {(bill entry id, account id): amount} of
    those that reduce what a bill has outstanding), amounts signed on the account's bill side."""
    bills: dict = {}
    settlements: dict = defaultdict(Decimal)
    for line in lines:
        account_type = line.account.account_type
        if account_type not in OPEN_ITEM_SIDES:
            continue
        signed = line.base_amount if line.entry_type == OPEN_ITEM_SIDES[account_type] else -line.base_amount
        if line.against_entry_id:
            settlements[(line.against_entry_id, line.account_id)] += signed
            continue
        due = line.due_date or entry.date
        bill = bills.setdefault(line.account_id, [account_type, Decimal(0), due])
        bill[1] += signed
        bill[2] = min(bill[2], due)
    return bills, settlements


def books_lock_key(org_id) -> str:
    """The key of the organization's books lock, held to the end of the transaction: postings take it shared
    (`SHARED_BOOKS_LOCK`, with `books_lock_key(org)` as %(books_lock)s; they never wait for each other),
    `rebuild_balances()` exclusively. Other organizations are never blocked."""
    return f"accounting.books:{org_id}"


SHARED_BOOKS_LOCK = "pg_advisory_xact_lock_shared(hashtextextended(%(books_lock)s, 0))"


@dataclass(frozen=True)
class BookDifference:
    """A cache row that differs from the ledger. For the balance caches, debit and credit totals; for an open item
    (`bucket` is the bill's entry), debit is the bill's amount and credit what is outstanding."""

    cache: str  # "period", "day", "cash_flow", "cash_flow_day" or "open_item"
    account_id: object
    bucket: object  # the fiscal period id, the day, or the bill's entry id
    ledger_debit: Decimal
    ledger_credit: Decimal
    cache_debit: Decimal
    cache_credit: Decimal


# The non-cash lines of entries that touch a cash or bank account: the cash flow's counterparts.
_COUNTERPARTS_ONLY = f"""
   AND NOT EXISTS (SELECT 1 FROM {ACCOUNT} a WHERE a.id = l.account_id AND a.account_type = ANY(%(cash)s))
   AND EXISTS (SELECT 1 FROM {LINE} c JOIN {ACCOUNT} a ON a.id = c.account_id AND a.account_type = ANY(%(cash)s)
                WHERE c.organization_id = l.organization_id AND c.entry_id = l.entry_id)
"""  # noqa: S608 (model tables)


def _ledger(bucket: str, only: str = "") -> str:
    """Posted totals per account and `bucket` (an expression over the line `l` and its entry `e`)."""
    return f"""
SELECT l.account_id, {bucket} AS bucket,
       COALESCE(sum(l.base_amount) FILTER (WHERE l.entry_type = 'DR'), 0) AS debit,
       COALESCE(sum(l.base_amount) FILTER (WHERE l.entry_type = 'CR'), 0) AS credit
  FROM {LINE} l JOIN {ENTRY} e ON e.id = l.entry_id AND e.organization_id = l.organization_id
 WHERE l.organization_id = %(org)s AND e.status = ANY(%(statuses)s) {only}
 GROUP BY l.account_id, {bucket}
"""  # noqa: S608 (model tables)


def _check(table: str, bucket_column: str, ledger: str) -> str:
    return f"""
WITH ledger AS ({ledger}),
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


def _rebuild(table: str, bucket_column: str, ledger: str) -> str:
    return f"""
INSERT INTO {table} (id, organization_id, created_at, updated_at, account_id, {bucket_column}, slot,
                     debit_total, credit_total)
SELECT gen_random_uuid(), %(org)s, now(), now(), account_id, bucket, 0, debit, credit FROM ({ledger}) t
"""  # noqa: S608 (model tables)


# (cache name, table, its bucket column, the same totals over the ledger)
CACHES = (
    ("period", BALANCE, "fiscal_period_id", _ledger("e.fiscal_period_id")),
    ("day", DAY_BALANCE, "day", _ledger("l.entry_date")),
    ("cash_flow", CASH_FLOW, "fiscal_period_id", _ledger("e.fiscal_period_id", _COUNTERPARTS_ONLY)),
    ("cash_flow_day", CASH_FLOW_DAY, "day", _ledger("l.entry_date", _COUNTERPARTS_ONLY)),
)

# The open items over the ledger: per (entry, account) of a receivable or payable account, the lines that settle
# nothing (the bill) and the lines against that entry on that account (its settlements).
_OPEN_ITEMS = f"""
WITH bills AS (
    SELECT l.entry_id, l.account_id, a.account_type, min(l.entry_date) AS bill_date,
           min(COALESCE(l.due_date, l.entry_date)) AS due_date, sum({_SIGNED}) AS amount
      FROM {LINE} l
      JOIN {ACCOUNT} a ON a.id = l.account_id AND a.account_type = ANY(%(open_types)s)
      JOIN {ENTRY} e ON e.id = l.entry_id AND e.status = ANY(%(statuses)s)
     WHERE l.organization_id = %(org)s AND l.against_entry_id IS NULL
     GROUP BY l.entry_id, l.account_id, a.account_type
), settled AS (
    SELECT l.against_entry_id AS entry_id, l.account_id, sum({_SIGNED}) AS amount, max(l.entry_date) AS last
      FROM {LINE} l
      JOIN {ACCOUNT} a ON a.id = l.account_id AND a.account_type = ANY(%(open_types)s)
      JOIN {ENTRY} e ON e.id = l.entry_id AND e.status = ANY(%(statuses)s)
     WHERE l.organization_id = %(org)s AND l.against_entry_id IS NOT NULL
     GROUP BY l.against_entry_id, l.account_id
)
SELECT b.entry_id, b.account_id, b.account_type, b.bill_date, b.due_date, b.amount,
       b.amount + COALESCE(s.amount, 0) AS outstanding, s.last AS last_settled_on
  FROM bills b LEFT JOIN settled s ON s.entry_id = b.entry_id AND s.account_id = b.account_id
"""  # noqa: S608 (model tables)

_CHECK_OPEN_ITEMS = f"""
WITH ledger AS ({_OPEN_ITEMS}),
cache AS (
    SELECT entry_id, account_id, bill_date, due_date, amount, outstanding, last_settled_on
      FROM {OPEN_ITEM} WHERE organization_id = %(org)s
)
SELECT COALESCE(l.account_id, c.account_id), COALESCE(l.entry_id, c.entry_id),
       COALESCE(l.amount, 0), COALESCE(l.outstanding, 0), COALESCE(c.amount, 0), COALESCE(c.outstanding, 0)
  FROM ledger l FULL OUTER JOIN cache c ON c.entry_id = l.entry_id AND c.account_id = l.account_id
 WHERE (l.amount, l.outstanding, l.bill_date, l.due_date, l.last_settled_on)
       IS DISTINCT FROM (c.amount, c.outstanding, c.bill_date, c.due_date, c.last_settled_on)
 ORDER BY 1, 2
"""  # noqa: S608 (model tables)

_REBUILD_OPEN_ITEMS = f"""
INSERT INTO {OPEN_ITEM} (id, organization_id, created_at, updated_at, entry_id, account_id, account_type, bill_date,
                         due_date, amount, outstanding, last_settled_on)
SELECT gen_random_uuid(), %(org)s, now(), now(), t.* FROM ({_OPEN_ITEMS}) t
"""  # noqa: S608 (model table)


def _params() -> dict:
    return {
        "org": require_org_id(),
        "statuses": LEDGER_STATUSES,
        "cash": CASH_TYPES,
        "open_types": list(OPEN_ITEM_SIDES),
    }


def check_books() -> list[BookDifference]:
    """Every cache row whose figures differ from the posted lines (balances per account and period or day, cash-flow
    counterparts, open items); empty when the books hold. For the organization in context."""
    params = _params()
    out = []
    with connection.cursor() as cursor:
        for name, table, column, ledger in CACHES:
            cursor.execute(_check(table, column, ledger), params)
            out += [
                BookDifference(name, account, bucket, *(summed(v) for v in amounts))
                for account, bucket, *amounts in cursor.fetchall()
            ]
        cursor.execute(_CHECK_OPEN_ITEMS, params)
        out += [
            BookDifference("open_item", account, entry, *(summed(v) for v in amounts))
            for account, entry, *amounts in cursor.fetchall()
        ]
    return out


def rebuild_balances() -> int:
    """Recompute the organization's caches from the ledger (one row per key, slot 0); returns the number of rows
    written. Holds the organization's books lock exclusively: it waits for the postings in flight and holds new
    ones back until it commits; other organizations post meanwhile."""
    params = _params()
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [books_lock_key(params["org"])])
        for _name, table, column, ledger in CACHES:
            cursor.execute(f"DELETE FROM {table} WHERE organization_id = %(org)s", params)  # noqa: S608 (model table)
            cursor.execute(_rebuild(table, column, ledger), params)
            written += cursor.rowcount
        cursor.execute(f"DELETE FROM {OPEN_ITEM} WHERE organization_id = %(org)s", params)  # noqa: S608 (model table)
        cursor.execute(_REBUILD_OPEN_ITEMS, params)
        written += cursor.rowcount
    return written
