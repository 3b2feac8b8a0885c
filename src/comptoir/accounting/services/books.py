"""The account-period balance cache: maintained in the posting transaction, spread over BALANCE_SLOTS rows per
(account, period) so concurrent postings do not queue on one hot row (DESIGN §6), and provably equal to the
ledger: `check_books()` lists every difference, `rebuild_balances()` recomputes the cache from the lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from comptoir.accounting.constants import BALANCE_SLOTS, EntryStatus
from comptoir.accounting.models import AccountBalance, JournalEntry, JournalLine
from comptoir.platform.ids import uuid7
from comptoir.platform.tenancy import current_user_id, require_org_id

BALANCE = AccountBalance._meta.db_table
LINE = JournalLine._meta.db_table
ENTRY = JournalEntry._meta.db_table
LEDGER_STATUSES = [EntryStatus.POSTED.value, EntryStatus.REVERSED.value]  # entries whose lines are in the ledger


def add_to_balances(*, period_id, totals: dict) -> None:
    """Add {account_id: (debit, credit)} to the cache rows of `period_id` on this backend's slot. One statement,
    rows in account order (a fixed lock order); call it after every other write but the number."""
    if not totals:
        return
    org_id, user_id = require_org_id(), current_user_id()
    values, params = [], []
    for account_id in sorted(totals, key=str):
        debit, credit = totals[account_id]
        values.append("(%s, %s, now(), now(), %s, %s, %s, %s, pg_backend_pid() %% " + str(BALANCE_SLOTS) + ", %s, %s)")
        params += [uuid7(), org_id, user_id, user_id, account_id, period_id, debit, credit]
    sql = (
        f"INSERT INTO {BALANCE} (id, organization_id, created_at, updated_at, created_by_id, updated_by_id, "  # noqa: S608 (model table)
        "account_id, fiscal_period_id, slot, debit_total, credit_total) VALUES "
        + ", ".join(values)
        + f" ON CONFLICT (organization_id, account_id, fiscal_period_id, slot) DO UPDATE SET "
        f"debit_total = {BALANCE}.debit_total + EXCLUDED.debit_total, "
        f"credit_total = {BALANCE}.credit_total + EXCLUDED.credit_total, updated_at = EXCLUDED.updated_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@dataclass(frozen=True)
class BookDifference:
    account_id: object
    fiscal_period_id: object
    ledger_debit: Decimal
    ledger_credit: Decimal
    cache_debit: Decimal
    cache_credit: Decimal


_LEDGER = f"""
SELECT l.account_id, e.fiscal_period_id,
       COALESCE(sum(l.base_amount) FILTER (WHERE l.entry_type = 'DR'), 0) AS debit,
       COALESCE(sum(l.base_amount) FILTER (WHERE l.entry_type = 'CR'), 0) AS credit
  FROM {LINE} l JOIN {ENTRY} e ON e.id = l.entry_id AND e.organization_id = l.organization_id
 WHERE l.organization_id = %s AND e.status = ANY(%s)
 GROUP BY l.account_id, e.fiscal_period_id
"""  # noqa: S608 (model tables)

_CHECK = f"""
WITH ledger AS ({_LEDGER}),
cache AS (
    SELECT account_id, fiscal_period_id, sum(debit_total) AS debit, sum(credit_total) AS credit
      FROM {BALANCE} WHERE organization_id = %s GROUP BY account_id, fiscal_period_id
)
SELECT COALESCE(l.account_id, c.account_id), COALESCE(l.fiscal_period_id, c.fiscal_period_id),
       COALESCE(l.debit, 0), COALESCE(l.credit, 0), COALESCE(c.debit, 0), COALESCE(c.credit, 0)
  FROM ledger l FULL OUTER JOIN cache c
    ON c.account_id = l.account_id AND c.fiscal_period_id = l.fiscal_period_id
 WHERE COALESCE(l.debit, 0) <> COALESCE(c.debit, 0) OR COALESCE(l.credit, 0) <> COALESCE(c.credit, 0)
 ORDER BY 1, 2
"""  # noqa: S608 (model tables)


_REBUILD = f"""
INSERT INTO {BALANCE} (id, organization_id, created_at, updated_at, account_id, fiscal_period_id, slot,
                       debit_total, credit_total)
SELECT gen_random_uuid(), %s, now(), now(), account_id, fiscal_period_id, 0, debit, credit FROM ({_LEDGER}) t
"""  # noqa: S608 (model tables)


def check_books() -> list[BookDifference]:
    """Every (account, period) whose cached totals differ from the sum of its posted lines; empty when the books
    hold. For the organization in context."""
    org_id = require_org_id()
    with connection.cursor() as cursor:
        cursor.execute(_CHECK, [org_id, LEDGER_STATUSES, org_id])
        return [BookDifference(*row) for row in cursor.fetchall()]


def rebuild_balances() -> int:
    """Recompute the organization's cache from the ledger (one row per account and period, slot 0); returns the
    number of rows written. Locks the organization's cache rows against concurrent postings while it runs."""
    org_id = require_org_id()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {BALANCE} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {BALANCE} WHERE organization_id = %s", [org_id])  # noqa: S608 (model table)
        cursor.execute(_REBUILD, [org_id, org_id, LEDGER_STATUSES])
        return cursor.rowcount
