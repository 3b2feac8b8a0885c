"""Kinds and statuses of the inventory, and the allowed moves of its documents, declared as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WarehouseType(models.TextChoices):
    MAIN = "MAIN", pgettext_lazy("warehouse", "Main")
    BRANCH = "BRANCH", pgettext_lazy("warehouse", "Branch")
    VIRTUAL = "VIRTUAL", pgettext_lazy("warehouse", "Virtual")
    TRANSIT = "TRANSIT", pgettext_lazy("warehouse", "Transit")
    BIN = "BIN", pgettext_lazy("warehouse", "Bin")


class MovementType(models.TextChoices):
    """Derived from the movement's warehouses and its document (C34), and checked by PostgreSQL."""

    IN = "IN", _("In")
    OUT = "OUT", _("Out")
    TRANSFER = "TRANSFER", _("Transfer")
    ADJUSTMENT_IN = "ADJUSTMENT_IN", _("Adjustment in")
    ADJUSTMENT_OUT = "ADJUSTMENT_OUT", _("Adjustment out")


INCOMING_TYPES = frozenset({MovementType.IN, MovementType.ADJUSTMENT_IN})
OUTGOING_TYPES = frozenset({MovementType.OUT, MovementType.ADJUSTMENT_OUT})


class StockEntryType(models.TextChoices):
    RECEIPT = "RECEIPT", _("Receipt")
    ISSUE = "ISSUE", _("Issue")
    TRANSFER = "TRANSFER", pgettext_lazy("stock entry", "Transfer")
    ADJUSTMENT = "ADJUSTMENT", _("Adjustment")


class StockEntryStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("stock entry", "Draft")
    POSTED = "POSTED", pgettext_lazy("stock entry", "Posted")
    CANCELLED = "CANCELLED", pgettext_lazy("stock entry", "Cancelled")


# A posted entry is never edited nor cancelled: a correction is an entry the other way.
STOCK_ENTRY_TRANSITIONS = frozenset(
    {
        (StockEntryStatus.DRAFT, StockEntryStatus.POSTED),
        (StockEntryStatus.DRAFT, StockEntryStatus.CANCELLED),
    }
)


class ReservationStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("reservation", "Active")
    CONSUMED = "CONSUMED", pgettext_lazy("reservation", "Consumed")
    RELEASED = "RELEASED", pgettext_lazy("reservation", "Released")
    EXPIRED = "EXPIRED", pgettext_lazy("reservation", "Expired")


RESERVATION_TRANSITIONS = frozenset(
    {
        (ReservationStatus.ACTIVE, ReservationStatus.CONSUMED),
        (ReservationStatus.ACTIVE, ReservationStatus.RELEASED),
        (ReservationStatus.ACTIVE, ReservationStatus.EXPIRED),
    }
)


class ValuationMethod(models.TextChoices):
    FIFO = "FIFO", _("First in, first out")
    MOVING_AVERAGE = "MOVING_AVERAGE", _("Moving average")


class StockCountStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("stock count", "Draft")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("stock count", "In progress")
    COMPLETED = "COMPLETED", pgettext_lazy("stock count", "Completed")
    CANCELLED = "CANCELLED", pgettext_lazy("stock count", "Cancelled")


# Started, a count snapshots what the books say is there; completed, it posts the differences as adjustments.
STOCK_COUNT_TRANSITIONS = frozenset(
    {
        (StockCountStatus.DRAFT, StockCountStatus.IN_PROGRESS),
        (StockCountStatus.IN_PROGRESS, StockCountStatus.COMPLETED),
        (StockCountStatus.DRAFT, StockCountStatus.CANCELLED),
        (StockCountStatus.IN_PROGRESS, StockCountStatus.CANCELLED),
    }
)


class InventoryStatus(models.TextChoices):
    """A product's stock status in the `inventory_status` view (§29), tested in this order."""

    OUT_OF_STOCK = "OUT_OF_STOCK", _("Out of stock")
    LOW_STOCK = "LOW_STOCK", _("Low stock")
    REORDER_NEEDED = "REORDER_NEEDED", _("Reorder needed")
    IN_STOCK = "IN_STOCK", _("In stock")
