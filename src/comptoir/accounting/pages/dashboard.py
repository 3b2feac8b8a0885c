"""The accounting widgets of the desk's dashboard (`/`), for holders of accounting.view_report: the key figures, the
revenue and expense of the last twelve months with the month-end cash (Chart.js canvases drawn by
accounting/dashboard.js from the JSON block the page carries, each with a table of its figures), and the most
overdue bills. The figures come from queries/dashboard.py, as of today."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.accounting.queries import dashboard
from comptoir.desk.declarations import Widget
from comptoir.desk.registry import record_url

PERMISSION = "accounting.view_report"
CHART_DATA_ID = "accounting-dashboard-data"
KIND_LABELS = {"receivable": gettext_lazy("Receivable"), "payable": gettext_lazy("Payable")}


def overview(actor) -> dict:
    """The key figures, and the months' figures as the table shows them and as the JSON the charts read (amounts
    as strings): one range query for both."""
    figures, found = dashboard.overview(today=timezone.localdate())
    months = found["months"]
    chart = {
        "currency": found["currency"],
        "places": found["places"],
        "labels": [formats.date_format(m["month"], "M Y") for m in months],
        "series": {
            "revenue": {"label": _("Revenue"), "values": [str(m["revenue"]) for m in months]},
            "expense": {"label": _("Expenses"), "values": [str(m["expense"]) for m in months]},
            "cash": {"label": _("Cash at month end"), "values": [str(m["cash"]) for m in months]},
        },
    }
    return {
        **found,
        "figures": figures,
        "chart": chart,
        "chart_data_id": CHART_DATA_ID,
        "script": static("accounting/dashboard.js"),
    }


def overdue(actor) -> dict:
    found = dashboard.overdue_items(today=timezone.localdate())
    for row in found["rows"]:
        row["url"] = record_url("accounting", "journal-entries", row["entry_id"])
        row["kind_label"] = KIND_LABELS[row["kind"]]
    aging = reverse("accounting_report", args=("aging",))
    return {**found, "receivable_url": f"{aging}?kind=receivable", "payable_url": f"{aging}?kind=payable"}


WIDGETS = (
    Widget("accounting.overview", PERMISSION, "accounting/dashboard/overview.html", overview, order=10),
    Widget("accounting.overdue", PERMISSION, "accounting/dashboard/overdue.html", overdue, order=30),
)
