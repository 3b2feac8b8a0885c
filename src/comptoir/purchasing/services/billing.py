"""The billed quantities of an order's items, written by invoicing when a supplier bill is submitted (and given
back when it is cancelled): under the order's lock, never more billed than received (`over_billing`), never
below zero; the order's status rolls up (everything received and billed → BILLED)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event
from comptoir.purchasing.errors import PurchasingError
from comptoir.purchasing.models import PurchaseOrderItem
from comptoir.purchasing.module import ORDER_BILLED_QUANTITIES
from comptoir.purchasing.services.common import order_payload, roll_up
from comptoir.purchasing.services.orders import lock_order


def _apply(*, actor, order_id, quantities: dict, sign: int):
    with transaction.atomic():
        order = lock_order(order_id)
        items = {i.pk: i for i in PurchaseOrderItem.objects.filter(order=order).order_by("line_no")}
        changed = []
        for key, quantity in quantities.items():
            item = items.get(key) or next((i for i in items.values() if str(i.pk) == str(key)), None)
            field = f"quantities.{key}"
            if item is None:
                raise ValidationFailed(
                    _("The item is not a line of order %(number)s") % {"number": order.order_number},
                    code=PurchasingError.WRONG_ORDER,
                    field=field,
                )
            quantity = Decimal(quantity)
            if quantity <= 0:
                raise ValidationFailed(_("A quantity must be > 0"), code="invalid", field=field)
            billed = item.billed_quantity + sign * quantity
            if billed > item.received_quantity and sign > 0:
                raise Conflict(
                    _("Line %(line)s: %(billed)s billed would exceed the %(received)s received")
                    % {"line": item.line_no, "billed": billed, "received": item.received_quantity},
                    code=PurchasingError.OVER_BILLING,
                    field=field,
                )
            if billed < 0:
                raise Conflict(
                    _("Line %(line)s: only %(billed)s is billed")
                    % {"line": item.line_no, "billed": item.billed_quantity},
                    code=PurchasingError.OVER_BILLING,
                    field=field,
                )
            item.billed_quantity = billed
            changed.append(item)
        PurchaseOrderItem.objects.bulk_update(changed, ["billed_quantity"])
        record_audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=order,
            new={"billed_quantity": {str(i.pk): str(i.billed_quantity) for i in changed}},
        )
        roll_up(actor, order, items.values())
        emit_event(
            event_type=ORDER_BILLED_QUANTITIES,
            payload={**order_payload(order), "billed": {str(i.pk): i.billed_quantity for i in changed}},
            source=order,
        )
    return order


def record_billed_quantities(*, actor, order_id, quantities: dict) -> object:
    """Add `quantities` ({order item id: Decimal > 0}) to what is billed of the order's items (a supplier bill
    submitted); `over_billing` beyond what is received. Returns the order."""
    return _apply(actor=actor, order_id=order_id, quantities=quantities, sign=1)


def release_billed_quantities(*, actor, order_id, quantities: dict) -> object:
    """Take `quantities` back from what is billed (the bill cancelled, or a debit note); never below zero."""
    return _apply(actor=actor, order_id=order_id, quantities=quantities, sign=-1)
