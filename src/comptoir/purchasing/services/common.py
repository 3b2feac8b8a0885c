"""What the writes of purchasing share: the party rule, the order's roll-up and payloads."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from comptoir.parties.constants import PartyStatus, PartyType
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.services.events import emit_event
from comptoir.platform.transitions import transition
from comptoir.purchasing.constants import ROLLED, OrderStatus
from comptoir.purchasing.errors import PurchasingError
from comptoir.purchasing.models import PurchaseOrder
from comptoir.purchasing.module import ORDER_STATUS_CHANGED

ZERO = Decimal(0)
SUPPLIER_TYPES = frozenset({PartyType.SUPPLIER, PartyType.BOTH})


def check_supplier(party, field: str = "party") -> None:
    """A purchase order's party is a supplier (SUPPLIER or BOTH) that is not blacklisted."""
    if party.party_type not in SUPPLIER_TYPES:
        raise ValidationFailed(
            _("%(name)s is not a supplier") % {"name": party.name}, code=PurchasingError.WRONG_PARTY_TYPE, field=field
        )
    if party.status == PartyStatus.BLACKLISTED:
        raise Conflict(
            _("%(name)s is blacklisted") % {"name": party.name}, code=PurchasingError.BLACKLISTED, field=field
        )


def order_payload(order: PurchaseOrder) -> dict:
    return {
        "id": order.pk,
        "order_number": order.order_number,
        "status": order.status,
        "party": order.party_id,
        "order_date": order.order_date,
        "currency": order.currency.code if order.currency_id else None,
        "subtotal": order.subtotal,
        "tax_amount": order.tax_amount,
    }


def rolled_status(items) -> str:
    """The status the received and billed quantities of `items` say: nothing received → CONFIRMED, part →
    IN_PROGRESS, all → COMPLETED, all received and billed → BILLED."""
    items = list(items)
    if not any(i.received_quantity > 0 for i in items):
        return OrderStatus.CONFIRMED
    if not all(i.received_quantity >= i.quantity for i in items):
        return OrderStatus.IN_PROGRESS
    if all(i.billed_quantity >= i.received_quantity for i in items):
        return OrderStatus.BILLED
    return OrderStatus.COMPLETED


def roll_up(actor, order: PurchaseOrder, items) -> None:
    """Move the locked `order` to the status its items say (an order on hold, closed or cancelled stays)."""
    if order.status not in ROLLED:
        return
    target = rolled_status(items)
    if target == order.status:
        return
    before = order.status
    transition(order, target, actor=actor)
    emit_event(event_type=ORDER_STATUS_CHANGED, payload={**order_payload(order), "from": before}, source=order)
