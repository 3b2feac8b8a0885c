"""Statuses of purchasing's documents and their allowed moves, declared as data (docs/transitions.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Priority(models.TextChoices):
    LOW = "LOW", _("Low")
    NORMAL = "NORMAL", _("Normal")
    HIGH = "HIGH", _("High")
    URGENT = "URGENT", _("Urgent")


class RequisitionStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("requisition", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("requisition", "Submitted")
    APPROVED = "APPROVED", pgettext_lazy("requisition", "Approved")
    REJECTED = "REJECTED", pgettext_lazy("requisition", "Rejected")
    ORDERED = "ORDERED", pgettext_lazy("requisition", "Ordered")
    CANCELLED = "CANCELLED", pgettext_lazy("requisition", "Cancelled")


_R = RequisitionStatus
# DRAFT → SUBMITTED → APPROVED → ORDERED (only by conversion into a purchase order); SUBMITTED → REJECTED;
# DRAFT/SUBMITTED/APPROVED → CANCELLED.
REQUISITION_TRANSITIONS = frozenset(
    {
        (_R.DRAFT, _R.SUBMITTED),
        (_R.SUBMITTED, _R.APPROVED),
        (_R.SUBMITTED, _R.REJECTED),
        (_R.APPROVED, _R.ORDERED),
        (_R.DRAFT, _R.CANCELLED),
        (_R.SUBMITTED, _R.CANCELLED),
        (_R.APPROVED, _R.CANCELLED),
    }
)


class OrderStatus(models.TextChoices):
    """The catalogue's statuses (entities §8), with the roll-up of receipts and bills: IN_PROGRESS is partly
    received, COMPLETED everything received, BILLED everything received and billed; CLOSED is closed by hand (no
    more receipts: what is left is not coming)."""

    DRAFT = "DRAFT", pgettext_lazy("purchase order", "Draft")
    PENDING = "PENDING", pgettext_lazy("purchase order", "Pending approval")
    CONFIRMED = "CONFIRMED", pgettext_lazy("purchase order", "Confirmed")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("purchase order", "Partly received")
    COMPLETED = "COMPLETED", pgettext_lazy("purchase order", "Received")
    BILLED = "BILLED", pgettext_lazy("purchase order", "Billed")
    CLOSED = "CLOSED", pgettext_lazy("purchase order", "Closed")
    ON_HOLD = "ON_HOLD", pgettext_lazy("purchase order", "On hold")
    CANCELLED = "CANCELLED", pgettext_lazy("purchase order", "Cancelled")


_O = OrderStatus
# Receiving moves CONFIRMED/IN_PROGRESS on; cancelling a receipt or a bill moves back. The roll-up moves are the
# pairs between CONFIRMED, IN_PROGRESS, COMPLETED and BILLED.
_ROLLED = (_O.CONFIRMED, _O.IN_PROGRESS, _O.COMPLETED, _O.BILLED)
ORDER_TRANSITIONS = frozenset(
    {
        (_O.DRAFT, _O.PENDING),
        (_O.PENDING, _O.CONFIRMED),
        *((a, b) for a in _ROLLED for b in _ROLLED if a != b),
        (_O.PENDING, _O.ON_HOLD),
        (_O.CONFIRMED, _O.ON_HOLD),
        (_O.IN_PROGRESS, _O.ON_HOLD),
        (_O.ON_HOLD, _O.PENDING),
        (_O.ON_HOLD, _O.CONFIRMED),
        (_O.ON_HOLD, _O.IN_PROGRESS),
        (_O.IN_PROGRESS, _O.CLOSED),
        (_O.COMPLETED, _O.CLOSED),
        (_O.BILLED, _O.CLOSED),
        (_O.CONFIRMED, _O.CLOSED),
        (_O.DRAFT, _O.CANCELLED),
        (_O.PENDING, _O.CANCELLED),
        (_O.CONFIRMED, _O.CANCELLED),
        (_O.ON_HOLD, _O.CANCELLED),
    }
)
RECEIVABLE = frozenset({_O.CONFIRMED, _O.IN_PROGRESS})
BILLABLE = frozenset({_O.IN_PROGRESS, _O.COMPLETED, _O.BILLED, _O.CLOSED})
ROLLED = frozenset(_ROLLED)


class ReceiptStatus(models.TextChoices):
    POSTED = "POSTED", pgettext_lazy("receipt", "Posted")
    CANCELLED = "CANCELLED", pgettext_lazy("receipt", "Cancelled")


RECEIPT_TRANSITIONS = frozenset({("DRAFT", ReceiptStatus.POSTED), (ReceiptStatus.POSTED, ReceiptStatus.CANCELLED)})


class ReturnStatus(models.TextChoices):
    POSTED = "POSTED", pgettext_lazy("supplier return", "Posted")


RETURN_TRANSITIONS = frozenset({("DRAFT", ReturnStatus.POSTED)})
