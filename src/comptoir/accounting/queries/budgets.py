"""Budgets and what they spent, computed in SQL for many budgets at once.

A budget's period is its fiscal year, or the three fiscal periods of its quarter (Q1 = periods 1-3 …). Its scope
is an account, or every account under a category (an account group, by materialized path), and/or a cost center.
Its nature is the account's or the category's (INCOME or EXPENSE; EXPENSE for a cost-center-only budget) and only
lines on accounts of that nature count. Spent = Σ DR − Σ CR (base currency) of the posted ledger lines in scope for
an EXPENSE budget, Σ CR − Σ DR for an INCOME one; the year-closing entries are left out. Without a cost center it is
read from the period cache (the budget's periods are whole fiscal periods), so its cost does not grow with the
lines; a cost-center budget sums its posted lines.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils.translation import gettext as _

from comptoir.accounting.constants import LEDGER_STATUSES, JournalCategory, Nature
from comptoir.accounting.models import (
    Account,
    AccountBalance,
    AccountGroup,
    Budget,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
    JournalType,
)
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.tenancy import require_org_id

T = {
    "budget": Budget._meta.db_table,
    "year": FiscalYear._meta.db_table,
    "period": FiscalPeriod._meta.db_table,
    "account": Account._meta.db_table,
    "group": AccountGroup._meta.db_table,
    "line": JournalLine._meta.db_table,
    "balance": AccountBalance._meta.db_table,
    "entry": JournalEntry._meta.db_table,
    "jtype": JournalType._meta.db_table,
}

# One row per budget: its period bounds, nature and scope. `{where}` narrows the budgets.
_SCOPES = """
SELECT b.id, b.name, b.allocated_amount, b.account_id, b.cost_center_id, cg.path AS category_path,
       COALESCE(ag.nature, cg.nature, 'EXPENSE') AS nature,
       CASE WHEN b.quarter IS NULL THEN y.start_date ELSE q.date_from END AS date_from,
       CASE WHEN b.quarter IS NULL THEN y.end_date ELSE q.date_to END AS date_to
  FROM {budget} b
  JOIN {year} y ON y.id = b.fiscal_year_id
  LEFT JOIN {account} a ON a.id = b.account_id
  LEFT JOIN {group} ag ON ag.id = a.group_id
  LEFT JOIN {group} cg ON cg.organization_id = b.organization_id AND cg.code = b.category AND b.category <> ''
  LEFT JOIN LATERAL (
       SELECT min(p.start_date) AS date_from, max(p.end_date) AS date_to FROM {period} p
        WHERE p.fiscal_year_id = b.fiscal_year_id AND p.period_no BETWEEN b.quarter * 3 - 2 AND b.quarter * 3
  ) q ON b.quarter IS NOT NULL
 WHERE b.organization_id = %(org)s AND b.deleted_at IS NULL AND (b.category = '' OR cg.id IS NOT NULL) AND {where}
"""

# The lines `l` (with their account group `g`) that fall in the scope `s`.
_IN_SCOPE = """
       l.organization_id = %(org)s AND l.entry_date BETWEEN s.date_from AND s.date_to AND g.nature = s.nature
   AND (s.account_id IS NULL OR l.account_id = s.account_id)
   AND (s.cost_center_id IS NULL OR l.cost_center_id = s.cost_center_id)
   AND (s.category_path IS NULL OR starts_with(g.path, s.category_path))
"""

# What a budget `s` has spent before the entry being posted (whose lines are not in the ledger yet). Without a cost
# center: the period cache over the budget's periods (they align with fiscal periods) less the closing entries the
# closed years point to — O(accounts × periods). With one: the posted lines (the caches have no cost center).
_LEDGER_SUM = (
    """
SELECT CASE WHEN s.cost_center_id IS NULL THEN (
    SELECT COALESCE(sum(b.debit_total - b.credit_total), 0)
      FROM {balance} b
      JOIN {period} p ON p.id = b.fiscal_period_id
      JOIN {account} la ON la.id = b.account_id
      JOIN {group} g ON g.id = la.group_id
     WHERE b.organization_id = %(org)s AND p.start_date >= s.date_from AND p.end_date <= s.date_to
       AND g.nature = s.nature
       AND (s.account_id IS NULL OR b.account_id = s.account_id)
       AND (s.category_path IS NULL OR starts_with(g.path, s.category_path))
) - (
    SELECT COALESCE(sum(CASE WHEN l.entry_type = 'DR' THEN l.base_amount ELSE -l.base_amount END), 0)
      FROM {year} cy
      JOIN {line} l ON l.entry_id = cy.closing_entry_id
      JOIN {account} la ON la.id = l.account_id
      JOIN {group} g ON g.id = la.group_id
     WHERE cy.organization_id = %(org)s AND _IN_SCOPE_
) ELSE (
    SELECT COALESCE(sum(CASE WHEN l.entry_type = 'DR' THEN l.base_amount ELSE -l.base_amount END), 0)
      FROM {line} l
      JOIN {entry} e ON e.id = l.entry_id
      JOIN {jtype} jt ON jt.id = e.journal_type_id
      JOIN {account} la ON la.id = l.account_id
      JOIN {group} g ON g.id = la.group_id
     WHERE e.status = ANY(%(ledger)s) AND jt.category <> %(closing)s AND _IN_SCOPE_
) END AS net"""
).replace("_IN_SCOPE_", _IN_SCOPE)

_SPENT = (
    "WITH s AS ("
    + _SCOPES
    + """)
SELECT s.id, CASE WHEN s.nature = 'INCOME' THEN -x.net ELSE x.net END
  FROM s CROSS JOIN LATERAL ("""
    + _LEDGER_SUM
    + ") x"
)

# Expense budgets (ACTIVE) the lines of one entry add to, with what they had spent before and what the entry adds;
# only those the entry would take over their allocation. One statement, cheap when no budget exists.
_OVERSPENT = (
    "WITH s AS ("
    + _SCOPES
    + """), mine AS (
SELECT s.id, sum(CASE WHEN l.entry_type = 'DR' THEN l.base_amount ELSE -l.base_amount END) AS delta,
       min(l.line_no) FILTER (WHERE l.entry_type = 'DR') AS first_line
  FROM s
  JOIN {line} l ON l.entry_id = %(entry)s
  JOIN {account} la ON la.id = l.account_id
  JOIN {group} g ON g.id = la.group_id
 WHERE """
    + _IN_SCOPE
    + """
 GROUP BY s.id)
SELECT s.id, s.name, s.allocated_amount, x.net, mine.delta, mine.first_line
  FROM s JOIN mine ON mine.id = s.id AND mine.delta > 0
 CROSS JOIN LATERAL ("""
    + _LEDGER_SUM
    + """) x
 WHERE x.net + mine.delta > s.allocated_amount
 ORDER BY mine.first_line, s.name"""
)


# Transaction-scoped advisory locks on the ACTIVE budgets one entry's lines fall in, taken in budget order.
_LOCK_TOUCHED = (
    (
        """
WITH s AS (_SCOPES_)
SELECT pg_advisory_xact_lock(hashtextextended('accounting.budget:' || t.id::text, 0)) FROM (
    SELECT DISTINCT s.id FROM s
      JOIN {line} l ON l.entry_id = %(entry)s
      JOIN {account} la ON la.id = l.account_id
      JOIN {group} g ON g.id = la.group_id
     WHERE _IN_SCOPE_
     ORDER BY s.id
) t"""
    )
    .replace("_SCOPES_", _SCOPES)
    .replace("_IN_SCOPE_", _IN_SCOPE)
)


def _sql(template: str, where: str) -> str:
    return template.replace("{where}", where).format(**T)


def _params(**extra) -> dict:
    return {"org": require_org_id(), "ledger": LEDGER_STATUSES, "closing": JournalCategory.CLOSING.value, **extra}


def spent_by_budget(budget_ids) -> dict[uuid.UUID, Decimal]:
    """{budget id: spent} for `budget_ids` (missing ids are left out): one query whatever their number."""
    ids = [uuid.UUID(str(i)) for i in budget_ids]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_sql(_SPENT, "b.id = ANY(%(ids)s)"), _params(ids=ids))
        return dict(cursor.fetchall())


def overspent_budgets(entry_id) -> list[dict]:
    """The ACTIVE expense budgets that posting entry `entry_id` (its lines written, not yet in the ledger) would
    take over their allocation, with the first line (0-based) that adds to each. One query."""
    where = f"b.status = 'ACTIVE' AND COALESCE(ag.nature, cg.nature, '{Nature.EXPENSE}') = '{Nature.EXPENSE}'"
    with connection.cursor() as cursor:
        cursor.execute(_sql(_OVERSPENT, where), _params(entry=entry_id))
        rows = cursor.fetchall()
    return [
        {"id": b_id, "name": name, "allocated": allocated, "spent": net + delta, "line": first_line - 1}
        for b_id, name, allocated, net, delta, first_line in rows
    ]


def lock_budgets_touched(entry_id) -> None:
    """Until the transaction ends, hold a lock on every ACTIVE budget the lines of `entry_id` fall in, so two
    postings into one budget check it one after the other (the second sees the first's spending)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(_LOCK_TOUCHED, "b.status = 'ACTIVE'"), _params(entry=entry_id))


def budgets(*, fiscal_year=None, status=None, cost_center=None, account=None, category=None):
    qs = Budget.objects.filter(deleted_at__isnull=True).select_related(
        "fiscal_year", "account", "cost_center", "currency"
    )
    if fiscal_year:
        qs = qs.filter(fiscal_year=resolve_fiscal_year(fiscal_year))
    if status:
        qs = qs.filter(status=status)
    if cost_center:
        qs = qs.filter(**_by_id_or_code("cost_center", cost_center))
    if account:
        qs = qs.filter(**_by_id_or_code("account", account))
    if category:
        qs = qs.filter(category=category)
    return qs


def _by_id_or_code(name: str, ref) -> dict:
    try:
        return {f"{name}_id": uuid.UUID(str(ref))}
    except ValueError:
        return {f"{name}__code": ref}


def resolve_fiscal_year(ref, field: str = "fiscal_year") -> FiscalYear:
    """The fiscal year named by its id or its name, else a field error."""
    try:
        key = {"pk": uuid.UUID(str(ref))}
    except ValueError:
        key = {"name": str(ref)}
    year = FiscalYear.objects.filter(**key).first()
    if year is None:
        raise ValidationFailed(_("No fiscal year '%(ref)s'") % {"ref": ref}, code="unknown", field=field)
    return year


def with_figures(rows: list[Budget]) -> list[Budget]:
    """Set `spent`, `remaining` and `utilisation` (a percentage, 2 decimals; None when nothing is allocated) on
    each budget of `rows`: one query for all of them."""
    spent = spent_by_budget([b.pk for b in rows])
    for budget in rows:
        quantum = Decimal(1).scaleb(-budget.currency.decimal_places)
        budget.spent = spent.get(budget.pk, Decimal(0)).quantize(quantum, rounding=ROUND_HALF_UP)
        budget.remaining = budget.allocated_amount - budget.spent
        budget.utilisation = (
            (budget.spent * 100 / budget.allocated_amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if budget.allocated_amount
            else None
        )
    return rows


def access_budget(budget_id) -> Budget:
    found = list(budgets().filter(pk=budget_id))
    if not found:
        raise NotFound(_("No such budget"))
    return with_figures(found)[0]


def budget_report(*, fiscal_year) -> dict:
    """Budget vs actual of one fiscal year: every budget (DRAFT, ACTIVE and CLOSED) with allocated, spent,
    remaining and utilisation, and the totals. Two queries."""
    year = resolve_fiscal_year(fiscal_year)
    rows = with_figures(list(budgets().filter(fiscal_year=year).order_by("quarter", "name", "id")))
    allocated = sum((b.allocated_amount for b in rows), Decimal(0))
    spent = sum((b.spent for b in rows), Decimal(0))
    utilisation = (spent * 100 / allocated).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if allocated else None
    return {
        "fiscal_year": year,
        "rows": rows,
        "totals": {"allocated": allocated, "spent": spent, "remaining": allocated - spent, "utilisation": utilisation},
    }
