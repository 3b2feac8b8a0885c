"""Fiscal years and their monthly periods. Years of one organization never overlap (checked here under a lock,
and by an exclusion constraint when btree_gist exists); exactly one is current; periods close and reopen."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, connection, transaction

from comptoir.accounting.constants import PERIOD_TRANSITIONS, PeriodStatus
from comptoir.accounting.models import FiscalPeriod, FiscalYear
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition

YEAR_AUDITED = ("name", "start_date", "end_date", "is_current", "is_closed")
MAX_MONTHS = 24


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
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"accounting.fiscal_year:{require_org_id()}"]
        )


def create_fiscal_year(*, actor, data: dict) -> FiscalYear:
    """A fiscal year and its monthly periods, all OPEN. Refused when it overlaps another year of the organization.
    The first year of an organization, or one created with `is_current`, becomes the current one."""
    name = (data.get("name") or "").strip()
    start, end = data.get("start_date"), data.get("end_date")
    if not name:
        raise ValidationFailed("name is required", code="required", field="name")
    if len(name) > 20:
        raise ValidationFailed("name is longer than 20 characters", code="too_long", field="name")
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        raise ValidationFailed("start_date and end_date are required", code="required", field="start_date")
    if start >= end:
        raise ValidationFailed("end_date must be after start_date", code="invalid_range", field="end_date")
    if end > _add_months(start, MAX_MONTHS):
        raise ValidationFailed(f"A fiscal year lasts at most {MAX_MONTHS} months", code="too_long", field="end_date")
    with transaction.atomic():
        _lock_fiscal_years()
        clash = FiscalYear.objects.filter(start_date__lte=end, end_date__gte=start).first()
        if clash is not None:
            raise ValidationFailed(
                f"The dates overlap fiscal year {clash.name}", code="overlapping_fiscal_year", field="start_date"
            )
        make_current = bool(data.get("is_current")) or not FiscalYear.objects.exists()
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
                    "The dates overlap another fiscal year", code="overlapping_fiscal_year", field="start_date"
                ) from exc
            raise ValidationFailed(f"A fiscal year named '{name}' exists", code="duplicate", field="name") from exc
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
            raise NotFound("No such fiscal year")
        if year.is_closed:
            raise Conflict("A closed fiscal year cannot be the current one", code="fiscal_year_closed")
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
        raise NotFound("No such fiscal period")
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
            raise Conflict("The fiscal year is closed", code="fiscal_year_closed", field="fiscal_year")
        transition(period, PeriodStatus.OPEN, actor=actor, transitions=PERIOD_TRANSITIONS, reason=reason or "reopened")
    return period


def period_of(day: datetime.date) -> FiscalPeriod | None:
    """The period of the organization's fiscal years that contains `day`."""
    return FiscalPeriod.objects.select_related("fiscal_year").filter(start_date__lte=day, end_date__gte=day).first()
