"""The stock reports in the desk (/inventory/reports/…): a filters form, the report laid out as the accounting
reports are (their Layout, table and print template: amounts right-aligned with separators, negatives in red, the
currency in the subtitle), and the same layout as a PDF, CSV or XLSX download. The figures come from
`queries.reports`, as the API's do: the stock ledger of a product, the stock on hand and its valuation as of a date,
the reorder and expiry reports, and the `inventory_status` view (§29). For members holding
inventory.view_stockbalance (the ledger: inventory.view_stockmovement)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.accounting.pages.report_layouts import Cell, Column, Layout, Row
from comptoir.accounting.pages.reports import FILES, download_layout
from comptoir.desk.access import desk_page
from comptoir.desk.templatetags.desk import day, format_amount
from comptoir.inventory.constants import InventoryStatus, MovementType
from comptoir.inventory.queries import reports
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.queries.core import current_organization

PERMISSION = "inventory.view_stockbalance"
QUANTITY_PLACES = 3


@dataclass(frozen=True)
class Quantity(Cell):
    """A quantity: right-aligned as an amount, with the three decimals quantities are kept to."""

    @property
    def text(self) -> str:
        return "" if self.value is None else format_amount(self.value, QUANTITY_PLACES)


@dataclass(frozen=True)
class Input:
    label: str
    kind: str = "date"  # date, text, select
    required: bool = True
    choices: tuple = ()


INPUTS = {
    "product": Input(gettext_lazy("Product"), "text"),
    "warehouse": Input(gettext_lazy("Warehouse"), "text", required=False),
    "date_from": Input(gettext_lazy("From")),
    "date_to": Input(gettext_lazy("To")),
    "as_of": Input(gettext_lazy("As of")),
    "before": Input(gettext_lazy("Expiring before")),
    "status": Input(
        gettext_lazy("Status"), "select", required=False, choices=(("", gettext_lazy("Any")), *InventoryStatus.choices)
    ),
}


@dataclass(frozen=True)
class ReportPage:
    title: str
    description: str
    inputs: tuple[str, ...]
    build: Callable[[dict], Layout]
    permission: str = PERMISSION


def _date(form: dict, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(form[name])
    except ValueError:
        raise ValidationFailed(
            _("“%(label)s” is not a date: write it as YYYY-MM-DD.") % {"label": INPUTS[name].label},
            code="invalid_date",
            field=name,
        ) from None


def _currency() -> str:
    return current_organization().base_currency


def _movement_label(value: str) -> str:
    return str(MovementType(value).label) if value in MovementType.values else value


def ledger_layout(form: dict) -> Layout:
    if not form["product"]:
        raise ValidationFailed(
            _("“%(label)s” is required.") % {"label": INPUTS["product"].label}, code="required", field="product"
        )
    date_from, date_to = _date(form, "date_from"), _date(form, "date_to")
    if date_to < date_from:
        raise ValidationFailed(_("“To” must not be before “From”."), code="invalid_range", field="date_to")
    report = reports.stock_ledger(
        product=form["product"], warehouse=form["warehouse"] or None, date_from=date_from, date_to=date_to
    )
    blank = [Cell(), Cell(), Cell(), Cell(), Cell()]
    opening = report["opening"]
    rows = [Row("note", [Cell(_("Opening stock")), *blank, Quantity(opening["quantity"]), Cell(opening["value"])])]
    for line in report["movements"]:
        place = " → ".join(code for code in (line["from_warehouse"], line["to_warehouse"]) if code)
        cells = [
            Cell(line["date"]),
            Cell(_movement_label(line["movement_type"])),
            Cell(place),
            Cell(line["batch"] or ""),
            Quantity(line["quantity"]),
            Cell(line["value"]),
            Quantity(line["running_quantity"]),
            Cell(line["running_value"]),
        ]
        rows.append(Row("line", cells))
    closing = report["closing"]
    rows.append(Row("total", [Cell(_("Closing stock")), *blank, Quantity(closing["quantity"]), Cell(closing["value"])]))
    columns = [
        Column(_("Date")),
        Column(_("Movement")),
        Column(_("Warehouses")),
        Column(_("Batch")),
        Column(_("Quantity"), True),
        Column(_("Value"), True),
        Column(_("Running quantity"), True),
        Column(_("Running value"), True),
    ]
    span = _("%(start)s – %(end)s") % {"start": day(date_from), "end": day(date_to)}
    where = form["warehouse"] or _("every warehouse")
    subtitle = f"{report['product']} · {where} · {span} · {_currency()}"
    return Layout(_("Stock ledger"), subtitle, columns, rows)


def on_hand_layout(form: dict) -> Layout:
    as_of = _date(form, "as_of")
    report = reports.stock_on_hand(as_of=as_of, warehouse=form["warehouse"] or None)
    rows = [
        Row(
            "line",
            [
                Cell(r["product"]),
                Cell(r["product_name"]),
                Cell(r["warehouse"]),
                Quantity(r["quantity"]),
                Cell(r["value"]),
            ],
        )  # fmt: skip
        for r in report["rows"]
    ]
    rows.append(Row("total", [Cell(_("Total")), Cell(), Cell(), Cell(), Cell(report["total_value"])]))
    columns = [Column(_("Product")), Column(_("Name")), Column(_("Warehouse")), Column(_("On hand"), True),
               Column(_("Value"), True)]  # fmt: skip
    where = form["warehouse"] or _("every warehouse")
    subtitle = _("As of %(date)s") % {"date": day(as_of)} + f" · {where} · {_currency()}"
    return Layout(_("Stock on hand and valuation"), subtitle, columns, rows)


def reorder_layout(form: dict) -> Layout:
    rows = [
        Row(
            "line",
            [
                Cell(r["product"]),
                Cell(r["name"]),
                Quantity(r["on_hand"]),
                Quantity(r["reserved"]),
                Quantity(r["available"]),
                Quantity(r["reorder_point"]),
                Quantity(r["to_order"]),
            ],
        )  # fmt: skip
        for r in reports.reorder_report()
    ]
    columns = [
        Column(_("Product")),
        Column(_("Name")),
        Column(_("On hand"), True),
        Column(_("Reserved"), True),
        Column(_("Available"), True),
        Column(_("Reorder point"), True),
        Column(_("To order"), True),
    ]
    return Layout(_("Reorder report"), _("Products at or below their reorder point"), columns, rows)


def expiry_layout(form: dict) -> Layout:
    before = _date(form, "before")
    rows = [
        Row(
            "line",
            [
                Cell(r["product"]),
                Cell(r["warehouse"]),
                Cell(r["batch"]),
                Cell(r["exp_date"]),
                Quantity(r["quantity"]),
                Cell(r["value"]),
            ],
        )  # fmt: skip
        for r in reports.expiry_report(before=before)
    ]
    total = sum((r.cells[5].value for r in rows), Decimal("0.00"))
    rows.append(Row("total", [Cell(_("Total")), Cell(), Cell(), Cell(), Cell(), Cell(total)]))
    columns = [Column(_("Product")), Column(_("Warehouse")), Column(_("Batch")), Column(_("Expires")),
               Column(_("Quantity"), True), Column(_("Value"), True)]  # fmt: skip
    subtitle = _("Batches expiring before %(date)s") % {"date": day(before)} + f" · {_currency()}"
    return Layout(_("Expiry report"), subtitle, columns, rows)


def status_layout(form: dict) -> Layout:
    status = form["status"] or None
    if status is not None and status not in InventoryStatus.values:
        raise ValidationFailed(_("Choose one of the listed values."), code="invalid", field="status")
    rows = []
    for r in reports.inventory_status(status=status):
        cells = [
            Cell(r["code"]),
            Cell(r["name"]),
            Cell(str(InventoryStatus(r["inventory_status"]).label)),
            Quantity(r["stock_level"]),
            Quantity(r["reserved_quantity"]),
            Quantity(r["available_quantity"]),
            Cell(r["cost"]),
            Cell(r["margin"]),
            Cell(r["margin_percent"]),
            Cell(r["inventory_value"]),
        ]
        rows.append(Row("line", cells))
    total = sum((r.cells[9].value for r in rows), Decimal("0.00"))
    rows.append(Row("total", [Cell(_("Total")), *[Cell()] * 8, Cell(total)]))
    columns = [
        Column(_("Product")),
        Column(_("Name")),
        Column(_("Status")),
        Column(_("Stock level"), True),
        Column(_("Reserved"), True),
        Column(_("Available"), True),
        Column(_("Standard cost"), True),
        Column(_("Margin"), True),
        Column(_("Margin, %"), True),
        Column(_("Value at standard cost"), True),
    ]
    return Layout(_("Inventory status"), _("Every product that tracks stock") + f" · {_currency()}", columns, rows)


PAGES: dict[str, ReportPage] = {
    "stock-ledger": ReportPage(
        gettext_lazy("Stock ledger"),
        gettext_lazy(
            "One product's movements over a period, after its opening figures, with the running quantity and value."
        ),  # fmt: skip
        ("product", "warehouse", "date_from", "date_to"),
        ledger_layout,
        "inventory.view_stockmovement",
    ),
    "stock-on-hand": ReportPage(
        gettext_lazy("Stock on hand and valuation"),
        gettext_lazy("Quantity and value per product and warehouse as of a date."),
        ("as_of", "warehouse"),
        on_hand_layout,
    ),
    "reorder": ReportPage(
        gettext_lazy("Reorder report"),
        gettext_lazy("Products whose available stock is at or below their reorder point, with the quantity to order."),
        (),
        reorder_layout,
    ),
    "expiry": ReportPage(
        gettext_lazy("Expiry report"),
        gettext_lazy("Stock in batches that expire before a date."),
        ("before",),
        expiry_layout,
    ),
    "inventory-status": ReportPage(
        gettext_lazy("Inventory status"),
        gettext_lazy("Every product's stock level, reservations, status, margin and value at standard cost."),
        ("status",),
        status_layout,
    ),
}


def _form(request, page: ReportPage) -> dict:
    today = timezone.localdate()
    defaults = {
        "product": "",
        "warehouse": "",
        "date_from": today.replace(month=1, day=1).isoformat(),
        "date_to": today.isoformat(),
        "as_of": today.isoformat(),
        "before": (today + datetime.timedelta(days=30)).isoformat(),
        "status": "",
    }
    return {**defaults, **{k: v.strip() for k, v in request.GET.items() if k in page.inputs}}


@never_cache
@require_GET
@desk_page(PERMISSION)
def report_index(request, actor):
    pages = [{"slug": slug, "title": page.title, "description": page.description} for slug, page in PAGES.items()]
    return TemplateResponse(request, "inventory/reports/index.html", {"pages": pages})


@never_cache
@require_GET
@desk_page(PERMISSION)
def report_page(request, actor, slug: str):
    """GET with the form's fields renders the report; `format=pdf|csv|xlsx` downloads the same layout. A refused
    value answers 422 with its message next to its field."""
    page = PAGES.get(slug)
    if page is None:
        raise Http404("No such report")
    if not actor.can(page.permission):
        raise PermissionDenied(_("Missing permission %(permission)s") % {"permission": page.permission})
    form = _form(request, page)
    file_format = request.GET.get("format", "")
    layout, errors = None, {}
    if "product" not in page.inputs or form["product"]:
        try:
            layout = page.build(form)
        except (ValidationFailed, NotFound) as exc:
            field = next((e.field for e in getattr(exc, "errors", None) or []), getattr(exc, "field", "")) or ""
            errors[field if field in page.inputs else ""] = exc.message
    if layout is not None and file_format in FILES:
        return download_layout(request, slug, layout, file_format, object_type="inventory.report")
    query = urlencode({name: form[name] for name in page.inputs})
    fields = [
        {"name": name, "input": INPUTS[name], "value": form[name], "error": errors.get(name, "")}
        for name in page.inputs
    ]
    context = {
        "slug": slug,
        "page": page,
        "fields": fields,
        "form_error": errors.get(""),
        "layout": layout,
        "downloads": [(fmt.upper(), f"?{query}&format={fmt}") for fmt in FILES],
    }
    return TemplateResponse(request, "inventory/reports/report.html", context, status=422 if errors else 200)
