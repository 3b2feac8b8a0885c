"""Statuses and directions of shipments, and their allowed moves, declared as data (entities §11)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ShipmentStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("shipment", "Draft")
    READY = "READY", pgettext_lazy("shipment", "Ready")
    PICKED = "PICKED", pgettext_lazy("shipment", "Picked")
    IN_TRANSIT = "IN_TRANSIT", pgettext_lazy("shipment", "In transit")
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY", pgettext_lazy("shipment", "Out for delivery")
    DELIVERED = "DELIVERED", pgettext_lazy("shipment", "Delivered")
    CANCELLED = "CANCELLED", pgettext_lazy("shipment", "Cancelled")
    RETURNED = "RETURNED", pgettext_lazy("shipment", "Returned")


class ShipmentDirection(models.TextChoices):
    OUTBOUND = "OUTBOUND", _("Outbound")
    RETURN = "RETURN", pgettext_lazy("shipment", "Return")


class ReturnStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("shipment return", "Draft")
    POSTED = "POSTED", pgettext_lazy("shipment return", "Posted")


class TransportMode(models.TextChoices):
    """E-way bill (IN) modes of transport."""

    ROAD = "ROAD", _("Road")
    RAIL = "RAIL", _("Rail")
    AIR = "AIR", _("Air")
    SHIP = "SHIP", _("Ship")


_S = ShipmentStatus
# Not yet dispatched: nothing posted, the shipment can still be changed or cancelled.
PRE_DISPATCH = frozenset({_S.DRAFT, _S.READY, _S.PICKED})
# Counted against the order lines' quantities (over-delivery): every shipment not cancelled.
LIVE_STATUSES = frozenset(set(_S.values) - {_S.CANCELLED})

SHIPMENT_TRANSITIONS = frozenset(
    {
        (_S.DRAFT, _S.READY),
        (_S.READY, _S.PICKED),
        # dispatch posts the stock movements and the cost of goods sold
        (_S.DRAFT, _S.IN_TRANSIT),  # (P) a shipment dispatched as it is made
        (_S.READY, _S.IN_TRANSIT),  # (P)
        (_S.PICKED, _S.IN_TRANSIT),
        (_S.IN_TRANSIT, _S.OUT_FOR_DELIVERY),
        (_S.IN_TRANSIT, _S.DELIVERED),  # (P) a company's own delivery, tracked no further
        (_S.OUT_FOR_DELIVERY, _S.DELIVERED),
        *((s, _S.CANCELLED) for s in PRE_DISPATCH),
        (_S.DELIVERED, _S.RETURNED),
    }
)

# A return is written and posted in one step; a correction is a new document.
RETURN_TRANSITIONS = frozenset({(ReturnStatus.DRAFT, ReturnStatus.POSTED)})
