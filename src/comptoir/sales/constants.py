"""Statuses, priorities and terms of a sales order, and its allowed moves, declared as data (entities §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("sales order", "Draft")
    PENDING = "PENDING", pgettext_lazy("sales order", "Pending")
    CONFIRMED = "CONFIRMED", pgettext_lazy("sales order", "Confirmed")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("sales order", "In progress")
    ON_HOLD = "ON_HOLD", pgettext_lazy("sales order", "On hold")
    SHIPPED = "SHIPPED", pgettext_lazy("sales order", "Shipped")
    DELIVERED = "DELIVERED", pgettext_lazy("sales order", "Delivered")
    COMPLETED = "COMPLETED", pgettext_lazy("sales order", "Completed")
    CANCELLED = "CANCELLED", pgettext_lazy("sales order", "Cancelled")
    RETURNED = "RETURNED", pgettext_lazy("sales order", "Returned")


class Priority(models.TextChoices):
    """G7: one priority scale (MEDIUM of the seeds is NORMAL)."""

    LOW = "LOW", pgettext_lazy("priority", "Low")
    NORMAL = "NORMAL", pgettext_lazy("priority", "Normal")
    HIGH = "HIGH", pgettext_lazy("priority", "High")
    URGENT = "URGENT", pgettext_lazy("priority", "Urgent")


class PaymentTerms(models.TextChoices):
    PREPAYMENT = "PREPAYMENT", _("Prepayment")
    NET_15 = "NET_15", _("Net 15 days")
    NET_30 = "NET_30", _("Net 30 days")
    NET_45 = "NET_45", _("Net 45 days")
    NET_60 = "NET_60", _("Net 60 days")


_S = OrderStatus
# Lines are editable while the order is DRAFT or PENDING.
EDITABLE_STATUSES = frozenset({_S.DRAFT, _S.PENDING})
# The statuses an order can be held from, and resumed back to.
HOLDABLE_STATUSES = frozenset({_S.PENDING, _S.CONFIRMED, _S.IN_PROGRESS})
# An order can be cancelled from these while nothing of it has shipped (its reservations are released).
CANCELLABLE_STATUSES = frozenset({_S.DRAFT, _S.PENDING, _S.CONFIRMED, _S.IN_PROGRESS, _S.ON_HOLD})
# Confirmed and not finished: these count against the party's credit limit and accept shipments.
OPEN_STATUSES = frozenset({_S.CONFIRMED, _S.IN_PROGRESS, _S.SHIPPED, _S.DELIVERED})
CREDIT_STATUSES = OPEN_STATUSES | {_S.ON_HOLD}
SHIPPABLE_STATUSES = frozenset({_S.CONFIRMED, _S.IN_PROGRESS})
# The fulfilment statuses the order rolls up through from its lines' quantities.
ROLLUP_STATUSES = frozenset({_S.CONFIRMED, _S.IN_PROGRESS, _S.SHIPPED, _S.DELIVERED, _S.COMPLETED})

ORDER_TRANSITIONS = frozenset(
    {
        (_S.DRAFT, _S.PENDING),
        (_S.DRAFT, _S.CONFIRMED),  # (P) submit and confirm in one step
        (_S.PENDING, _S.CONFIRMED),
        (_S.PENDING, _S.DRAFT),  # (P) back to the author for changes
        # the roll-up from the lines (shipped, delivered, invoiced; back when an invoice is cancelled)
        (_S.CONFIRMED, _S.IN_PROGRESS),
        (_S.CONFIRMED, _S.SHIPPED),
        (_S.CONFIRMED, _S.COMPLETED),  # services only: invoiced in full
        (_S.IN_PROGRESS, _S.SHIPPED),
        (_S.IN_PROGRESS, _S.DELIVERED),
        (_S.IN_PROGRESS, _S.COMPLETED),
        (_S.SHIPPED, _S.DELIVERED),
        (_S.SHIPPED, _S.IN_PROGRESS),
        (_S.DELIVERED, _S.COMPLETED),
        (_S.DELIVERED, _S.IN_PROGRESS),
        (_S.COMPLETED, _S.DELIVERED),
        (_S.COMPLETED, _S.IN_PROGRESS),
        (_S.COMPLETED, _S.CONFIRMED),
        # hold and resume (to the status it was held from)
        *((s, _S.ON_HOLD) for s in HOLDABLE_STATUSES),
        *((_S.ON_HOLD, s) for s in HOLDABLE_STATUSES),
        # cancel while nothing has shipped (checked by the service)
        *((s, _S.CANCELLED) for s in CANCELLABLE_STATUSES),
        # returned in full
        (_S.DELIVERED, _S.RETURNED),
        (_S.COMPLETED, _S.RETURNED),
    }
)

ORDER_ITEM_SOURCE = "sales.orderitem"  # the source of the stock reservations of an order's lines
