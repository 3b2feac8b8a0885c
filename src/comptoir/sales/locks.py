"""Row locks of sales, in the one order every writer takes them: the order, then its lines (by line number)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from comptoir.platform.locks import lock_row
from comptoir.sales.models import OrderItem, SalesOrder


def lock_order(order_id) -> SalesOrder:
    return lock_row(SalesOrder.objects.select_related("party", "currency"), order_id, what=gettext_lazy("sales order"))


def lock_items(order: SalesOrder) -> list[OrderItem]:
    return list(
        OrderItem.objects.filter(sales_order=order)
        .select_related("product")
        .order_by("line_no")
        .select_for_update(of=("self",))
    )
