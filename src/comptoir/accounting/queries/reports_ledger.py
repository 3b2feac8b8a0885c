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
from django.utils.translation import gettext as _

from comptoir.accounting.constants import CASH_TYPES, LEDGER_STATUSES, OPEN_ITEM_SIDES, AccountType
from comptoir.accounting.models import Account, CashFlowBalance, CashFlowDayBalance, OpenItem
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
    movements_sql,
    parse_date,
)
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.tenancy import require_org_id

MAX_LEDGER_LIMIT = 5000
OPEN_ITEM = OpenItem._meta.db_table
CASH_FLOW = CashFlowBalance._meta.db_table
CASH_FLOW_DAY = CashFlowDayBalance._meta.db_table


def resolve_report_account(ref) -> Account:
    """The account named by its id or its code in the organization in context; another organization's id is as
    unknown as a missing one."""
    if ref is None or str(ref).strip() == "":
        raise ValidationFailed(_("account is required"), code="required", field="account")
    try:
        key = {"pk": uuid.UUID(str(ref))}
    except ValueError:
        key = {"code": str(ref).strip()}
    account = Account.objects.select_related("group").filter(**key).first()
    if account is None:
        raise ValidationFailed(_("No account '%(ref)s'") % {"ref": ref}, code="unknown", field="account")
    return account


def _encode_cursor(day: datetime.date, line_id) -> str:
    return base64.urlsafe_b64encode(json.dumps([day.isoformat(), str(line_id)]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime.date, uuid.UUID]:
    try:
        day, line_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.date.fromisoformat(day), uuid.UUID(line_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValidationFailed(_("Malformed cursor"), code="invalid_cursor", field="cursor") from None


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
        raise ValidationFailed(
            _("limit is between 1 and %(max_ledger_limit)s") % {"max_ledger_limit": MAX_LEDGER_LIMIT},
            code="invalid",
            field="limit",
        )
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


AGING_KINDS = {kind: (t, OPEN_ITEM_SIDES[t]) for kind, t in (("receivable", "CUSTOMER"), ("payable", "SUPPLIER"))}
BUCKETS = ("not_due", "0-30", "31-60", "61-90", "90+")

# The open items (services/books.py) of the kind's accounts that are open on `as_of`: billed by then, and either
# still outstanding or settled after it. An item settled after `as_of` is taken back to that day from its
# settlement lines (posted lines on its account against its entry, dated up to `as_of`); the others are as cached.
# Each with its account's code and name, its days overdue and its bucket.
_OPEN_ON = f"""
WITH items AS (
    SELECT o.entry_id, o.account_id, o.bill_date, o.due_date, o.amount,
           CASE WHEN o.last_settled_on > %(as_of)s THEN o.amount + COALESCE((
               SELECT sum(CASE WHEN l.entry_type = %(side)s THEN l.base_amount ELSE -l.base_amount END)
                 FROM {LINE} l JOIN {ENTRY} s ON s.id = l.entry_id AND s.status = ANY(%(statuses)s)
                WHERE l.organization_id = %(org)s AND l.against_entry_id = o.entry_id
                  AND l.account_id = o.account_id AND l.entry_date <= %(as_of)s), 0)
           ELSE o.outstanding END AS outstanding
      FROM {OPEN_ITEM} o
     WHERE o.organization_id = %(org)s AND o.account_type = %(type)s AND o.bill_date <= %(as_of)s
       AND (o.outstanding <> 0 OR o.last_settled_on > %(as_of)s)
), open AS MATERIALIZED (  -- computed once: ordered by account, the planner would rescan it per account
    SELECT o.*, a.code, a.name, %(as_of)s - o.due_date AS days_overdue,
           CASE WHEN %(as_of)s - o.due_date < 0 THEN 'not_due' WHEN %(as_of)s - o.due_date <= 30 THEN '0-30'
                WHEN %(as_of)s - o.due_date <= 60 THEN '31-60' WHEN %(as_of)s - o.due_date <= 90 THEN '61-90'
                ELSE '90+' END AS bucket
      FROM items o JOIN {ACCOUNT} a ON a.id = o.account_id
     WHERE o.outstanding <> 0
)"""  # noqa: S608 (model tables)

# Open bills as rows: `order` picks the first `limit` of them (with ties, so the entry numbers, read for those only,
# break the ties), then the entry number makes the order total.
_BILLS = f"""{_OPEN_ON}
SELECT o.entry_id, e.entry_number, o.bill_date, o.due_date, o.code, o.name, o.amount, o.outstanding,
       o.days_overdue, o.bucket {{more}}
  FROM (SELECT * FROM open o {{where}} ORDER BY {{order}} FETCH FIRST %(limit)s ROWS WITH TIES) o
  JOIN {ENTRY} e ON e.id = o.entry_id
 ORDER BY {{order}}, e.entry_number, o.code
 LIMIT %(limit)s
"""  # noqa: S608 (model tables)
_BILLS_BY_DUE_DATE = _BILLS.format(more="", where="", order="o.due_date")
_BILLS_BY_ACCOUNT = _BILLS.format(more="", where="", order="o.code, o.due_date")
# The most overdue, then the largest, each with the number and the outstanding total of all the overdue bills.
_MOST_OVERDUE = _BILLS.format(
    more=", (SELECT count(*) FROM open WHERE days_overdue > 0), "
    "(SELECT sum(outstanding) FROM open WHERE days_overdue > 0)",
    where="WHERE o.days_overdue > 0",
    order="o.days_overdue DESC, o.outstanding DESC",
)

# Outstanding totals per account and bucket, with each account's earliest bill date and number of bills.
_BY_ACCOUNT = f"""{_OPEN_ON}
SELECT code, name, bucket, sum(outstanding), min(bill_date), count(*) FROM open GROUP BY code, name, bucket
 ORDER BY code
"""  # noqa: S608 (model tables)

# What each open bill has outstanding on the day, by its entry and account.
_OUTSTANDING = f"""{_OPEN_ON}
SELECT entry_id, account_id, outstanding FROM open
"""  # noqa: S608 (model tables)

ALL = 2**31 - 1  # "no limit" for FETCH FIRST … WITH TIES, which takes no NULL


def _aging_params(kind, as_of) -> dict:
    if kind not in AGING_KINDS:
        raise ValidationFailed(_("kind is receivable or payable"), code="invalid", field="kind")
    account_type, side = AGING_KINDS[kind]
    day = parse_date(as_of, "as_of")
    return {"org": require_org_id(), "type": account_type, "side": side, "as_of": day, "statuses": LEDGER_STATUSES}


def _bill(r) -> dict:
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


def _bills(sql: str, params: dict, limit: int | None) -> list[tuple]:
    with connection.cursor() as db:
        db.execute(sql, {**params, "limit": ALL if limit is None else limit})
        return db.fetchall()


def overdue_bills(*, kind: str, as_of: datetime.date, limit: int) -> tuple[list[dict], int, Decimal]:
    """(the `limit` most overdue open bills of `kind`, then the largest; how many are overdue; their outstanding
    total): the aging report's bills past their due date. One query."""
    found = _bills(_MOST_OVERDUE, _aging_params(kind, as_of), limit)
    if not found:
        return [], 0, ZERO
    return [_bill(r) for r in found], found[0][10], money(found[0][11])


def open_items_on(*, kind, as_of) -> dict:
    """{(entry id, account id): outstanding} of the open bills of `kind` on `as_of`, as the aging counts them (the
    base currency, signed on the bill side): what a document-level aging takes its base amounts from. One query."""
    with connection.cursor() as db:
        db.execute(_OUTSTANDING, _aging_params(kind, as_of))
        return {(entry, account): money(outstanding) for entry, account, outstanding in db.fetchall()}


def aging(*, kind, as_of) -> dict:
    """Open bills of the receivable (CUSTOMER) or payable (SUPPLIER) accounts as of `as_of`, by due date, each with
    its outstanding amount (bill − settlements dated up to `as_of`) and its bucket by days past the due date (the
    line's due_date, else the entry date): not_due, 0-30, 31-60, 61-90, 90+. A reversed bill is settled by its
    reversal's mirror lines and disappears. One query, over the open items."""
    params = _aging_params(kind, as_of)
    rows = [_bill(r) for r in _bills(_BILLS_BY_DUE_DATE, params, None)]
    buckets = dict.fromkeys(BUCKETS, ZERO)
    for row in rows:  # the report's own rows (one per open bill), not ledger lines
        buckets[row["bucket"]] += row["outstanding"]
    return {
        "kind": kind,
        "as_of": params["as_of"],
        "rows": rows,
        "buckets": buckets,
        "total": sum(buckets.values(), ZERO),
    }


def aging_by_account(*, kind, as_of, limit: int | None = None) -> dict:
    """The aging as a page shows it: `accounts`, each with its outstanding total per bucket, its earliest bill date
    and its number of bills (over every open bill), and the first `limit` bills (all when None) by account and
    due date. Two queries whatever the number of bills."""
    params = _aging_params(kind, as_of)
    accounts: dict[str, dict] = {}
    with connection.cursor() as db:
        db.execute(_BY_ACCOUNT, params)
        for code, name, bucket, outstanding, first, count in db.fetchall():
            account = accounts.setdefault(
                code, {"code": code, "name": name, "first": first, "count": 0, "buckets": dict.fromkeys(BUCKETS, ZERO)}
            )
            account["buckets"][bucket] = money(outstanding)
            account["first"], account["count"] = min(account["first"], first), account["count"] + count
    for account in accounts.values():
        account["total"] = sum(account["buckets"].values(), ZERO)
    buckets = {bucket: sum((a["buckets"][bucket] for a in accounts.values()), ZERO) for bucket in BUCKETS}
    return {
        "kind": kind,
        "as_of": params["as_of"],
        "accounts": list(accounts.values()),
        "rows": [_bill(r) for r in _bills(_BILLS_BY_ACCOUNT, params, limit)],
        "count": sum(a["count"] for a in accounts.values()),
        "buckets": buckets,
        "total": sum(buckets.values(), ZERO),
    }


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

# The counterparts of the entries dated in the range that touch a cash or bank account — their lines on the other
# accounts, from the cash-flow caches — signed as cash: a credit to the counterpart is cash in. In a balanced entry
# they sum to the cash lines' net movement.
_CASH_COUNTERPARTS = f"""
WITH m AS MATERIALIZED ({movements_sql(CASH_FLOW, CASH_FLOW_DAY)})
SELECT a.id, a.code, a.name, a.account_type, g.code, m.credit - m.debit
  FROM m
  JOIN {ACCOUNT} a ON a.id = m.account_id AND a.organization_id = %(org)s
  JOIN {GROUP} g ON g.id = a.group_id
 ORDER BY g.path, a.code
""".format(closing="")  # noqa: S608 (model tables)


def _cash(lo: datetime.date, hi: datetime.date) -> Decimal:
    return sum((r.balance for r in account_movements(lo, hi) if r.account_type in CASH_TYPES), ZERO)


def cash_flow(*, date_from, date_to) -> dict:
    """Direct method: the cash and bank movement of the range allocated to the counterpart accounts of the entries
    that touch cash (cash in positive), by category; opening cash (before date_from) + net_change = closing cash."""
    lo, hi = date_range(date_from, date_to)
    opening = _cash(BEGINNING, lo - datetime.timedelta(days=1)) if lo > BEGINNING else ZERO
    with connection.cursor() as db:
        db.execute(_CASH_COUNTERPARTS, {"org": require_org_id(), "lo": lo, "hi": hi, "account": None})
        found = db.fetchall()
    net_change = sum((money(amount) for *_row, amount in found), ZERO)
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
