"""The report pages (/accounting/reports/…) of the desk: a form for the dates (and the comparison), the statement
laid out by report_layouts, and the same layout as a PDF, CSV or XLSX download. For members holding
accounting.view_report, in the organization of their session. Thin: the figures come from queries/reports*.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.accounting.pages import report_layouts as layouts
from comptoir.accounting.queries import reports as statements
from comptoir.accounting.queries import reports_ledger as ledger
from comptoir.desk.access import desk_page
from comptoir.platform.errors import FieldError, ValidationFailed
from comptoir.platform.exports import audit_export, export_response
from comptoir.platform.queries.core import current_organization

PERMISSION = "accounting.view_report"
FILES = ("pdf", "csv", "xlsx")
PRINT_STYLESHEET = "accounting/reports.css"


@dataclass(frozen=True)
class Field:
    label: str
    kind: str = "date"  # date, text, select
    choices: tuple[tuple[str, str], ...] = ()


NO_COMPARISON = ("", gettext_lazy("No comparison"))
FIELDS = {
    "as_of": Field(gettext_lazy("As of")),
    "date_from": Field(gettext_lazy("From")),
    "date_to": Field(gettext_lazy("To")),
    "account": Field(gettext_lazy("Account"), "text"),
    "kind": Field(
        gettext_lazy("Type"),
        "select",
        (("receivable", gettext_lazy("Receivables (customers)")), ("payable", gettext_lazy("Payables (suppliers)"))),
    ),
    "compare_range": Field(
        gettext_lazy("Compare with"),
        "select",
        (
            NO_COMPARISON,
            ("period", gettext_lazy("Previous period of the same length")),
            ("year", gettext_lazy("Same period a year earlier")),
        ),
    ),
    "compare_day": Field(
        gettext_lazy("Compare with"),
        "select",
        (NO_COMPARISON, ("period", gettext_lazy("A month earlier")), ("year", gettext_lazy("A year earlier"))),
    ),
}


@dataclass(frozen=True)
class ReportPage:
    title: str
    description: str
    fields: tuple[str, ...]  # names in FIELDS; both compare_* are the form's `compare`
    build: Callable[[dict, bool], layouts.Layout]  # (the form, whole: every line, for a file)


def _compared(build) -> Callable[[dict, bool], layouts.Layout]:
    return lambda form, whole: build(form, form["compare"])


PAGES: dict[str, ReportPage] = {
    "trial-balance": ReportPage(
        gettext_lazy("Trial balance"),
        gettext_lazy("Every account's balance at a date, in the debit or the credit column, by group of the chart."),
        ("as_of", "compare_day"),
        _compared(layouts.trial_balance),
    ),
    "profit-and-loss": ReportPage(
        gettext_lazy("Profit and loss"),
        gettext_lazy("Income and expenses over a period, by group, and the net profit."),
        ("date_from", "date_to", "compare_range"),
        _compared(layouts.profit_and_loss),
    ),
    "balance-sheet": ReportPage(
        gettext_lazy("Balance sheet"),
        gettext_lazy("Assets, liabilities and equity at a date, with the earnings not closed yet."),
        ("as_of", "compare_day"),
        _compared(layouts.balance_sheet),
    ),
    "general-ledger": ReportPage(
        gettext_lazy("General ledger"),
        gettext_lazy("The posted lines of one account over a period, with the running balance."),
        ("account", "date_from", "date_to"),
        lambda form, whole: layouts.general_ledger(form, None if whole else ledger.MAX_LEDGER_LIMIT),
    ),
    "aging": ReportPage(
        gettext_lazy("Receivable and payable aging"),
        gettext_lazy("Open customer or supplier bills at a date, by how long they are overdue."),
        ("kind", "as_of"),
        lambda form, whole: layouts.aging(form, None if whole else layouts.AGING_PAGE_BILLS),
    ),
    "cash-flow": ReportPage(
        gettext_lazy("Cash flow"),
        gettext_lazy("Cash in and out over a period, by activity and by what it paid or came from."),
        ("date_from", "date_to"),
        lambda form, whole: layouts.cash_flow(form),
    ),
}


def _name(field: str) -> str:
    """The query-string name of a form field (both comparison fields are `compare`)."""
    return "compare" if field.startswith("compare") else field


def _form(request, page: ReportPage) -> dict:
    today = timezone.localdate()
    defaults = {
        "as_of": today.isoformat(),
        "date_from": today.replace(month=1, day=1).isoformat(),
        "date_to": today.isoformat(),
        "account": "",
        "kind": "receivable",
        "compare": "",
    }
    names = {_name(field) for field in page.fields}
    return {**defaults, **{k: v.strip() for k, v in request.GET.items() if k in names}}


MESSAGES = {
    "required": gettext_lazy("“%(label)s” is required."),
    "invalid_date": gettext_lazy("“%(label)s” is not a date: write it as YYYY-MM-DD."),
    "invalid_range": gettext_lazy("“%(label)s” must not be before “%(other)s”."),
    "unknown": gettext_lazy("“%(label)s”: there is no account “%(value)s” in this organization."),
    "invalid": gettext_lazy("“%(label)s”: choose one of the listed values."),
}


def _errors(exc: ValidationFailed, page: ReportPage, form: dict) -> dict[str, str]:
    """The refusal's message per form field, naming the field by its label; one the form has no field for is the
    form's own (key "")."""
    fields = {_name(field): field for field in page.fields}
    errors = {}
    for error in exc.errors or [FieldError("", exc.code, exc.message)]:
        field = fields.get(error.field)
        if field is None:
            errors[""] = error.message
            continue
        template = MESSAGES.get(error.code)
        values = {"label": FIELDS[field].label, "other": FIELDS["date_from"].label, "value": form.get(error.field)}
        errors[error.field] = template % values if template else f"“{FIELDS[field].label}”: {error.message}"
    return errors


def _fields(page: ReportPage, form: dict, errors: dict) -> list[dict]:
    return [
        {
            "name": _name(field),
            "field": FIELDS[field],
            "value": form[_name(field)],
            "error": errors.get(_name(field), ""),
        }
        for field in page.fields
    ]


@never_cache
@require_GET
@desk_page(PERMISSION)
def report_index(request, actor):
    pages = [{"slug": slug, "title": page.title, "description": page.description} for slug, page in PAGES.items()]
    return TemplateResponse(request, "accounting/reports/index.html", {"pages": pages})


@never_cache
@require_GET
@desk_page(PERMISSION)
def report_page(request, actor, slug: str):
    """GET with the form's fields renders the report; `format=pdf|csv|xlsx` downloads the same layout. A refused
    value answers 422 with the message next to its field."""
    page = PAGES.get(slug)
    if page is None:
        raise Http404("No such report")
    form = _form(request, page)
    file_format = request.GET.get("format", "")
    layout, errors = None, {}
    if form["compare"] not in ("", *statements.COMPARISONS):
        errors["compare"] = MESSAGES["invalid"] % {"label": FIELDS["compare_day"].label}
    elif "account" not in page.fields or form["account"]:
        try:
            layout = page.build(form, file_format in FILES)
        except ValidationFailed as exc:
            errors = _errors(exc, page, form)
    if layout is not None and file_format in FILES:
        return download_layout(request, slug, layout, file_format)
    query = urlencode({_name(field): form[_name(field)] for field in page.fields})
    context = {
        "slug": slug,
        "page": page,
        "fields": _fields(page, form, errors),
        "form_error": errors.get(""),
        "layout": layout,
        "accounts": statements.chart_accounts() if "account" in page.fields else [],
        "downloads": [(fmt.upper(), f"?{query}&format={fmt}") for fmt in FILES],
    }
    return TemplateResponse(request, "accounting/reports/report.html", context, status=422 if errors else 200)


def download_layout(
    request, slug: str, layout: layouts.Layout, file_format: str, *, object_type: str = "accounting.report"
):
    """The layout as a PDF, CSV or XLSX file named by `slug` (the export is audited, as the API's are, on
    `object_type`). Other modules' report-like pages (a party's statement) download through it too."""
    audit_export(request, format=file_format, object_type=object_type, report=slug)
    if file_format == "pdf":
        return _pdf(request, slug, layout)
    columns, rows = layout.file_table()
    return export_response(rows, columns, slug, file_format)


def _pdf(request, slug: str, layout: layouts.Layout) -> HttpResponse:
    """The print template rendered by WeasyPrint with the report pages' stylesheet (its print rules)."""
    import weasyprint

    context = {"layout": layout, "organization": current_organization().name, "printed_at": timezone.localtime()}
    html = render_to_string("accounting/reports/print.html", context, request=request)
    stylesheet = weasyprint.CSS(filename=finders.find(PRINT_STYLESHEET))
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{stamp}.pdf"'
    return response
