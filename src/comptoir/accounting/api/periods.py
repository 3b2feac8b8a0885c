"""Fiscal years and their periods."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.accounting.queries import books as queries
from comptoir.accounting.schemas.core import (
    FiscalYearCloseIn,
    FiscalYearDetail,
    FiscalYearIn,
    FiscalYearOut,
    FiscalYearPage,
    PeriodOut,
    ReasonIn,
)
from comptoir.accounting.services import periods
from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams

router = Router()


@router.get("/fiscal-years", response=FiscalYearPage)
def list_fiscal_years(request, page: Query[PageParams], export: Query[ExportParams]):
    """The fiscal years with their periods and status."""
    authorize(request, "accounting.view_fiscalyear")
    return list_or_export(
        request,
        queries.fiscal_years(),
        page,
        export,
        allowed_ordering={"start_date"},
        default_ordering=["-start_date"],
        schema=FiscalYearOut,
        filename="fiscal-years",
    )


@router.post("/fiscal-years", response={201: FiscalYearDetail})
def create_fiscal_year(request, body: FiscalYearIn):
    """Create a fiscal year and its monthly periods."""
    actor = authorize(request, "accounting.add_fiscalyear")
    year = periods.create_fiscal_year(actor=actor.user, data=periods.FiscalYearInput(**body.dict()))
    return Status(201, queries.access_fiscal_year(year.pk))


@router.get("/fiscal-years/{year_id}", response=FiscalYearDetail)
def get_fiscal_year(request, year_id: uuid.UUID):
    """One fiscal year with its periods."""
    authorize(request, "accounting.view_fiscalyear")
    return queries.access_fiscal_year(year_id)


@router.post("/fiscal-years/{year_id}/make-current", response=FiscalYearOut)
def make_fiscal_year_current(request, year_id: uuid.UUID):
    """Make a fiscal year the current one."""
    actor = authorize(request, "accounting.change_fiscalyear")
    queries.access_fiscal_year(year_id)
    return periods.set_current_fiscal_year(actor=actor.user, fiscal_year_id=year_id)


@router.post("/fiscal-years/{year_id}/close", response=FiscalYearDetail)
def close_fiscal_year(request, year_id: uuid.UUID, body: FiscalYearCloseIn | None = None):
    """Post the closing entry to retained earnings and close the year and its periods."""
    actor = authorize(request, "accounting.close_fiscalyear")
    queries.access_fiscal_year(year_id)
    account = body.retained_earnings_account if body is not None else None
    periods.close_fiscal_year(actor=actor.user, fiscal_year_id=year_id, retained_earnings_account=account)
    return queries.access_fiscal_year(year_id)


@router.post("/fiscal-years/{year_id}/reopen", response=FiscalYearDetail)
def reopen_fiscal_year(request, year_id: uuid.UUID, body: ReasonIn | None = None):
    """Reverse the closing entry of the most recent closed year and reopen it; the reason is audited."""
    actor = authorize(request, "accounting.reopen_period")
    queries.access_fiscal_year(year_id)
    periods.reopen_fiscal_year(actor=actor.user, fiscal_year_id=year_id, reason=body.reason if body else "")
    return queries.access_fiscal_year(year_id)


@router.post("/periods/{period_id}/close", response=PeriodOut)
def close_period(request, period_id: uuid.UUID, body: ReasonIn | None = None):
    """Close a fiscal period: no entry posts into it any more."""
    actor = authorize(request, "accounting.change_fiscalperiod")
    queries.access_period(period_id)
    return periods.close_period(actor=actor.user, period_id=period_id, reason=body.reason if body else "")


@router.post("/periods/{period_id}/reopen", response=PeriodOut)
def reopen_period(request, period_id: uuid.UUID, body: ReasonIn | None = None):
    """Reopen a closed period of an open fiscal year; the reason is audited."""
    actor = authorize(request, "accounting.reopen_period")
    queries.access_period(period_id)
    return periods.reopen_period(actor=actor.user, period_id=period_id, reason=body.reason if body else "")
