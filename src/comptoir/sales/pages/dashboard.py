"""The sales dashboard: the order book by status, this year's orders by month, the best customers and products."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from comptoir.desk.access import desk_page
from comptoir.platform.queries.core import current_organization
from comptoir.sales import queries


@require_GET
@desk_page("sales.view_salesorder")
def dashboard_page(request, actor):
    figures = queries.dashboard(today=timezone.localdate())
    peak = max((m[2] for m in figures["months"]), default=0) or 1
    months = [(m, n, total, int(100 * total / peak)) for m, n, total in figures["months"]]
    context = {**figures, "months": months, "currency": current_organization().base_currency.code}
    return TemplateResponse(request, "sales/dashboard.html", context)
