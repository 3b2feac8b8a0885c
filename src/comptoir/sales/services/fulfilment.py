"""The quantities other modules move on an order's lines, and the order's status rolled up from them.

Logistics records what ships, is delivered and comes back; invoicing records what it invoices (and gives it back
when an invoice is cancelled). Each call locks the order, then its lines, checks, updates by F() and rolls the
status up, in the caller's transaction:

- goods (not services): partly shipped → IN_PROGRESS; every good shipped → SHIPPED; every good delivered →
  DELIVERED; delivered and every line invoiced (goods for what was delivered and kept, services in full) →
  COMPLETED; everything delivered came back → RETURNED;
- an order of services only goes CONFIRMED → COMPLETED when invoiced in full.

Invoiceable: goods delivered − returned − invoiced, services ordered − invoiced (`queries.invoiceable_lines`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from comptoir.inventory.queries.picking import fefo_parts
from comptoir.inventory.services.reservations import ReservationInput, consume_reservation, lock_stock, reserve_stock
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.services.events import emit_event
from comptoir.platform.transitions import transition
from comptoir.sales.constants import ORDER_ITEM_SOURCE, ROLLUP_STATUSES, SHIPPABLE_STATUSES, OrderStatus
from comptoir.sales.locks import lock_items, lock_order
from comptoir.sales.models import OrderItem, SalesOrder
from comptoir.sales.module import (
    ORDER_COMPLETED,
    ORDER_DELIVERED,
    ORDER_IN_PROGRESS,
    ORDER_INVOICED,
    ORDER_REOPENED,
    ORDER_RETURNED,
    ORDER_SHIPPED,
)
from comptoir.sales.services.orders import _payload, active_reservations

ZERO = Decimal(0)
EVENT_OF = {
    OrderStatus.IN_PROGRESS: ORDER_IN_PROGRESS,
    OrderStatus.SHIPPED: ORDER_SHIPPED,
    OrderStatus.DELIVERED: ORDER_DELIVERED,
    OrderStatus.COMPLETED: ORDER_COMPLETED,
    OrderStatus.RETURNED: ORDER_RETURNED,
    OrderStatus.CONFIRMED: ORDER_REOPENED,
}


def _rolled_status(order: SalesOrder, items: list[OrderItem]) -> str:
    goods = [i for i in items if i.is_goods]
    invoiced = all(i.invoiced_quantity >= (i.delivered_quantity - i.returned_quantity if i.is_goods else i.quantity)
                   for i in items)  # fmt: skip
    if not goods:
        return OrderStatus.COMPLETED if invoiced else OrderStatus.CONFIRMED
    if all(i.delivered_quantity >= i.quantity for i in goods):
        if all(i.returned_quantity >= i.delivered_quantity for i in goods):
            return OrderStatus.RETURNED
        return OrderStatus.COMPLETED if invoiced else OrderStatus.DELIVERED
    if all(i.shipped_quantity >= i.quantity for i in goods):
        return OrderStatus.SHIPPED
    if any(i.shipped_quantity > 0 for i in goods):
        return OrderStatus.IN_PROGRESS
    return OrderStatus.CONFIRMED


def roll_up(actor, order: SalesOrder, items: list[OrderItem]) -> SalesOrder:
    """Move the (locked) order to the status its lines' quantities say, when it is in the roll-up's hands."""
    if order.status not in ROLLUP_STATUSES:
        return order
    target = _rolled_status(order, items)
    if target == order.status:
        return order
    if target == OrderStatus.CONFIRMED and order.status == OrderStatus.IN_PROGRESS:
        return order
    transition(order, target, actor=actor)
    emit_event(event_type=EVENT_OF[target], payload=_payload(order), source=order)
    return order


def _locked(order_id, quantities: dict) -> tuple[SalesOrder, list[OrderItem], dict]:
    order = lock_order(order_id)
    items = lock_items(order)
    by_id = {str(i.pk): i for i in items}
    picked = {}
    for item_id, quantity in quantities.items():
        item = by_id.get(str(item_id))
        if item is None:
            raise ValidationFailed(
                _("Line %(id)s is not a line of order %(number)s") % {"id": item_id, "number": order.order_number},
                code="wrong_order",
                field="quantities",
            )
        if quantity < 0:
            raise ValidationFailed(_("A quantity is never negative"), code="invalid_quantity", field="quantities")
        picked[item.pk] = (item, Decimal(quantity))
    return order, items, picked


def _apply(items: list[OrderItem], picked: dict, field: str, sign: int = 1, extra: dict | None = None) -> None:
    for item_id, (_item, quantity) in picked.items():
        if quantity == 0:
            continue
        values = {field: F(field) + sign * quantity, **((extra or {}).get(item_id, {}))}
        OrderItem.objects.filter(pk=item_id).update(**values)
    fresh = {i.pk: i for i in OrderItem.objects.filter(pk__in=[i.pk for i in items])}
    for item in items:
        for name in ("shipped_quantity", "delivered_quantity", "invoiced_quantity", "returned_quantity", "unit_cost"):
            setattr(item, name, getattr(fresh[item.pk], name))


def consume_reservations_for_shipping(*, actor, order_id, item_ids) -> dict:
    """Before the goods of `item_ids` leave: their ACTIVE reservations are consumed (the stock they held is the
    shipment's to take); returns {order item id: the quantity they held}. `record_shipped_quantities` reserves
    again what stays to ship. The order and its lines are locked first, as every writer of the order does."""
    with transaction.atomic():
        order = lock_order(order_id)
        lock_items(order)
        held: dict = {}
        rows = list(active_reservations(item_ids))
        lock_stock((row.product_id, row.warehouse_id) for row in rows)
        for row in rows:
            consume_reservation(actor=actor, reservation_id=row.pk)
            held[row.source_id] = held.get(row.source_id, ZERO) + row.quantity
    return held


def _reserve_rest(actor, order: SalesOrder, item: OrderItem) -> None:
    rest = item.quantity - item.shipped_quantity
    warehouse_id = item.warehouse_id or order.warehouse_id
    if rest <= 0 or warehouse_id is None:
        return
    for batch, quantity in fefo_parts(product_id=item.product_id, warehouse_id=warehouse_id, quantity=rest):
        try:
            reserve_stock(
                actor=actor,
                data=ReservationInput(
                    product=item.product_id,
                    warehouse=warehouse_id,
                    batch=batch.pk if batch else None,
                    quantity=quantity,
                    source_type=ORDER_ITEM_SOURCE,
                    source_id=item.pk,
                ),
            )
        except Conflict:  # what stays to ship is no longer all there: hold what is
            return


def record_shipped_quantities(
    *,
    actor,
    order_id,
    quantities: dict,
    day: datetime.date,
    costs: dict | None = None,
    tolerance_pct: Decimal = ZERO,
    reserved: dict | None = None,
) -> SalesOrder:
    """Logistics dispatched `quantities` ({order item id: quantity}) of the order on `day`, at `costs` ({order item
    id: the value it left the stock at}): the lines' shipped quantities and unit costs rise, and the status rolls
    up. Refused with `over_delivery` past the ordered quantity plus `tolerance_pct`; the order must be CONFIRMED
    or IN_PROGRESS. The lines that held `reserved` stock (consume_reservations_for_shipping) reserve again what
    stays to ship."""
    with transaction.atomic():
        order, items, picked = _locked(order_id, quantities)
        if order.status not in SHIPPABLE_STATUSES:
            raise Conflict(
                _("Order %(number)s is %(status)s: nothing of it ships")
                % {"number": order.order_number, "status": order.get_status_display()},
                code="invalid_transition",
                field="sales_order",
            )
        extra = {}
        for item_id, (item, quantity) in picked.items():
            allowed = item.quantity * (1 + Decimal(tolerance_pct) / 100)
            if item.shipped_quantity + quantity > allowed:
                raise Conflict(
                    _("Line %(line)s of %(number)s would ship %(quantity)s of %(ordered)s ordered")
                    % {"line": item.line_no, "number": order.order_number,
                       "quantity": item.shipped_quantity + quantity, "ordered": item.quantity},
                    code="over_delivery",
                    field="quantity",
                )  # fmt: skip
            cost = (costs or {}).get(item_id)
            if cost is not None and quantity > 0:
                previous = (item.unit_cost or ZERO) * item.shipped_quantity
                extra[item_id] = {
                    "unit_cost": ((previous + cost) / (item.shipped_quantity + quantity)).quantize(Decimal("0.0001"))
                }
        _apply(items, picked, "shipped_quantity", extra=extra)
        for item in items:
            if item.pk in (reserved or {}):
                _reserve_rest(actor, order, item)
        if order.shipped_date is None or day > order.shipped_date:
            order.shipped_date = day
            SalesOrder.objects.filter(pk=order.pk).update(shipped_date=day)
        roll_up(actor, order, items)
    return order


def record_delivered_quantities(*, actor, order_id, quantities: dict, day: datetime.date) -> SalesOrder:
    """The shipped `quantities` reached the customer on `day`: delivered quantities rise (never past shipped)."""
    with transaction.atomic():
        order, items, picked = _locked(order_id, quantities)
        for item, quantity in picked.values():
            if item.delivered_quantity + quantity > item.shipped_quantity:
                raise Conflict(
                    _("Line %(line)s delivers more than it shipped") % {"line": item.line_no},
                    code="over_delivery",
                    field="quantities",
                )
        _apply(items, picked, "delivered_quantity")
        order.delivered_date = day
        SalesOrder.objects.filter(pk=order.pk).update(delivered_date=day)
        roll_up(actor, order, items)
    return order


def record_returned_quantities(*, actor, order_id, quantities: dict) -> SalesOrder:
    """Delivered `quantities` came back: returned quantities rise (never past delivered); RETURNED when all did."""
    with transaction.atomic():
        order, items, picked = _locked(order_id, quantities)
        for item, quantity in picked.values():
            if item.returned_quantity + quantity > item.delivered_quantity:
                raise Conflict(
                    _("Line %(line)s returns more than was delivered") % {"line": item.line_no},
                    code="over_return",
                    field="quantities",
                )
        _apply(items, picked, "returned_quantity")
        roll_up(actor, order, items)
    return order


def record_invoiced_quantities(*, actor, order_id, quantities: dict) -> SalesOrder:
    """Invoicing invoiced `quantities` ({order item id: Decimal}) of the order: refused with `over_invoicing` past
    what is invoiceable (goods delivered and kept, services ordered); the status rolls up (COMPLETED)."""
    with transaction.atomic():
        order, items, picked = _locked(order_id, quantities)
        if order.status not in ROLLUP_STATUSES:
            raise Conflict(
                _("Order %(number)s is %(status)s: it cannot be invoiced")
                % {"number": order.order_number, "status": order.get_status_display()},
                code="invalid_transition",
                field="sales_order",
            )
        for item, quantity in picked.values():
            if quantity > item.invoiceable_quantity:
                raise Conflict(
                    _("Line %(line)s of %(number)s has only %(left)s left to invoice")
                    % {"line": item.line_no, "number": order.order_number, "left": item.invoiceable_quantity},
                    code="over_invoicing",
                    field="quantities",
                )
        _apply(items, picked, "invoiced_quantity")
        emit_event(
            event_type=ORDER_INVOICED,
            payload={**_payload(order), "quantities": {str(k): v for k, v in quantities.items()}},
            source=order,
        )
        roll_up(actor, order, items)
    return order


def release_invoiced_quantities(*, actor, order_id, quantities: dict) -> SalesOrder:
    """The reverse, for a cancelled invoice: invoiced quantities fall back (never below zero); a COMPLETED order
    returns to the status its lines say."""
    with transaction.atomic():
        order, items, picked = _locked(order_id, quantities)
        for item, quantity in picked.values():
            if quantity > item.invoiced_quantity:
                raise Conflict(
                    _("Line %(line)s has only %(invoiced)s invoiced")
                    % {"line": item.line_no, "invoiced": item.invoiced_quantity},
                    code="over_invoicing",
                    field="quantities",
                )
        _apply(items, picked, "invoiced_quantity", sign=-1)
        roll_up(actor, order, items)
    return order
