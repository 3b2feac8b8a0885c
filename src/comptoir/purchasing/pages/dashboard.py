"""The purchasing dashboard (/purchasing/dashboard/): orders by status, what awaits approval, lines still to
receive, the value received, the top suppliers and the latest receipts, each linked to its page. For members
holding purchasing.view_purchaseorder."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.desk.access import desk_page
from comptoir.desk.registry import record_url
from comptoir.platform.queries.core import current_organization
from comptoir.purchasing import queries

PERMISSION = "purchasing.view_purchaseorder"


@never_cache
@require_GET
@desk_page(PERMISSION)
def dashboard_page(request, actor):
    figures = queries.dashboard()
    currency = current_organization().base_currency
    context = {
        "f": figures,
        "currency": currency.code,
        "places": currency.decimal_places,
        "receipts": [(r, record_url("purchasing", "receipts", r.pk)) for r in figures["recent_receipts"]],
        "awaiting": [(o, record_url("purchasing", "orders", o.pk)) for o in figures["awaiting"]],
        "orders_url": record_url("purchasing", "orders", "")[:-1],
    }
    return TemplateResponse(request, "purchasing/dashboard.html", context)
