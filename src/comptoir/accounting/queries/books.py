"""Reads of the chart, fiscal years and journal, scoped to the organization in context. `access_<noun>(id)`
answers NotFound for a row that is missing or belongs to another organization."""

from __future__ import annotations

import uuid

from django.db.models import F, Prefetch, Sum
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.accounting.models import (
    Account,
    AccountBalance,
    AccountGroup,
    CostCenter,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
    JournalType,
    OpenItem,
)
from comptoir.accounting.queries.reports_ledger import resolve_report_account
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.money import summed
from comptoir.platform.queries.filters import filter_present, within_dates


def _get(queryset, pk, message: str):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound(message)
    return row


def account_groups(*, nature=None):
    qs = AccountGroup.objects.all()
    return qs.filter(nature=nature) if nature else qs


def access_account_group(group_id) -> AccountGroup:
    return _get(AccountGroup.objects.select_related("parent"), group_id, gettext_lazy("No such account group"))


def accounts(*, group=None, account_type=None, is_active=None):
    qs = Account.objects.select_related("group")
    if group:
        try:
            key = {"pk": uuid.UUID(str(group))}
        except ValueError:
            key = {"code": group}
        found = AccountGroup.objects.filter(**key).first()
        if found is None:
            raise ValidationFailed(_("No account group '%(group)s'") % {"group": group}, code="unknown", field="group")
        qs = qs.filter(group__path__startswith=found.path)
    if account_type:
        qs = qs.filter(account_type=account_type)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


def access_account(account_id) -> Account:
    return _get(Account.objects.select_related("group"), account_id, gettext_lazy("No such account"))


def subledger_group(account_type: str) -> AccountGroup:
    """The group where accounts of `account_type` (CUSTOMER, SUPPLIER, EMPLOYEE) are opened one per counterparty:
    the group of the organization's system account of that type (the default chart's Accounts receivable,
    Accounts payable, Salaries payable). System accounts cannot be deleted nor change type, so it is always found
    in an organization set up with the default chart; an organization without one is refused on `party_type`."""
    account = (
        Account.objects.filter(account_type=account_type, is_system=True)
        .select_related("group")
        .order_by("code")
        .first()
    )
    if account is None:
        raise ValidationFailed(
            f"The chart has no system {account_type} account to open this account beside",
            code="no_ledger_group",
            field="party_type",
        )
    return account.group


def balances_of(account_ids) -> dict:
    """Debit − credit of each account of `account_ids` over every posted line (from the period balance cache, one
    query); an account with no posted line is left out."""
    totals = (
        AccountBalance.objects.filter(account_id__in=list(account_ids))
        .values("account_id")
        .annotate(debit=Sum("debit_total"), credit=Sum("credit_total"))
    )
    return {row["account_id"]: summed(row["debit"] - row["credit"]) for row in totals}


def outstanding_of(*, entry_id, account_id):
    """What the bill that entry `entry_id` made on a receivable or payable account has left outstanding in the base
    currency, unsigned (the open items cache); None when it made none there."""
    found = OpenItem.objects.filter(entry_id=entry_id, account_id=account_id).values_list("outstanding", flat=True)
    value = found.first()
    return None if value is None else abs(value)


def fiscal_years():
    return FiscalYear.objects.all()


def access_fiscal_year(year_id) -> FiscalYear:
    periods = Prefetch("periods", queryset=FiscalPeriod.objects.order_by("period_no"))
    return _get(FiscalYear.objects.prefetch_related(periods), year_id, gettext_lazy("No such fiscal year"))


def fiscal_periods():
    return FiscalPeriod.objects.all()


def access_period(period_id) -> FiscalPeriod:
    return _get(FiscalPeriod.objects.select_related("fiscal_year"), period_id, gettext_lazy("No such fiscal period"))


LIST_FIELDS = (
    "entry_number",
    "date",
    "journal_type",
    "status",
    "narration",
    "total_debit",
    "total_credit",
    "fiscal_period",
    "reversed_entry",
    "posted_at",
    "created_at",
)


FEW_ENTRIES = 5000


def _narrowed(qs, rows, column: str, index_order: str):
    """`qs` restricted to the entries whose ids are `column` of `rows`. When they are few, they are read once
    (along the index `index_order` names) and the page is fetched by id, then ordered; when they are many, the
    journal is read in the list's order and a page is soon found (a semi-join). Row-level security keeps the
    planner from using the columns' statistics (their operators are not leakproof), so the choice is made here."""
    few = list(rows.order_by(index_order).values_list(column, flat=True)[: FEW_ENTRIES + 1])
    if len(few) > FEW_ENTRIES:
        return qs.filter(pk__in=rows.order_by().values(column))
    if not few:
        return qs.none()
    return qs.filter(pk__in=RawSQL("SELECT unnest(%s::uuid[])", [few]))  # one parameter, not thousands


def journal_entries(
    *, status=None, journal_type=None, date_from=None, date_to=None, account=None, amount_min=None, amount_max=None
):
    """Entries filtered by status, journal type code, date range (both ends included), an account one of their
    lines is on (id or code) and their total, with the columns the list shows (its page reads nothing else: every
    other column would be loaded and thrown away)."""
    qs = (
        JournalEntry.objects.filter(deleted_at__isnull=True)
        .only(*LIST_FIELDS)
        # columns, not a JournalType per row; the totals are in the organization's base currency
        .annotate(journal_type_code=F("journal_type__code"), base_currency=F("organization__base_currency__code"))
    )
    if account:
        found = resolve_report_account(account)
        qs = _narrowed(qs, JournalLine.objects.filter(account=found), "entry_id", "entry_date")
    if amount_min is not None and amount_max is not None and amount_min > amount_max:
        raise ValidationFailed(_("amount_min must not be above amount_max"), code="invalid_range", field="amount_max")
    if amount_min is not None or amount_max is not None:
        amounts = filter_present(JournalEntry.objects.all(), total_debit__gte=amount_min, total_debit__lte=amount_max)
        qs = _narrowed(qs, amounts, "id", "total_debit")
    qs = filter_present(qs, status=status, journal_type__code=journal_type)
    return within_dates(qs, "date", date_from, date_to)


def journal_types():
    """The active journal types, by code."""
    return JournalType.objects.filter(is_active=True).order_by("code")


def cost_centers(*, is_active=None):
    qs = CostCenter.objects.all()
    return qs if is_active is None else qs.filter(is_active=is_active)


def access_cost_center(cost_center_id) -> CostCenter:
    return _get(CostCenter.objects.all(), cost_center_id, gettext_lazy("No such cost center"))


def access_journal_entry(entry_id) -> JournalEntry:
    lines = Prefetch(
        "lines", queryset=JournalLine.objects.select_related("account", "currency", "cost_center").order_by("line_no")
    )
    return _get(
        JournalEntry.objects.filter(deleted_at__isnull=True)
        .select_related("journal_type")
        .annotate(base_currency=F("organization__base_currency__code"))  # the totals' currency
        .prefetch_related(lines),
        entry_id,
        gettext_lazy("No such journal entry"),
    )
