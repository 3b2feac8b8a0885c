"""A party's statement in the desk (/parties/<id>/statement/): a date range, the opening balance, each posted line on
the party's account with the running balance, the totals and the closing balance; the same layout as a PDF, CSV or
XLSX download, laid out and printed as the accounting reports are (their Layout and print template). For members
holding parties.view_statement."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.accounting.pages.report_layouts import Cell, Column, Layout, Row, entry_link
from comptoir.accounting.pages.reports import FILES, download_layout
from comptoir.desk.access import desk_page
from comptoir.desk.registry import record_url
from comptoir.desk.templatetags.desk import day
from comptoir.parties import queries
from comptoir.platform.errors import NotFound, ValidationFailed

PERMISSION = "parties.view_statement"
PAGE_LINES = 1000


def statement_layout(party, date_from: str, date_to: str, limit: int | None) -> Layout:
    report = queries.statement(party, date_from=date_from, date_to=date_to, limit=limit)
    blank = [Cell(), Cell()]
    rows = [Row("note", [Cell(_("Opening balance")), *blank, Cell(), Cell(), Cell(report["opening_balance"])])]
    for line in report["lines"]:
        cells = [
            Cell(line["date"]),
            Cell(line["entry_number"], href=entry_link(line["entry_id"])),
            Cell(line["narration"] or line["remarks"]),
        ]
        debit, credit = Cell(line["debit"], blank_zero=True), Cell(line["credit"], blank_zero=True)
        rows.append(Row("line", [*cells, debit, credit, Cell(line["balance"])]))
    totals = [Cell(report["total_debit"]), Cell(report["total_credit"])]
    rows.append(Row("total", [Cell(_("Total")), *blank, *totals, Cell()]))
    rows.append(Row("total", [Cell(_("Closing balance")), *blank, Cell(), Cell(), Cell(report["closing_balance"])]))
    columns = [
        Column(_("Date")),
        Column(_("Document")),
        Column(_("Narration")),
        Column(_("Debit"), True),
        Column(_("Credit"), True),
        Column(_("Balance"), True),
    ]
    span = _("%(start)s – %(end)s") % {"start": day(report["date_from"]), "end": day(report["date_to"])}
    subtitle = f"{party.party_number} {party.name} · {span} · {report['currency']}"
    return Layout(_("Statement of account"), subtitle, columns, rows, truncated=bool(report["next_cursor"]))


@never_cache
@require_GET
@desk_page(PERMISSION)
def statement_page(request, actor, pk):
    """GET `date_from`/`date_to` (default: this year to today) renders it; `format=pdf|csv|xlsx` downloads it. A
    refused date answers 422 with its message."""
    try:
        party = queries.access_party(pk)
    except NotFound:
        raise Http404("No such party") from None
    today = timezone.localdate()
    form = {
        "date_from": request.GET.get("date_from", "").strip() or today.replace(month=1, day=1).isoformat(),
        "date_to": request.GET.get("date_to", "").strip() or today.isoformat(),
    }
    file_format = request.GET.get("format", "")
    layout, error = None, ""
    try:
        layout = statement_layout(party, form["date_from"], form["date_to"], None if file_format else PAGE_LINES)
    except ValidationFailed as exc:
        error = exc.message
    if layout is not None and file_format in FILES:
        slug = f"statement-{party.party_number}"
        return download_layout(request, slug, layout, file_format, object_type="parties.party")
    query = urlencode(form)
    context = {
        "party": party,
        "party_url": record_url("parties", "parties", party.pk),
        "form": form,
        "error": error,
        "layout": layout,
        "downloads": [(fmt.upper(), f"?{query}&format={fmt}") for fmt in FILES],
    }
    return TemplateResponse(request, "parties/statement.html", context, status=422 if error else 200)
