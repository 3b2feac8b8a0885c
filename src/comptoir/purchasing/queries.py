"""Reads of purchasing, scoped to the organization in context; `access_<noun>` answers NotFound for a missing row
and another organization's alike. `billable_lines` is what invoicing reads to bill an order (three-way match)."""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, Sum
from django.utils.translation import gettext as _

from comptoir.parties.queries import resolve_party
from comptoir.platform.errors import NotFound
from comptoir.platform.queries.filters import filter_present, within_dates
from comptoir.purchasing.constants import OrderStatus, ReceiptStatus
from comptoir.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderItem,
    PurchaseRequisition,
    PurchaseRequisitionLine,
    SupplierReturn,
    SupplierReturnLine,
)

ZERO = Decimal(0)


def _found(row, what):
    if row is None:
        raise NotFound(_("No such %(what)s") % {"what": what})
    return row


def _party_id(party):
    return resolve_party(party).pk if party else None


# --- requisitions -------------------------------------------------------------------------------------------------


def requisitions(*, status=None, date_from=None, date_to=None, q=None):
    qs = PurchaseRequisition.objects.filter(deleted_at__isnull=True).select_related(
        "requested_by", "supplier", "purchase_order", "approved_by"
    )
    qs = within_dates(filter_present(qs, status=status), "request_date", date_from, date_to)
    if q:
        qs = qs.filter(Q(requisition_number__icontains=q) | Q(description__icontains=q))
    return qs


def access_requisition(requisition_id) -> PurchaseRequisition:
    lines = PurchaseRequisitionLine.objects.select_related("product")
    row = requisitions().prefetch_related(Prefetch("lines", queryset=lines)).filter(pk=requisition_id).first()
    return _found(row, _("requisition"))


# --- orders -------------------------------------------------------------------------------------------------------


def orders(*, status=None, party=None, date_from=None, date_to=None, q=None):
    qs = PurchaseOrder.objects.filter(deleted_at__isnull=True).select_related(
        "party", "currency", "warehouse", "requisition", "approved_by", "created_by"
    )
    qs = filter_present(qs, status=status, party_id=_party_id(party))
    qs = within_dates(qs, "order_date", date_from, date_to)
    if q:
        qs = qs.filter(Q(order_number__icontains=q) | Q(party__name__icontains=q) | Q(supplier_quote_ref__icontains=q))
    return qs


def order_items(order_id):
    return PurchaseOrderItem.objects.filter(order_id=order_id).select_related("product", "tax_rate", "warehouse", "uom")


def access_order(order_id) -> PurchaseOrder:
    items = PurchaseOrderItem.objects.select_related("product", "tax_rate", "warehouse", "uom")
    receipts_qs = GoodsReceipt.objects.order_by("date", "created_at")
    row = (
        orders()
        .prefetch_related(Prefetch("items", queryset=items), Prefetch("receipts", queryset=receipts_qs))
        .filter(pk=order_id)
        .first()
    )
    return _found(row, _("purchase order"))


# --- receipts and returns -----------------------------------------------------------------------------------------


def receipts(*, status=None, order=None, party=None, date_from=None, date_to=None):
    qs = GoodsReceipt.objects.select_related("order", "party", "journal_entry")
    qs = filter_present(qs, status=status, order_id=order, party_id=_party_id(party))
    return within_dates(qs, "date", date_from, date_to)


def access_receipt(receipt_id) -> GoodsReceipt:
    lines = GoodsReceiptLine.objects.select_related("product", "warehouse", "batch", "order_item")
    row = (
        receipts()
        .select_related("reversal_entry")
        .prefetch_related(Prefetch("lines", queryset=lines), "returns")
        .filter(pk=receipt_id)
        .first()
    )
    return _found(row, _("goods receipt"))


def supplier_returns(*, order=None, receipt=None, party=None, date_from=None, date_to=None):
    qs = SupplierReturn.objects.select_related("order", "receipt", "party", "journal_entry")
    qs = filter_present(qs, order_id=order, receipt_id=receipt, party_id=_party_id(party))
    return within_dates(qs, "date", date_from, date_to)


def access_return(return_id) -> SupplierReturn:
    lines = SupplierReturnLine.objects.select_related("product", "receipt_line", "order_item")
    row = supplier_returns().prefetch_related(Prefetch("lines", queryset=lines)).filter(pk=return_id).first()
    return _found(row, _("supplier return"))


# --- for invoicing: what an order has left to bill ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BillableLine:
    """An order item as a supplier bill sees it: `billable_quantity` = received − billed; `unit_rate` (the order's
    price, in the order's currency) with its discount and tax rate; `net_unit_price` the net per unit;
    `received_value` what the posted receipts (less returns) put in stock, and `unit_cost` its rate, in the base
    currency (what the bill clears from goods received not billed per unit)."""

    order_item_id: uuid.UUID
    line_no: int
    product_id: uuid.UUID
    product_code: str
    quantity: Decimal
    received_quantity: Decimal
    billed_quantity: Decimal
    billable_quantity: Decimal
    unit_rate: Decimal
    discount_pct: Decimal
    net_unit_price: Decimal
    tax_rate_id: uuid.UUID | None
    tax_pct: Decimal
    received_value: Decimal
    unit_cost: Decimal


def billable_lines(order_id) -> list[BillableLine]:
    """Every item of the order (NotFound for another organization's), with what is left to bill. Two queries."""
    order = _found(PurchaseOrder.objects.filter(pk=order_id).first(), _("purchase order"))
    posted = Q(receipt_lines__receipt__status=ReceiptStatus.POSTED)
    items = (
        PurchaseOrderItem.objects.filter(order=order)
        .select_related("product")
        .annotate(
            receipt_value=Sum("receipt_lines__value", filter=posted),
            receipt_quantity=Sum("receipt_lines__quantity", filter=posted),
        )
        .order_by("line_no")
    )
    returned = dict(
        SupplierReturnLine.objects.filter(order_item__order=order)
        .values("order_item_id")
        .annotate(v=Sum("value"))
        .values_list("order_item_id", "v")
    )
    out = []
    for item in items:
        value = (item.receipt_value or ZERO) - returned.get(item.pk, ZERO)
        received_quantity = item.received_quantity
        out.append(
            BillableLine(
                order_item_id=item.pk,
                line_no=item.line_no,
                product_id=item.product_id,
                product_code=item.product.code,
                quantity=item.quantity,
                received_quantity=received_quantity,
                billed_quantity=item.billed_quantity,
                billable_quantity=max(received_quantity - item.billed_quantity, ZERO),
                unit_rate=item.unit_rate,
                discount_pct=item.discount_pct,
                net_unit_price=(item.net_amount / item.quantity).quantize(Decimal("0.0001")),
                tax_rate_id=item.tax_rate_id,
                tax_pct=item.tax_pct,
                received_value=value,
                unit_cost=(value / received_quantity).quantize(Decimal("0.0001")) if received_quantity else ZERO,
            )
        )
    return out


# --- the dashboard ------------------------------------------------------------------------------------------------


def dashboard() -> dict:
    """Open orders by status, what is awaiting approval, receipts this month and the top suppliers."""
    by_status = dict(
        PurchaseOrder.objects.filter(deleted_at__isnull=True)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    open_statuses = [OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS, OrderStatus.ON_HOLD]
    to_receive = (
        PurchaseOrderItem.objects.filter(order__status__in=[OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS])
        .filter(received_quantity__lt=F("quantity"))
        .count()
    )
    top = list(
        PurchaseOrder.objects.exclude(status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
        .values("party__name")
        .annotate(total=Sum("total_amount"), n=Count("id"))
        .order_by("-total")[:5]
    )
    receipts_value = GoodsReceipt.objects.filter(status=ReceiptStatus.POSTED).aggregate(v=Sum("total_value"))["v"]
    return {
        "by_status": [(status, label, by_status.get(status, 0)) for status, label in OrderStatus.choices],
        "open_orders": sum(by_status.get(s, 0) for s in open_statuses),
        "pending_approval": by_status.get(OrderStatus.PENDING, 0),
        "lines_to_receive": to_receive,
        "received_value": receipts_value or ZERO,
        "top_suppliers": top,
        "recent_receipts": list(receipts().order_by("-date", "-created_at")[:10]),
        "awaiting": list(orders(status=OrderStatus.PENDING).order_by("order_date")[:10]),
    }
