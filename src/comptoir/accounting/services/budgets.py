"""Budgets: an allocation for a fiscal year or one of its quarters, on an account or a category (an account
group) and/or a cost center (a department budget is its cost center's). DRAFT → ACTIVE → CLOSED; a closed
budget is read-only. Only ACTIVE expense budgets are checked when an entry posts (`check_budgets`), under the
organization setting `accounting.budget_overspend`: ignore | warn (default: the actor gets a notification) |
refuse (ValidationFailed `budget_exceeded`, nothing written)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.accounting.constants import BUDGET_TRANSITIONS, BudgetStatus, Nature
from comptoir.accounting.models import Budget
from comptoir.accounting.module import OVERSPEND_SETTING
from comptoir.accounting.queries.budgets import lock_budgets_touched, overspent_budgets, resolve_fiscal_year
from comptoir.accounting.services.chart import resolve_account, resolve_cost_center, resolve_group
from comptoir.platform.constants import AuditAction, NotificationType
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.http import check_version
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.money import check_amount
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.notifications import notify
from comptoir.platform.transitions import check_transition, transition

AUDITED = ("name", "fiscal_year", "quarter", "cost_center", "account", "category", "allocated_amount", "status")
SCOPE = ("fiscal_year", "quarter", "cost_center", "account", "category")
PL_NATURES = {Nature.INCOME, Nature.EXPENSE}


@dataclasses.dataclass(frozen=True, kw_only=True)
class BudgetInput:
    """A new budget. `fiscal_year` is an id or name; `account`, `category` (an account group) and `cost_center` ids
    or codes; `quarter` 1-4, or None for the whole year; `currency` must be the base currency (the default)."""

    name: str
    fiscal_year: str
    allocated_amount: Decimal
    quarter: int | None = None
    account: str | None = None
    category: str | None = None
    cost_center: str | None = None
    currency: str | None = None
    status: str = BudgetStatus.ACTIVE
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class BudgetPatch(Patch):
    name: str | None | _Unset = UNSET
    fiscal_year: str | None | _Unset = UNSET
    quarter: int | None | _Unset = UNSET
    account: str | None | _Unset = UNSET
    category: str | None | _Unset = UNSET
    cost_center: str | None | _Unset = UNSET
    allocated_amount: Decimal | None | _Unset = UNSET
    status: str | None | _Unset = UNSET
    notes: str | None | _Unset = UNSET


def _name(value: str | None) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationFailed(_("name is required"), code="required", field="name")
    return name


def _amount(value: Decimal | None, currency) -> Decimal:
    if value is None:
        raise ValidationFailed(_("allocated_amount is a number"), code="invalid", field="allocated_amount")
    if value < 0:
        raise ValidationFailed(_("The amount must not be negative"), code="negative_amount", field="allocated_amount")
    return check_amount(value, currency, field="allocated_amount")


def _apply_scope(budget: Budget, data: dict) -> None:
    """Set the scope fields given in `data` on `budget`, each resolved in this organization, then check the
    whole scope: an account (an INCOME/EXPENSE leaf) or a category (an INCOME/EXPENSE group), not both, and/or a
    cost center; at least one of them."""
    if "account" in data:
        budget.account = None
        if data["account"]:
            account = resolve_account(data["account"])
            if account.group.nature not in PL_NATURES:
                message = _("Account %(code)s is not an income or expense account") % {"code": account.code}
                raise ValidationFailed(message, code="not_pl_account", field="account")
            budget.account = account
    if "category" in data:
        budget.category = ""
        if data["category"]:
            group = resolve_group(data["category"], "category")
            if group.nature not in PL_NATURES:
                raise ValidationFailed(
                    _("Group %(code)s is not an income or expense group") % {"code": group.code},
                    code="not_pl_group",
                    field="category",
                )
            budget.category = group.code
    if "cost_center" in data:
        budget.cost_center = resolve_cost_center(data["cost_center"]) if data["cost_center"] else None
    if "fiscal_year" in data:
        budget.fiscal_year = resolve_fiscal_year(data["fiscal_year"])
    if "quarter" in data:
        budget.quarter = data["quarter"]
    if budget.account_id and budget.category:
        raise ValidationFailed(_("Give an account or a category, not both"), code="ambiguous_scope", field="category")
    if not (budget.account_id or budget.category or budget.cost_center_id):
        raise ValidationFailed(
            _("A budget needs an account, a category or a cost center"), code="scope_required", field="account"
        )


def _save(budget: Budget, **kwargs) -> None:
    try:
        with transaction.atomic():
            budget.save(**kwargs)
    except IntegrityError as exc:
        if "budget_scope_unique" not in str(exc):
            raise
        raise ValidationFailed(
            _("A budget with this fiscal year, quarter and scope exists"), code="duplicate_budget", field="account"
        ) from exc


def create_budget(*, actor, data: BudgetInput) -> Budget:
    """A DRAFT or ACTIVE budget with an allocated amount ≥ 0. One budget per (fiscal year, quarter, scope): else
    `duplicate_budget`."""
    name = _name(data.name)
    with transaction.atomic():
        base = current_organization().base_currency
        if data.currency and data.currency != base.code:
            raise ValidationFailed(
                _("A budget is in the base currency (%(code)s)") % {"code": base.code},
                code="not_base_currency",
                field="currency",
            )
        if data.status not in (BudgetStatus.DRAFT, BudgetStatus.ACTIVE):
            raise ValidationFailed(_("A new budget is DRAFT or ACTIVE"), code="invalid", field="status")
        if not data.fiscal_year:
            raise ValidationFailed(_("fiscal_year is required"), code="required", field="fiscal_year")
        budget = Budget(
            name=name,
            allocated_amount=_amount(data.allocated_amount, base),
            currency=base,
            status=data.status,
            notes=data.notes,
            created_by=actor,
            updated_by=actor,
        )
        _apply_scope(budget, {k: getattr(data, k) for k in SCOPE})
        _save(budget)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=budget, new=snapshot(budget, AUDITED))
    return budget


def _locked(budget_id) -> Budget:
    budget = (
        Budget.objects.select_for_update(of=("self",))
        .select_related("currency")
        .filter(pk=budget_id, deleted_at__isnull=True)
        .first()
    )
    if budget is None:
        raise NotFound(_("No such budget"))
    return budget


def update_budget(*, actor, budget_id, changes: BudgetPatch, expected_version: int | None = None) -> Budget:
    """Change the name, amount, notes, period or scope of a DRAFT or ACTIVE budget; `status` moves DRAFT →
    ACTIVE only (closing is `close_budget`). A CLOSED budget is read-only (`budget_closed`)."""
    given = changes.provided()
    with transaction.atomic():
        budget = _locked(budget_id)
        check_version(budget.version, expected_version)
        if budget.status == BudgetStatus.CLOSED:
            raise Conflict(_("A closed budget cannot be changed"), code="budget_closed", field="status")
        before = snapshot(budget, AUDITED)
        if "name" in given:
            budget.name = _name(given["name"])
        if "allocated_amount" in given:
            budget.allocated_amount = _amount(given["allocated_amount"], budget.currency)
        if "notes" in given:
            budget.notes = given["notes"] or ""
        if "status" in given:
            if given["status"] == BudgetStatus.CLOSED:
                raise ValidationFailed(_("Close a budget with its close action"), code="invalid", field="status")
            check_transition(BUDGET_TRANSITIONS, budget.status, given["status"])
            budget.status = given["status"]
        _apply_scope(budget, {k: v for k, v in given.items() if k in SCOPE})
        budget.updated_by = actor
        budget.version += 1
        _save(budget)
        after = snapshot(budget, AUDITED)
        if after != before:
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=budget, old=before, new=after)
    return budget


def close_budget(*, actor, budget_id, reason: str = "") -> Budget:
    """ACTIVE → CLOSED: the budget is kept for the report but no longer checked when entries post."""
    with transaction.atomic():
        budget = _locked(budget_id)
        transition(budget, BudgetStatus.CLOSED, actor=actor, transitions=BUDGET_TRANSITIONS, reason=reason)
    return budget


def overspend_policy() -> str:
    """The organization's `accounting.budget_overspend` (ignore | warn | refuse; declared in module.py, the
    settings service refuses any other value)."""
    return get_setting(OVERSPEND_SETTING)


def check_budgets(*, actor, entry) -> list[dict]:
    """Called by the posting path once the entry's lines are written, before it enters the ledger. For every
    ACTIVE expense budget the entry adds to and takes over its allocation: `refuse` raises `budget_exceeded` on
    the first line adding to it; `warn` notifies the actor (in-app); `ignore` does nothing. One indexed probe when
    no budget is active (the posting reads it with its books, and calls this only when one is); else the policy,
    and under `refuse` a lock on the budgets the entry falls in (concurrent postings into one budget are checked
    one after the other), then one query. Returns the exceeded budgets."""
    policy = overspend_policy()
    if policy == "ignore":
        return []
    if policy == "refuse":
        lock_budgets_touched(entry.pk)
    exceeded = overspent_budgets(entry.pk)
    if not exceeded:
        return []
    first = exceeded[0]
    message = _("Budget '%(name)s' would be exceeded: %(spent)s spent of %(allocated)s allocated") % {
        "name": first["name"],
        "spent": first["spent"],
        "allocated": first["allocated"],
    }
    if policy == "refuse":
        raise ValidationFailed(message, code="budget_exceeded", field=f"lines[{first['line']}].amount")
    if policy == "warn" and actor is not None:
        for budget in exceeded:
            try:
                notify(
                    user=actor,
                    title=f"Budget '{budget['name'][:200]}' exceeded",
                    message=f"{budget['spent']} spent of {budget['allocated']} allocated",
                    type=NotificationType.WARNING,
                    category="budget",
                    data={"budget": str(budget["id"]), "journal_entry": str(entry.pk)},
                    actor=actor,
                )
            except ValidationFailed:  # the actor is not a member (a system user): the warning has no reader
                break
    return exceeded
