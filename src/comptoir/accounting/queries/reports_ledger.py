"""Line-level reports: the general ledger of one account, receivable/payable aging (bill-wise) and the direct
cash flow. Each runs a constant number of SQL statements whatever the number of lines; opening and closing
balances come from the balance cache (queries/reports.py). Only lines of POSTED and REVERSED entries count."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from decimal import Decimal

from django.db import connection

from comptoir.accounting.constants import LEDGER_STATUSES, AccountType
from comptoir.accounting.models import Account
from comptoir.accounting.queries.reports import (
    ACCOUNT,
    BEGINNING,
    ENTRY,
    GROUP,
    LINE,
    ZERO,
    account_movements,
    date_range,
    money,
    parse_date,
)
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.tenancy import require_org_id

MAX_LEDGER_LIMIT = 5000
CASH_TYPES = [AccountType.CASH.value, AccountType.BANK.value]


def resolve_report_account(ref) -> Account:
    """The account named by its id or its code in the organization in context; another organization's id is as
    unknown as a missing one."""
    if ref is None or str(ref).strip() == "":
        raise ValidationFailed("account is required", code="required", field="account")
    try:
        key = {"pk": uuid.UUID(str(ref))}
    except ValueError:
        key = {"code": str(ref).strip()}
    account = Account.objects.select_related("group").filter(**key).first()
    if account is None:
        raise ValidationFailed(f"No account '{ref}'", code="unknown", field="account")
    return account


def _encode_cursor(day: datetime.date, line_id) -> str:
    return base64.urlsafe_b64encode(json.dumps([day.isoformat(), str(line_id)]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime.date, uuid.UUID]:
    try:
        day, line_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.date.fromisoformat(day), uuid.UUID(line_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValidationFailed("Malformed cursor", code="invalid_cursor", field="cursor") from None


_LEDGER_LINES = f"""
SELECT id, entry_date, entry_id, entry_number, narration, remarks, entry_type, base_amount, running FROM (
    SELECT l.id, l.entry_date, e.id AS entry_id, e.entry_number, e.narration, l.remarks, l.entry_type, l.base_amount,
           %(opening)s + sum(CASE WHEN l.entry_type = 'DR' THEN l.base_amount ELSE -l.base_amount END)
               OVER (ORDER BY l.entry_date, l.id ROWS UNBOUNDED PRECEDING) AS running
      FROM {LINE} l JOIN {ENTRY} e ON e.id = l.entry_id AND e.organization_id = l.organization_id
     WHERE l.organization_id = %(org)s AND l.account_id = %(account)s
       AND l.entry_date BETWEEN %(lo)s AND %(hi)s AND e.status = ANY(%(statuses)s)
) t {{after}}
ORDER BY entry_date, id LIMIT %(limit)s
"""  # noqa: S608 (model tables)


def _totals_of(account_id, lo: datetime.date, hi: datetime.date) -> tuple[Decimal, Decimal]:
    row = next((r for r in account_movements(lo, hi, account_id=account_id)), None)
    return (row.debit, row.credit) if row else (ZERO, ZERO)


def general_ledger(*, account, date_from, date_to, cursor: str | None = None, limit: int | None = 500) -> dict:
    """The account's opening balance (debit − credit, before date_from), its posted lines dated in the range with
    the running balance (computed in SQL by a window over the whole range, so a page's figures do not depend on
    the page), and the closing balance. Pages of `limit` lines, in (date, line) order; `next_cursor` continues;
    `limit=None` (exports) gives every line."""
    lo, hi = date_range(date_from, date_to)
    if limit is not None and not 1 <= limit <= MAX_LEDGER_LIMIT:
        raise ValidationFailed(f"limit is between 1 and {MAX_LEDGER_LIMIT}", code="invalid", field="limit")
    after = _decode_cursor(cursor) if cursor else None
    row = resolve_report_account(account)
    opening = ZERO
    if lo > BEGINNING:
        debit, credit = _totals_of(row.pk, BEGINNING, lo - datetime.timedelta(days=1))
        opening = debit - credit
    debit, credit = _totals_of(row.pk, lo, hi)
    params = {
        "org": require_org_id(),
        "account": row.pk,
        "lo": lo,
        "hi": hi,
        "opening": opening,
        "statuses": LEDGER_STATUSES,
        "limit": None if limit is None else limit + 1,
    }
    condition = ""
    if after is not None:
        condition = "WHERE (entry_date, id) > (%(after_date)s, %(after_id)s)"
        params.update(after_date=after[0], after_id=after[1])
    with connection.cursor() as db:
        db.execute(_LEDGER_LINES.format(after=condition), params)
        found = db.fetchall()
    lines = [
        {
            "date": r[1],
            "entry_id": r[2],
            "entry_number": r[3],
            "narration": r[4],
            "remarks": r[5],
            "debit": money(r[7]) if r[6] == "DR" else ZERO,
            "credit": money(r[7]) if r[6] == "CR" else ZERO,
            "balance": money(r[8]),
        }
        for r in found[:limit]
    ]
    more = limit is not None and len(found) > limit
    return {
        "account": row.code,
        "account_id": row.pk,
        "name": row.name,
        "date_from": lo,
        "date_to": hi,
        "opening_balance": opening,
        "total_debit": debit,
        "total_credit": credit,
        "closing_balance": opening + debit - credit,
        "lines": lines,
        "next_cursor": _encode_cursor(found[limit - 1][1], found[limit - 1][0]) if more else None,
    }


AGING_KINDS = {"receivable": (AccountType.CUSTOMER.value, "DR"), "payable": (AccountType.SUPPLIER.value, "CR")}
BUCKETS = ("not_due", "0-30", "31-60", "61-90", "90+")

# Bills: (entry, account) of posted lines with no against_entry on the kind's accounts, signed on the bill's side
# (receivable: debit +, payable: credit +). Settlements: posted lines on the same account that name the bill's entry
# in against_entry (a payment, a credit note, or a reversal's mirror lines), signed the same way.
_AGING = f"""
WITH bills AS (
    SELECT l.entry_id, l.account_id, min(l.entry_date) AS bill_date,
           min(COALESCE(l.due_date, l.entry_date)) AS due_date,
           sum(CASE WHEN l.entry_type = %(side)s THEN l.base_amount ELSE -l.base_amount END) AS amount
      FROM {LINE} l
      JOIN {ACCOUNT} a ON a.id = l.account_id AND a.account_type = %(type)s
      JOIN {ENTRY} e ON e.id = l.entry_id AND e.status = ANY(%(statuses)s)
     WHERE l.organization_id = %(org)s AND l.against_entry_id IS NULL AND l.entry_date <= %(as_of)s
     GROUP BY l.entry_id, l.account_id
), settled AS (
    SELECT l.against_entry_id AS entry_id, l.account_id,
           sum(CASE WHEN l.entry_type = %(side)s THEN l.base_amount ELSE -l.base_amount END) AS amount
      FROM {LINE} l
      JOIN {ACCOUNT} a ON a.id = l.account_id AND a.account_type = %(type)s
      JOIN {ENTRY} e ON e.id = l.entry_id AND e.status = ANY(%(statuses)s)
     WHERE l.organization_id = %(org)s AND l.against_entry_id IS NOT NULL AND l.entry_date <= %(as_of)s
     GROUP BY l.against_entry_id, l.account_id
), open_items AS (
    SELECT b.entry_id, b.account_id, b.bill_date, b.due_date, b.amount AS bill_amount,
           b.amount + COALESCE(s.amount, 0) AS outstanding, %(as_of)s - b.due_date AS days_overdue
      FROM bills b LEFT JOIN settled s ON s.entry_id = b.entry_id AND s.account_id = b.account_id
)
SELECT o.entry_id, e.entry_number, o.bill_date, o.due_date, a.code, a.name, o.bill_amount, o.outstanding,
       o.days_overdue,
       CASE WHEN o.days_overdue < 0 THEN 'not_due' WHEN o.days_overdue <= 30 THEN '0-30'
            WHEN o.days_overdue <= 60 THEN '31-60' WHEN o.days_overdue <= 90 THEN '61-90' ELSE '90+' END
  FROM open_items o JOIN {ENTRY} e ON e.id = o.entry_id JOIN {ACCOUNT} a ON a.id = o.account_id
 WHERE o.outstanding <> 0
 ORDER BY o.due_date, e.entry_number, a.code
"""  # noqa: S608 (model tables)


# The most overdue of the open bills (then the largest), with the count and the outstanding total of all overdue.
_OVERDUE = f"""
SELECT x.*, count(*) OVER (), sum(x.outstanding) OVER ()
  FROM ({_AGING}) x (entry_id, entry_number, bill_date, due_date, code, name, amount, outstanding, days_overdue,
                    bucket)
 WHERE x.days_overdue > 0
 ORDER BY x.days_overdue DESC, x.outstanding DESC, x.entry_number
 LIMIT %(limit)s
"""  # noqa: S608


def _aging_params(kind, day) -> dict:
    account_type, side = AGING_KINDS[kind]
    return {"org": require_org_id(), "type": account_type, "side": side, "as_of": day, "statuses": LEDGER_STATUSES}


def _aging_row(r) -> dict:
    return {
        "entry_id": r[0],
        "entry_number": r[1],
        "date": r[2],
        "due_date": r[3],
        "account": r[4],
        "account_name": r[5],
        "amount": money(r[6]),
        "outstanding": money(r[7]),
        "days_overdue": r[8],
        "bucket": r[9],
    }


def overdue_bills(*, kind: str, as_of: datetime.date, limit: int) -> tuple[list[dict], int, Decimal]:
    """(the `limit` most overdue open bills of `kind`, how many are overdue, their outstanding total): the aging
    report's bills past their due date, counted and summed in SQL. One query."""
    with connection.cursor() as db:
        db.execute(_OVERDUE, {**_aging_params(kind, as_of), "limit": limit})
        found = db.fetchall()
    if not found:
        return [], 0, ZERO
    return [_aging_row(r) for r in found], found[0][10], money(found[0][11])


def aging(*, kind, as_of) -> dict:
    """Open bills of the receivable (CUSTOMER) or payable (SUPPLIER) accounts as of `as_of`, each with its
    outstanding amount (bill − settlements dated up to `as_of`) and its bucket by days past the due date (the
    line's due_date, else the entry date): not_due, 0-30, 31-60, 61-90, 90+. A reversed bill is settled by its
    reversal's mirror lines and disappears. One query."""
    if kind not in AGING_KINDS:
        raise ValidationFailed("kind is receivable or payable", code="invalid", field="kind")
    day = parse_date(as_of, "as_of")
    with connection.cursor() as db:
        db.execute(_AGING, _aging_params(kind, day))
        found = db.fetchall()
    rows = [_aging_row(r) for r in found]
    buckets = dict.fromkeys(BUCKETS, ZERO)
    for row in rows:  # the report's own rows (one per open bill), not ledger lines
        buckets[row["bucket"]] += row["outstanding"]
    return {"kind": kind, "as_of": day, "rows": rows, "buckets": buckets, "total": sum(buckets.values(), ZERO)}


# (category, activity) of the counterpart account's type; GENERAL accounts fall in "other".
CASH_FLOW_CATEGORIES = {
    AccountType.CUSTOMER: ("receipts_from_customers", "operating"),
    AccountType.INCOME: ("income_received", "operating"),
    AccountType.SUPPLIER: ("payments_to_suppliers", "operating"),
    AccountType.EMPLOYEE: ("payments_to_employees", "operating"),
    AccountType.EXPENSE: ("expenses_paid", "operating"),
    AccountType.TAX: ("taxes", "operating"),
    AccountType.STOCK: ("inventory", "operating"),
    AccountType.FIXED_ASSET: ("fixed_assets", "investing"),
    AccountType.ACCUMULATED_DEPRECIATION: ("fixed_assets", "investing"),
    AccountType.EQUITY: ("equity", "financing"),
}
OTHER = ("other", "operating")

# The counterpart lines of the posted entries dated in the range that touch a cash or bank account, signed as
# cash: a credit to the counterpart is cash in. In a balanced entry they sum to the cash lines' net movement.
_CASH_COUNTERPARTS = f"""
WITH touched AS (
    SELECT DISTINCT e.id
      FROM {ENTRY} e
      JOIN {LINE} l ON l.organization_id = e.organization_id AND l.entry_id = e.id
      JOIN {ACCOUNT} a ON a.id = l.account_id AND a.account_type = ANY(%(cash)s)
     WHERE e.organization_id = %(org)s AND e.date BETWEEN %(lo)s AND %(hi)s AND e.status = ANY(%(statuses)s)
)
SELECT a.id, a.code, a.name, a.account_type, g.code,
       sum(CASE WHEN l.entry_type = 'CR' THEN l.base_amount ELSE -l.base_amount END)
  FROM touched t
  JOIN {LINE} l ON l.organization_id = %(org)s AND l.entry_id = t.id
  JOIN {ACCOUNT} a ON a.id = l.account_id AND NOT a.account_type = ANY(%(cash)s)
  JOIN {GROUP} g ON g.id = a.group_id
 GROUP BY a.id, a.code, a.name, a.account_type, g.code, g.path
 ORDER BY g.path, a.code
"""  # noqa: S608 (model tables)


def _cash(lo: datetime.date, hi: datetime.date) -> Decimal:
    return sum((r.balance for r in account_movements(lo, hi) if r.account_type in CASH_TYPES), ZERO)


def cash_flow(*, date_from, date_to) -> dict:
    """Direct method: the cash and bank movement of the range allocated to the counterpart accounts of the entries
    that touch cash (cash in positive), by category; opening cash (before date_from) + net_change = closing cash."""
    lo, hi = date_range(date_from, date_to)
    opening = _cash(BEGINNING, lo - datetime.timedelta(days=1)) if lo > BEGINNING else ZERO
    net_change = _cash(lo, hi)
    params = {"org": require_org_id(), "lo": lo, "hi": hi, "statuses": LEDGER_STATUSES, "cash": CASH_TYPES}
    with connection.cursor() as db:
        db.execute(_CASH_COUNTERPARTS, params)
        found = db.fetchall()
    rows, categories = [], {}
    for account_id, code, name, account_type, group, amount in found:  # one row per counterpart account
        category, activity = CASH_FLOW_CATEGORIES.get(account_type, OTHER)
        rows.append(
            {
                "account": code,
                "account_id": account_id,
                "name": name,
                "group": group,
                "category": category,
                "activity": activity,
                "amount": money(amount),
            }
        )
        total = categories.setdefault(category, {"category": category, "activity": activity, "amount": ZERO})
        total["amount"] += money(amount)
    return {
        "date_from": lo,
        "date_to": hi,
        "opening_cash": opening,
        "net_change": net_change,
        "closing_cash": opening + net_change,
        "categories": list(categories.values()),
        "rows": rows,
    }
