"""Fiscal years and their monthly periods. Years of one organization never overlap (checked here under a lock,
and by an exclusion constraint when btree_gist exists); exactly one is current; periods close and reopen.

A year closes in date order, with no draft left in it: one CLOSING entry on its last day moves every income and
expense balance of the year to retained earnings, then its periods and the year close and the next year becomes
current. Balances are cumulative, so balance-sheet accounts carry forward and P&L accounts start the next year at
zero. Only the most recent closed year reopens, by reversing its closing entry."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.accounting.constants import PERIOD_TRANSITIONS, EntryStatus, EntryType, Nature, PeriodStatus, ReportType
from comptoir.accounting.models import Account, AccountBalance, FiscalPeriod, FiscalYear, JournalEntry
from comptoir.accounting.services.chart import resolve_account
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.locks import advisory_lock
from comptoir.platform.money import trim
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.features import ensure_financial_writes_allowed
from comptoir.platform.transitions import transition

YEAR_AUDITED = ("name", "start_date", "end_date", "is_current", "is_closed")
RETAINED_EARNINGS = "3100"  # the system retained-earnings account of the default chart (services.setup)
CLOSING_JOURNAL = "CLOSING"
MAX_MONTHS = 24
MAX_NAME = FiscalYear._meta.get_field("name").max_length


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by `months`, clamped to the end of the target month."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def monthly_periods(start: datetime.date, end: datetime.date) -> list[tuple[int, datetime.date, datetime.date]]:
    """(period_no, start, end) tiling [start, end] in months counted from `start`."""
    out = []
    n = 0
    while True:
        p_start = _add_months(start, n)
        if p_start > end:
            return out
        p_end = min(_add_months(start, n + 1) - datetime.timedelta(days=1), end)
        out.append((n + 1, p_start, p_end))
        n += 1


def _lock_fiscal_years() -> None:
    """Serialize fiscal-year creation in the organization until the transaction ends."""
    advisory_lock("accounting.fiscal_year")


@dataclasses.dataclass(frozen=True, kw_only=True)
class FiscalYearInput:
    name: str
    start_date: datetime.date
    end_date: datetime.date
    is_current: bool = False


def create_fiscal_year(*, actor, data: FiscalYearInput) -> FiscalYear:
    """A fiscal year and its monthly periods, all OPEN. Refused when it overlaps another year of the organization.
    The first year of an organization, or one created with `is_current`, becomes the current one."""
    name = data.name.strip()
    start, end = data.start_date, data.end_date
    if not name:
        raise ValidationFailed(_("name is required"), code="required", field="name")
    if start >= end:
        raise ValidationFailed(_("end_date must be after start_date"), code="invalid_range", field="end_date")
    if end > _add_months(start, MAX_MONTHS):
        raise ValidationFailed(
            _("A fiscal year lasts at most %(max_months)s months") % {"max_months": MAX_MONTHS},
            code="too_long",
            field="end_date",
        )
    with transaction.atomic():
        _lock_fiscal_years()
        clash = FiscalYear.objects.filter(start_date__lte=end, end_date__gte=start).first()
        if clash is not None:
            raise ValidationFailed(
                _("The dates overlap fiscal year %(name)s") % {"name": clash.name},
                code="overlapping_fiscal_year",
                field="start_date",
            )
        make_current = data.is_current or not FiscalYear.objects.exists()
        if make_current:
            FiscalYear.objects.filter(is_current=True).update(is_current=False)
        try:
            with transaction.atomic():
                year = FiscalYear.objects.create(
                    name=name,
                    start_date=start,
                    end_date=end,
                    is_current=make_current,
                    created_by=actor,
                    updated_by=actor,
                )
        except IntegrityError as exc:
            if "no_overlap" in str(exc):
                raise ValidationFailed(
                    _("The dates overlap another fiscal year"), code="overlapping_fiscal_year", field="start_date"
                ) from exc
            raise ValidationFailed(
                _("A fiscal year named '%(name)s' exists") % {"name": name}, code="duplicate", field="name"
            ) from exc
        FiscalPeriod.objects.bulk_create(
            FiscalPeriod(
                organization_id=year.organization_id,
                fiscal_year=year,
                period_no=no,
                start_date=p_start,
                end_date=p_end,
                created_by=actor,
                updated_by=actor,
            )
            for no, p_start, p_end in monthly_periods(start, end)
        )
        record_audit(actor=actor, action=AuditAction.CREATE, obj=year, new=snapshot(year, YEAR_AUDITED))
    return year


def set_current_fiscal_year(*, actor, fiscal_year_id) -> FiscalYear:
    with transaction.atomic():
        _lock_fiscal_years()
        year = FiscalYear.objects.filter(pk=fiscal_year_id).first()
        if year is None:
            raise NotFound(_("No such fiscal year"))
        if year.is_closed:
            raise Conflict(_("A closed fiscal year cannot be the current one"), code="fiscal_year_closed")
        previous = FiscalYear.objects.filter(is_current=True).exclude(pk=year.pk).first()
        FiscalYear.objects.filter(is_current=True).exclude(pk=year.pk).update(is_current=False)
        year.is_current = True
        year.updated_by = actor
        year.save(update_fields=["is_current", "updated_by", "updated_at"])
        record_audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=year,
            old={"is_current": False, "previous": previous.pk if previous else None},
            new={"is_current": True},
        )
    return year


def _locked_period(period_id) -> FiscalPeriod:
    period = FiscalPeriod.objects.select_for_update().select_related("fiscal_year").filter(pk=period_id).first()
    if period is None:
        raise NotFound(_("No such fiscal period"))
    return period


def close_period(*, actor, period_id, reason: str = "") -> FiscalPeriod:
    """OPEN → CLOSED: no entry can be posted into the period any more. Waits for postings in flight into it."""
    with transaction.atomic():
        period = _locked_period(period_id)
        transition(period, PeriodStatus.CLOSED, actor=actor, transitions=PERIOD_TRANSITIONS, reason=reason)
    return period


def reopen_period(*, actor, period_id, reason: str = "") -> FiscalPeriod:
    """CLOSED → OPEN, only in a year that is not closed. The API requires accounting.reopen_period."""
    with transaction.atomic():
        period = _locked_period(period_id)
        if period.fiscal_year.is_closed:
            raise Conflict(_("The fiscal year is closed"), code="fiscal_year_closed", field="fiscal_year")
        transition(period, PeriodStatus.OPEN, actor=actor, transitions=PERIOD_TRANSITIONS, reason=reason or "reopened")
    return period


def period_of(day: datetime.date) -> FiscalPeriod | None:
    """The period of the organization's fiscal years that contains `day`."""
    return FiscalPeriod.objects.select_related("fiscal_year").filter(start_date__lte=day, end_date__gte=day).first()


def _locked_year(fiscal_year_id) -> FiscalYear:
    year = FiscalYear.objects.select_for_update().filter(pk=fiscal_year_id).first()
    if year is None:
        raise NotFound(_("No such fiscal year"))
    return year


def _retained_earnings(ref) -> Account:
    """The account the year's result goes to: `ref` (id or code), else the default chart's system account. It
    must be an active equity account."""
    if ref is None or ref == "":
        account = Account.objects.select_related("group").filter(code=RETAINED_EARNINGS, is_system=True).first()
        if account is None:
            raise ValidationFailed(
                _("The chart has no retained earnings account; give one"),
                code="required",
                field="retained_earnings_account",
            )
    else:
        account = resolve_account(ref, "retained_earnings_account")
    if account.group.nature != Nature.EQUITY or not account.is_active:
        raise ValidationFailed(
            _("Account %(code)s is not an active equity account") % {"code": account.code},
            code="not_equity",
            field="retained_earnings_account",
        )
    return account


def _closing_lines(year: FiscalYear, retained: Account) -> tuple[list, Decimal]:
    """Lines zeroing every P&L account's net for `year` (from the balance cache, summed in SQL) against
    `retained`, and the year's net profit."""
    from comptoir.accounting.services.journal import PostingLine  # journal imports this module: import late

    nets = (
        AccountBalance.objects.filter(
            fiscal_period__fiscal_year=year, account__group__report_type=ReportType.PROFIT_AND_LOSS
        )
        .values("account_id", "account__code")
        .annotate(net=Sum("debit_total") - Sum("credit_total"))
        .exclude(net=0)
        .order_by("account__code")
    )
    rows = list(nets)
    accounts = Account.objects.in_bulk([row["account_id"] for row in rows])
    lines, profit = [], Decimal(0)
    for row in rows:
        net = row["net"]
        profit -= net  # a credit (income) balance is profit, a debit (expense) balance is loss
        entry_type = EntryType.CREDIT if net > 0 else EntryType.DEBIT
        lines.append(PostingLine(account=accounts[row["account_id"]], side=entry_type, amount=abs(net)))
    if lines and profit != 0:
        entry_type = EntryType.CREDIT if profit > 0 else EntryType.DEBIT
        lines.append(PostingLine(account=retained, side=entry_type, amount=abs(profit)))
    return lines, profit


def _next_year_name(year: FiscalYear, start: datetime.date, end: datetime.date) -> str:
    """The name after `year`'s ("2026" → "2027"), else the years the dates span ("2026" or "2026-2027")."""
    if year.name.isdecimal() and len(following := str(int(year.name) + 1)) <= MAX_NAME:
        return following
    return str(start.year) if start.year == end.year else f"{start.year}-{end.year}"


def _carry_current_forward(*, actor, year: FiscalYear, was_current: bool) -> None:
    """The year after `year` becomes current (when `year` was), and is created (12 months) when none exists."""
    following = FiscalYear.objects.filter(start_date__gt=year.end_date).order_by("start_date").first()
    if following is None:
        start = year.end_date + datetime.timedelta(days=1)
        end = _add_months(start, 12) - datetime.timedelta(days=1)
        data = FiscalYearInput(
            name=_next_year_name(year, start, end), start_date=start, end_date=end, is_current=was_current
        )
        create_fiscal_year(actor=actor, data=data)
    elif was_current:
        set_current_fiscal_year(actor=actor, fiscal_year_id=following.pk)


def close_fiscal_year(*, actor, fiscal_year_id, retained_earnings_account=None) -> FiscalYear:
    """Close a year: refused when it is closed, an earlier year is open, or a draft is dated in it. Posts one
    CLOSING entry on the last day (none when the year has no P&L balance), then closes every period and the
    year; the next year (created when missing) becomes current if this one was."""
    from comptoir.accounting.services.journal import SourceRef, post_document  # journal imports this module

    with transaction.atomic():
        ensure_financial_writes_allowed()
        _lock_fiscal_years()
        year = _locked_year(fiscal_year_id)
        if year.is_closed:
            raise Conflict(_("Fiscal year %(name)s is already closed") % {"name": year.name}, code="already_closed")
        earlier = FiscalYear.objects.filter(start_date__lt=year.start_date, is_closed=False).order_by("start_date")
        if (first_open := earlier.first()) is not None:
            raise Conflict(_("Close fiscal year %(name)s first") % {"name": first_open.name}, code="earlier_year_open")
        # Locking the periods waits for postings in flight into them; later postings see them closed.
        periods = list(FiscalPeriod.objects.select_for_update().filter(fiscal_year=year).order_by("start_date"))
        drafts = JournalEntry.objects.filter(
            status=EntryStatus.DRAFT, date__gte=year.start_date, date__lte=year.end_date, deleted_at__isnull=True
        ).count()
        if drafts:
            raise Conflict(
                ngettext(
                    "%(count)d draft entry is dated in %(name)s; post or cancel it",
                    "%(count)d draft entries are dated in %(name)s; post or cancel them",
                    drafts,
                )
                % {"count": drafts, "name": year.name},
                code="drafts_open",
            )
        retained = _retained_earnings(retained_earnings_account)
        lines, profit = _closing_lines(year, retained)
        closing = None
        if lines:
            # The closing entry goes into the last period before it closes (reopened for it if needed).
            FiscalPeriod.objects.filter(pk=periods[-1].pk).update(status=PeriodStatus.OPEN)
            closing = post_document(
                actor=actor,
                source=SourceRef("accounting.fiscalyear", year.pk),
                date=year.end_date,
                journal_type=CLOSING_JOURNAL,
                narration=f"Closing of fiscal year {year.name}",
                lines=lines,
            )
        now = timezone.now()
        FiscalPeriod.objects.filter(fiscal_year=year, status=PeriodStatus.OPEN).update(
            status=PeriodStatus.CLOSED, closed_at=now, closed_by=actor, updated_by=actor, updated_at=now
        )
        was_current = year.is_current
        year.is_closed, year.is_current = True, False
        year.closed_at, year.closed_by, year.closing_entry, year.updated_by = now, actor, closing, actor
        year.save(
            update_fields=[
                "is_closed",
                "is_current",
                "closed_at",
                "closed_by",
                "closing_entry",
                "updated_by",
                "updated_at",
            ]
        )
        record_audit(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=year,
            old={"is_closed": False, "is_current": was_current},
            new={"is_closed": True, "is_current": False, "closing_entry": closing.pk if closing else None},
            metadata={"retained_earnings_account": retained.code, "net_profit": trim(profit)},
        )
        _carry_current_forward(actor=actor, year=year, was_current=was_current)
    return year


def reopen_fiscal_year(*, actor, fiscal_year_id, reason: str = "") -> FiscalYear:
    """Reopen the most recent closed year: its closing entry is reversed on its last day and the year and its
    periods open again. The API requires accounting.reopen_period."""
    from comptoir.accounting.services.journal import reverse_entry  # journal imports this module: import late

    with transaction.atomic():
        ensure_financial_writes_allowed()
        _lock_fiscal_years()
        year = _locked_year(fiscal_year_id)
        if not year.is_closed:
            raise Conflict(_("Fiscal year %(name)s is not closed") % {"name": year.name}, code="not_closed")
        later = FiscalYear.objects.filter(start_date__gt=year.start_date, is_closed=True).order_by("-start_date")
        if (last := later.first()) is not None:
            raise Conflict(_("Reopen fiscal year %(name)s first") % {"name": last.name}, code="later_year_closed")
        FiscalPeriod.objects.select_for_update().filter(fiscal_year=year).update(
            status=PeriodStatus.OPEN, closed_at=None, closed_by=None, updated_by=actor, updated_at=timezone.now()
        )
        closing_id = year.closing_entry_id
        year.is_closed, year.closed_at, year.closed_by, year.closing_entry, year.updated_by = (
            False,
            None,
            None,
            None,
            actor,
        )
        year.save(update_fields=["is_closed", "closed_at", "closed_by", "closing_entry", "updated_by", "updated_at"])
        reversal = None
        if closing_id is not None:
            reversal = reverse_entry(
                actor=actor,
                entry_id=closing_id,
                date=year.end_date,
                narration=f"Reopening of fiscal year {year.name}",
            )
        record_audit(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=year,
            old={"is_closed": True, "closing_entry": closing_id},
            new={"is_closed": False, "reversal": reversal.pk if reversal else None},
            reason=reason or "reopened",
        )
    return year
