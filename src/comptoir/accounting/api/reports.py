"""Financial reports at /api/v1/accounting/reports/…: JSON, or a CSV/XLSX file with `?format=csv|xlsx` (the
platform's export mechanism, audited). Every report needs accounting.view_report."""

from __future__ import annotations

from ninja import Query, Router

from comptoir.accounting.queries import reports as statements
from comptoir.accounting.queries import reports_ledger as ledger
from comptoir.accounting.schemas.reports import (
    EXPORTS,
    AgingOut,
    AsOfParams,
    BalanceSheetOut,
    CashFlowOut,
    ExportFormat,
    GeneralLedgerOut,
    LedgerParams,
    ProfitAndLossOut,
    RangeParams,
    TrialBalanceOut,
)
from comptoir.platform.access import authorize
from comptoir.platform.exports import report_or_export

router = Router()
PERMISSION = "accounting.view_report"


def export_report(request, slug: str, report: dict, format: str):
    """The report's rows as a file in `format` (columns from schemas.reports.EXPORTS); the export is audited."""
    key, columns = EXPORTS[slug]
    export = ExportFormat(format=format)
    return report_or_export(
        request, report, export, rows=key, columns=columns, filename=slug, object_type="accounting.report", report=slug
    )


def _respond(request, slug: str, report: dict, export: ExportFormat):
    return report if export.format is None else export_report(request, slug, report, export.format)


@router.get("/reports/trial-balance", response=TrialBalanceOut)
def trial_balance(request, params: Query[AsOfParams], export: Query[ExportFormat], by_group: bool = False):
    """Debit and credit totals per account as of a date (`by_group` rolls them up); `?format=csv|xlsx` exports it."""
    authorize(request, PERMISSION)
    return _respond(request, "trial-balance", statements.trial_balance(as_of=params.as_of, by_group=by_group), export)


@router.get("/reports/profit-and-loss", response=ProfitAndLossOut)
def profit_and_loss(request, params: Query[RangeParams], export: Query[ExportFormat]):
    """Income less expenses over a period; `?format=csv|xlsx` exports it."""
    authorize(request, PERMISSION)
    report = statements.profit_and_loss(date_from=params.date_from, date_to=params.date_to)
    return _respond(request, "profit-and-loss", report, export)


@router.get("/reports/balance-sheet", response=BalanceSheetOut)
def balance_sheet(request, params: Query[AsOfParams], export: Query[ExportFormat]):
    """Assets, liabilities and equity at a date; `?format=csv|xlsx` exports it."""
    authorize(request, PERMISSION)
    return _respond(request, "balance-sheet", statements.balance_sheet(as_of=params.as_of), export)


@router.get("/reports/general-ledger", response=GeneralLedgerOut)
def general_ledger(request, params: Query[LedgerParams], export: Query[ExportFormat]):
    """The posted lines of an account with running balances; `?format=csv|xlsx` exports it."""
    authorize(request, PERMISSION)
    report = ledger.general_ledger(
        account=params.account,
        date_from=params.date_from,
        date_to=params.date_to,
        cursor=params.cursor,
        limit=None if export.format else params.limit,
    )
    return _respond(request, "general-ledger", report, export)


@router.get("/reports/aging", response=AgingOut)
def aging(request, params: Query[AsOfParams], export: Query[ExportFormat], kind: str = "receivable"):
    """Open receivables (or payables, `kind=payable`) by age bucket as of a date; `?format=csv|xlsx` exports it."""
    authorize(request, PERMISSION)
    return _respond(request, "aging", ledger.aging(kind=kind, as_of=params.as_of), export)


@router.get("/reports/cash-flow", response=CashFlowOut)
def cash_flow(request, params: Query[RangeParams], export: Query[ExportFormat]):
    """Cash in and out over a period by activity; `?format=csv|xlsx` exports it."""
    authorize(request, PERMISSION)
    return _respond(request, "cash-flow", ledger.cash_flow(date_from=params.date_from, date_to=params.date_to), export)
