"""The report pages (/accounting/reports/…): a form for the dates, the table, and CSV/XLSX downloads. For signed-in
members holding accounting.view_report, in the organization of their session (as the landing page). Thin: the
figures come from queries/reports*.py, the files from the platform's export mechanism."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.accounting.api.reports import PERMISSION, export_report
from comptoir.accounting.queries import reports as statements
from comptoir.accounting.queries import reports_ledger as ledger
from comptoir.accounting.schemas.reports import EXPORTS
from comptoir.platform.errors import ValidationFailed


@dataclass(frozen=True)
class ReportPage:
    title: str
    fields: tuple[str, ...]  # form fields, among as_of, date_from, date_to, account, kind
    columns: tuple[tuple[str, str], ...]  # (header, row key)
    summary: tuple[tuple[str, str], ...]  # (label, report key) shown above the table
    build: object  # the query, called with the form's fields


def _amounts(*keys: str) -> tuple[tuple[str, str], ...]:
    return tuple((key.replace("_", " ").capitalize(), key) for key in keys)


PAGES: dict[str, ReportPage] = {
    "trial-balance": ReportPage(
        "Trial balance",
        ("as_of",),
        (("Account", "account"), ("Name", "name"), ("Group", "group"), ("Debit", "debit"), ("Credit", "credit")),
        (("Total debit", "totals.debit"), ("Total credit", "totals.credit")),
        lambda f: statements.trial_balance(as_of=f["as_of"]),
    ),
    "profit-and-loss": ReportPage(
        "Profit and loss",
        ("date_from", "date_to"),
        (("Account", "account"), ("Name", "name"), ("Nature", "nature"), ("Amount", "amount")),
        _amounts("income", "expense", "net_profit"),
        lambda f: statements.profit_and_loss(date_from=f["date_from"], date_to=f["date_to"]),
    ),
    "balance-sheet": ReportPage(
        "Balance sheet",
        ("as_of",),
        (("Account", "account"), ("Name", "name"), ("Nature", "nature"), ("Amount", "amount")),
        _amounts("assets", "liabilities", "equity", "current_earnings"),
        lambda f: statements.balance_sheet(as_of=f["as_of"]),
    ),
    "general-ledger": ReportPage(
        "General ledger",
        ("account", "date_from", "date_to"),
        (
            ("Date", "date"),
            ("Entry", "entry_number"),
            ("Narration", "narration"),
            ("Debit", "debit"),
            ("Credit", "credit"),
            ("Balance", "balance"),
        ),
        _amounts("opening_balance", "total_debit", "total_credit", "closing_balance"),
        lambda f: ledger.general_ledger(
            account=f["account"], date_from=f["date_from"], date_to=f["date_to"], limit=f["limit"]
        ),
    ),
    "aging": ReportPage(
        "Receivable and payable aging",
        ("kind", "as_of"),
        (
            ("Entry", "entry_number"),
            ("Date", "date"),
            ("Due", "due_date"),
            ("Account", "account"),
            ("Outstanding", "outstanding"),
            ("Days overdue", "days_overdue"),
            ("Bucket", "bucket"),
        ),
        (
            ("Not due", "buckets.not_due"),
            ("0–30", "buckets.0-30"),
            ("31–60", "buckets.31-60"),
            ("61–90", "buckets.61-90"),
            ("Over 90", "buckets.90+"),
            ("Total", "total"),
        ),
        lambda f: ledger.aging(kind=f["kind"], as_of=f["as_of"]),
    ),
    "cash-flow": ReportPage(
        "Cash flow (direct method)",
        ("date_from", "date_to"),
        (("Account", "account"), ("Name", "name"), ("Category", "category"), ("Amount", "amount")),
        _amounts("opening_cash", "net_change", "closing_cash"),
        lambda f: ledger.cash_flow(date_from=f["date_from"], date_to=f["date_to"]),
    ),
}


def _defaults(today: datetime.date) -> dict:
    return {
        "as_of": today.isoformat(),
        "date_from": today.replace(month=1, day=1).isoformat(),
        "date_to": today.isoformat(),
        "account": "",
        "kind": "receivable",
    }


def _dig(report: dict, key: str):
    value = report
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


@dataclass(frozen=True)
class Cell:
    """A value as a page shows it: amounts right-aligned with thousands separators, negatives marked."""

    text: str
    amount: bool = False
    negative: bool = False


def _cell(value) -> Cell:
    if isinstance(value, Decimal):
        return Cell(f"{value:,f}", amount=True, negative=value < 0)
    return Cell("" if value is None else str(value))


def _member_with_permission(request):
    actor = getattr(request, "actor", None)
    if actor is None or actor.organization_id is None:
        raise Http404("No organization")
    if not actor.can(PERMISSION):
        raise PermissionDenied(f"Missing permission {PERMISSION}")
    return actor


@never_cache
@require_GET
@login_required
def report_index(request):
    _member_with_permission(request)
    pages = [{"slug": slug, "title": page.title} for slug, page in PAGES.items()]
    return TemplateResponse(request, "accounting/reports/index.html", {"pages": pages})


@never_cache
@require_GET
@login_required
def report_page(request, slug: str):
    """GET with the form's fields renders the report; `format=csv|xlsx` downloads its rows instead."""
    _member_with_permission(request)
    page = PAGES.get(slug)
    if page is None:
        raise Http404("No such report")
    form = {**_defaults(timezone.localdate()), **{k: v for k, v in request.GET.items() if k in page.fields}}
    export = request.GET.get("format")
    form["limit"] = None if export in ("csv", "xlsx") else ledger.MAX_LEDGER_LIMIT  # a page shows the first lines
    report, error = None, None
    if "account" not in page.fields or form["account"]:
        try:
            report = page.build(form)
        except ValidationFailed as exc:
            error = {"message": exc.message, "field": exc.errors[0].field if exc.errors else ""}
    if report is not None and export in ("csv", "xlsx"):
        return export_report(request, slug, report, export)
    query = urlencode({k: form[k] for k in page.fields})
    rows = report[EXPORTS[slug][0]] if report else []
    table = [[_cell(row.get(key)) for _, key in page.columns] for row in rows]
    context = {
        "slug": slug,
        "page": page,
        "form": form,
        "error": error,
        "report": report,
        "summary": [(label, _cell(_dig(report, key))) for label, key in page.summary] if report else [],
        "table": table,
        "headers": [(header, any(row[i].amount for row in table)) for i, (header, _) in enumerate(page.columns)],
        "downloads": [(fmt.upper(), f"?{query}&format={fmt}") for fmt in ("csv", "xlsx")],
        "truncated": bool(report and report.get("next_cursor")),
    }
    return TemplateResponse(request, "accounting/reports/report.html", context, status=422 if error else 200)
