"""Reads of the chart, fiscal years and journal, scoped to the organization in context. `access_<noun>(id)`
answers NotFound for a row that is missing or belongs to another organization."""

from __future__ import annotations

import uuid

from django.db.models import F, Prefetch

from comptoir.accounting.models import Account, AccountGroup, FiscalPeriod, FiscalYear, JournalEntry, JournalLine
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.queries.filters import filter_present, within_dates


def _get(queryset, pk, label: str):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"No such {label}")
    return row


def account_groups(*, nature=None):
    qs = AccountGroup.objects.all()
    return qs.filter(nature=nature) if nature else qs


def access_account_group(group_id) -> AccountGroup:
    return _get(AccountGroup.objects.all(), group_id, "account group")


def accounts(*, group=None, account_type=None, is_active=None):
    qs = Account.objects.select_related("group")
    if group:
        try:
            key = {"pk": uuid.UUID(str(group))}
        except ValueError:
            key = {"code": group}
        found = AccountGroup.objects.filter(**key).first()
        if found is None:
            raise ValidationFailed(f"No account group '{group}'", code="unknown", field="group")
        qs = qs.filter(group__path__startswith=found.path)
    if account_type:
        qs = qs.filter(account_type=account_type)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


def access_account(account_id) -> Account:
    return _get(Account.objects.select_related("group"), account_id, "account")


def fiscal_years():
    return FiscalYear.objects.all()


def access_fiscal_year(year_id) -> FiscalYear:
    periods = Prefetch("periods", queryset=FiscalPeriod.objects.order_by("period_no"))
    return _get(FiscalYear.objects.prefetch_related(periods), year_id, "fiscal year")


def access_period(period_id) -> FiscalPeriod:
    return _get(FiscalPeriod.objects.all(), period_id, "fiscal period")


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


def journal_entries(*, status=None, journal_type=None, date_from=None, date_to=None):
    """Entries filtered by status, journal type code and date range (both ends included), with the columns the list
    shows (its page reads nothing else: every other column would be loaded and thrown away)."""
    qs = (
        JournalEntry.objects.filter(deleted_at__isnull=True)
        .only(*LIST_FIELDS)
        .annotate(journal_type_code=F("journal_type__code"))  # a column, not a JournalType per row
    )
    return within_dates(filter_present(qs, status=status, journal_type__code=journal_type), "date", date_from, date_to)


def access_journal_entry(entry_id) -> JournalEntry:
    lines = Prefetch(
        "lines", queryset=JournalLine.objects.select_related("account", "currency", "cost_center").order_by("line_no")
    )
    return _get(
        JournalEntry.objects.filter(deleted_at__isnull=True).select_related("journal_type").prefetch_related(lines),
        entry_id,
        "journal entry",
    )
