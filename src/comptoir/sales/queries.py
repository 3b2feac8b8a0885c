"""Sales' reads: the orders (tenant-scoped, filtered), one order with its lines, what of an order is still to ship
and to invoice (for logistics and invoicing), and the dashboard's figures, aggregated in SQL."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.sales.constants import OPEN_STATUSES, ROLLUP_STATUSES, OrderStatus
from comptoir.sales.models import OrderItem, SalesOrder

ZERO = Decimal(0)


def _lines() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=OrderItem.objects.select_related("product", "uom", "tax_rate", "warehouse").order_by("line_no"),
    )


def orders(*, status=None, party=None, date_from=None, date_to=None, q=None):
    qs = SalesOrder.objects.filter(deleted_at__isnull=True).select_related("party", "currency", "warehouse")
    if status:
        qs = qs.filter(status=status)
    if party:
        try:
            qs = qs.filter(party_id=uuid.UUID(str(party)))
        except ValueError:
            qs = qs.filter(party__party_number=party)
    if date_from:
        qs = qs.filter(order_date__gte=date_from)
    if date_to:
        qs = qs.filter(order_date__lte=date_to)
    if q:
        qs = qs.filter(Q(order_number__icontains=q) | Q(party__name__icontains=q) | Q(customer_po_number__icontains=q))
    return qs


def access_order(order_id) -> SalesOrder:
    """The order with its lines; not found for a missing one and for another organization's."""
    row = (
        SalesOrder.objects.filter(deleted_at__isnull=True)
        .select_related("party", "currency", "warehouse", "approved_by")
        .prefetch_related(_lines())
        .filter(pk=order_id)
        .first()
    )
    if row is None:
        raise NotFound(_("No such sales order"))
    return row


def resolve_order(ref, field: str = "sales_order") -> SalesOrder:
    """The order named by its id or its number, else a field error."""
    if ref is None or str(ref).strip() == "":
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    try:
        key = Q(pk=uuid.UUID(str(ref)))
    except ValueError:
        key = Q(order_number=str(ref).strip())
    row = SalesOrder.objects.select_related("party", "currency").filter(key, deleted_at__isnull=True).first()
    if row is None:
        raise ValidationFailed(_("No sales order “%(ref)s”") % {"ref": ref}, code="unknown", field=field)
    return row


def order_items(order_id) -> list[OrderItem]:
    """The lines of an order, with their products, in line order."""
    return list(OrderItem.objects.filter(sales_order_id=order_id).select_related("product", "uom").order_by("line_no"))


def items_by_id(item_ids) -> dict:
    """{id: line} of the order lines `item_ids` (with their orders and products)."""
    rows = OrderItem.objects.filter(pk__in=list(item_ids)).select_related("sales_order", "product", "uom")
    return {row.pk: row for row in rows}


@dataclasses.dataclass(frozen=True)
class InvoiceableLine:
    """A line of an order as invoicing reads it: what is still to invoice, and the line's prices."""

    order_item_id: uuid.UUID
    line_no: int
    product_id: uuid.UUID
    product_code: str
    description: str
    is_goods: bool
    ordered: Decimal
    delivered: Decimal
    returned: Decimal
    invoiced: Decimal
    invoiceable: Decimal
    unit_rate: Decimal
    discount_pct: Decimal
    tax_rate_id: uuid.UUID | None
    tax_pct: Decimal


def invoiceable_lines(order_id) -> list[InvoiceableLine]:
    """Every line of the order with what may still be invoiced: goods delivered − returned − invoiced, services
    ordered − invoiced (0 when nothing is left)."""
    return [
        InvoiceableLine(
            i.pk,
            i.line_no,
            i.product_id,
            i.product_code,
            i.description or i.product_name,
            i.is_goods,
            i.quantity,
            i.delivered_quantity,
            i.returned_quantity,
            i.invoiced_quantity,
            i.invoiceable_quantity,
            i.unit_rate,
            i.discount_pct,
            i.tax_rate_id,
            i.tax_pct,
        )  # fmt: skip
        for i in order_items(order_id)
    ]


def has_invoiceable(order: SalesOrder) -> bool:
    """The order may be invoiced now: in a status that invoices, with something left to invoice on a line (its lines
    as `access_order` prefetched them)."""
    return order.status in ROLLUP_STATUSES and any(line.invoiceable_quantity > 0 for line in order.lines.all())


def dashboard(*, today: datetime.date) -> dict:
    """The sales dashboard's figures: orders by status, the open order book, this year's orders by month, the best
    customers and products of the year (base currency amounts as ordered)."""
    year_start = today.replace(month=1, day=1)
    live = SalesOrder.objects.filter(deleted_at__isnull=True)
    by_status = {
        row["status"]: (row["n"], row["total"] or ZERO)
        for row in live.values("status").annotate(n=Count("id"), total=Sum("total_amount"))
    }
    this_year = live.filter(order_date__gte=year_start, order_date__lte=today).exclude(status=OrderStatus.CANCELLED)
    months = [
        (row["month"].date() if hasattr(row["month"], "date") else row["month"], row["n"], row["total"] or ZERO)
        for row in this_year.annotate(month=TruncMonth("order_date"))
        .values("month")
        .annotate(n=Count("id"), total=Sum("total_amount"))
        .order_by("month")
    ]
    customers = list(
        this_year.values("party__name").annotate(total=Sum("total_amount"), n=Count("id")).order_by("-total")[:5]
    )
    products = list(
        OrderItem.objects.filter(sales_order__in=this_year)
        .values("product_code", "product_name")
        .annotate(quantity=Sum("quantity"), total=Sum("net_amount"))
        .order_by("-total")[:5]
    )
    open_book = live.filter(status__in=OPEN_STATUSES).aggregate(n=Count("id"), total=Sum("total_amount"))
    return {
        "by_status": [(status, label, *by_status.get(status, (0, ZERO))) for status, label in OrderStatus.choices],
        "months": months,
        "customers": customers,
        "products": products,
        "open_count": open_book["n"] or 0,
        "open_total": open_book["total"] or ZERO,
        "year_total": sum((m[2] for m in months), ZERO),
    }
