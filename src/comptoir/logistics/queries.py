"""Logistics' reads: carriers, shipments (of an order, too), and returns — with what invoicing needs to credit
them (`returns_to_credit`)."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from comptoir.logistics.models import Carrier, Shipment, ShipmentItem, ShipmentReturn, ShipmentReturnLine
from comptoir.platform.errors import NotFound


def _items() -> Prefetch:
    return Prefetch(
        "items",
        queryset=ShipmentItem.objects.select_related("product", "uom", "batch", "order_item").order_by("line_no"),
    )


def _return_lines() -> Prefetch:
    return Prefetch(
        "lines", queryset=ShipmentReturnLine.objects.select_related("product", "shipment_item").order_by("line_no")
    )


def carriers(*, search=None, is_active=None):
    qs = Carrier.objects.all()
    if search:
        qs = qs.filter(Q(code__istartswith=search) | Q(name__icontains=search))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


def access_carrier(carrier_id) -> Carrier:
    row = Carrier.objects.filter(pk=carrier_id).first()
    if row is None:
        raise NotFound(_("No such carrier"))
    return row


def _order_filter(qs, sales_order):
    try:
        return qs.filter(sales_order_id=uuid.UUID(str(sales_order)))
    except ValueError:
        return qs.filter(sales_order__order_number=sales_order)


def shipments(*, status=None, sales_order=None, carrier=None, date_from=None, date_to=None):
    qs = Shipment.objects.filter(deleted_at__isnull=True).select_related(
        "sales_order", "sales_order__party", "carrier", "from_warehouse"
    )
    if status:
        qs = qs.filter(status=status)
    if sales_order:
        qs = _order_filter(qs, sales_order)
    if carrier:
        qs = qs.filter(Q(carrier__code=carrier) | Q(carrier_id__in=_uuid_or_none(carrier)))
    if date_from:
        qs = qs.filter(shipped_date__gte=date_from)
    if date_to:
        qs = qs.filter(shipped_date__lte=date_to)
    return qs


def _uuid_or_none(ref) -> list:
    try:
        return [uuid.UUID(str(ref))]
    except ValueError:
        return []


def access_shipment(shipment_id) -> Shipment:
    row = (
        Shipment.objects.filter(deleted_at__isnull=True, pk=shipment_id)
        .select_related("sales_order", "sales_order__party", "carrier", "from_warehouse", "journal_entry")
        .prefetch_related(_items(), "returns")
        .first()
    )
    if row is None:
        raise NotFound(_("No such shipment"))
    return row


def shipments_of_order(order_id) -> list[Shipment]:
    """The shipments of a sales order, oldest first (the order's page links them)."""
    return list(shipments().filter(sales_order_id=order_id).order_by("created_at"))


def returns(*, sales_order=None, shipment=None, credited=None):
    qs = ShipmentReturn.objects.select_related("shipment", "sales_order", "party", "currency", "to_warehouse")
    if sales_order:
        qs = _order_filter(qs, sales_order)
    if shipment:
        qs = qs.filter(shipment_id=shipment)
    if credited is not None:
        qs = qs.filter(credit_note_id__isnull=not credited)
    return qs


def access_return(return_id) -> ShipmentReturn:
    row = returns().prefetch_related(_return_lines()).filter(pk=return_id).first()
    if row is None:
        raise NotFound(_("No such return"))
    return row


def returns_to_credit(*, sales_order=None) -> list[ShipmentReturn]:
    """The posted returns without a credit note yet, each with its lines (order line, quantity, unit rate, net and
    tax amounts, cost): what invoicing credits."""
    return list(
        returns(sales_order=sales_order, credited=False)
        .filter(status="POSTED")
        .prefetch_related(_return_lines())
        .order_by("return_date", "created_at")
    )
