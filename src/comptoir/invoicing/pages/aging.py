"""The receivables and payables aging in the desk (/invoicing/aging/): invoicing's aging (queries.aging) by party,
each open invoice, note and advance under its party with what is left in its currency and, in the base currency,
in the column of its age; the party's subtotal and the totals by age; the same layout as a PDF, CSV or XLSX
download, laid out and printed as the accounting reports are (their Layout and print template). For members
holding invoicing.view_aging."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.accounting.pages.report_layouts import AGING_BUCKETS, Cell, Column, Layout, Row
from comptoir.accounting.pages.reports import FILES, download_layout
from comptoir.desk.access import desk_page
from comptoir.desk.registry import record_url
from comptoir.desk.templatetags.desk import day
from comptoir.invoicing import queries
from comptoir.platform.errors import ValidationFailed

PERMISSION = "invoicing.view_aging"
VIEWS = {"invoice": "invoices", "payment": "payments"}


def aging_layout(kind: str, as_of: datetime.date) -> Layout:
    report = queries.aging(kind=kind, as_of=as_of)
    buckets = list(AGING_BUCKETS)
    rows = []
    for party in report["parties"]:
        path = f"/{party['party_number']}/"
        name = f"{party['party_number']} {party['name']}"
        rows.append(Row("group", [Cell(name)] + [Cell()] * (6 + len(buckets)), 0, "", section=path))
        for doc in (r for r in report["rows"] if r["party"] == party["party"]):
            ages = [doc["base_outstanding"] if doc["bucket"] == bucket else None for bucket in buckets]
            cells = [
                Cell(doc["number"], href=record_url("invoicing", VIEWS[doc["document"]], doc["id"])),
                Cell(doc["date"]),
                Cell(doc["due_date"]),
                Cell(doc["days_overdue"] or None),
                Cell(doc["currency"]),
                Cell(doc["outstanding"]),
                *(Cell(value) for value in ages),
                Cell(doc["base_outstanding"]),
            ]
            rows.append(Row("line", cells, 1, path))
        subtotal = [Cell(party["buckets"][bucket]) for bucket in buckets]
        label = _("Total %(name)s") % {"name": party["name"]}
        rows.append(Row("subtotal", [Cell(label), *[Cell()] * 5, *subtotal, Cell(party["total"])], 0, ""))
    totals = [Cell(report["buckets"][bucket]) for bucket in buckets]
    rows.append(Row("total", [Cell(_("Total")), *[Cell()] * 5, *totals, Cell(report["total"])]))
    columns = [
        Column(_("Document")),
        Column(_("Date")),
        Column(_("Due date")),
        Column(_("Days overdue"), True),
        Column(_("Currency")),
        Column(_("In its currency"), True),
        *(Column(str(label), True) for label in AGING_BUCKETS.values()),
        Column(_("Outstanding"), True),
    ]
    title = _("Receivables aging") if kind == "receivable" else _("Payables aging")
    subtitle = _("As of %(date)s") % {"date": day(as_of)} + f" · {report['currency']}"
    return Layout(title, subtitle, columns, rows)


@never_cache
@require_GET
@desk_page(PERMISSION)
def aging_page(request, actor):
    """GET `kind` (receivable or payable) and `as_of` (default today) renders it; `format=pdf|csv|xlsx` downloads
    it. A refused date or kind answers 422 with its message."""
    form = {
        "kind": request.GET.get("kind", "").strip() or "receivable",
        "as_of": request.GET.get("as_of", "").strip() or timezone.localdate().isoformat(),
    }
    file_format = request.GET.get("format", "")
    layout, error = None, ""
    try:
        as_of = datetime.date.fromisoformat(form["as_of"])
    except ValueError:
        error = _("“%(value)s” is not a date") % {"value": form["as_of"]}
    else:
        try:
            layout = aging_layout(form["kind"], as_of)
        except ValidationFailed as exc:
            error = exc.message
    if layout is not None and file_format in FILES:
        return download_layout(request, f"aging-{form['kind']}", layout, file_format, object_type="invoicing.invoice")
    query = urlencode(form)
    context = {
        "form": form,
        "kinds": (("receivable", _("Receivables")), ("payable", _("Payables"))),
        "error": error,
        "layout": layout,
        "downloads": [(fmt.upper(), f"?{query}&format={fmt}") for fmt in FILES],
    }
    return TemplateResponse(request, "invoicing/aging.html", context, status=422 if error else 200)
