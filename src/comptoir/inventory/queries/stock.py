"""Lists and lookups of the inventory, scoped to the organization in context; `access_` answers "not found" for a
missing row and another organization's alike."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q

from comptoir.inventory.models import (
    StockBalance,
    StockBatch,
    StockCount,
    StockCountLine,
    StockEntry,
    StockEntryLine,
    StockLayer,
    StockMovement,
    StockReservation,
    Warehouse,
)
from comptoir.inventory.queries.refs import resolve_product, resolve_warehouse
from comptoir.platform.errors import NotFound


def _found(row, what: str):
    if row is None:
        raise NotFound(f"No such {what}")
    return row


def warehouses(*, search=None, type=None, parent=None, is_active=None):
    """Warehouses in tree order (a parent before its children)."""
    qs = Warehouse.objects.select_related("parent", "inventory_account").order_by("path")
    if search:
        qs = qs.filter(Q(code__istartswith=search) | Q(name__icontains=search))
    if type:
        qs = qs.filter(type=type)
    if parent:
        qs = qs.filter(parent=resolve_warehouse(parent, "parent"))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


def access_warehouse(warehouse_id) -> Warehouse:
    return _found(warehouses().filter(pk=warehouse_id).first(), "warehouse")


def batches(*, product=None, expires_before=None):
    qs = StockBatch.objects.select_related("product")
    if product:
        qs = qs.filter(product=resolve_product(product))
    if expires_before:
        qs = qs.filter(exp_date__lt=expires_before)
    return qs


def access_batch(batch_id) -> StockBatch:
    return _found(batches().filter(pk=batch_id).first(), "batch")


def stock_entries(*, entry_type=None, status=None, date_from=None, date_to=None):
    qs = StockEntry.objects.filter(deleted_at__isnull=True).select_related("journal_entry", "account")
    if entry_type:
        qs = qs.filter(entry_type=entry_type)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


def access_stock_entry(entry_id) -> StockEntry:
    lines = StockEntryLine.objects.select_related("product", "from_warehouse", "to_warehouse", "batch")
    row = stock_entries().prefetch_related(Prefetch("lines", queryset=lines)).filter(pk=entry_id).first()
    return _found(row, "stock entry")


def movements(*, product=None, warehouse=None, date_from=None, date_to=None, movement_type=None):
    """The stock ledger, oldest first."""
    qs = StockMovement.objects.select_related("product", "from_warehouse", "to_warehouse", "batch", "journal_entry")
    if product:
        qs = qs.filter(product=resolve_product(product))
    if warehouse:
        row = resolve_warehouse(warehouse)
        qs = qs.filter(Q(from_warehouse=row) | Q(to_warehouse=row))
    if date_from:
        qs = qs.filter(movement_date__gte=date_from)
    if date_to:
        qs = qs.filter(movement_date__lte=date_to)
    if movement_type:
        qs = qs.filter(movement_type=movement_type)
    return qs


def stock_balance(*, product=None, warehouse=None, include_empty=False):
    """The balance cache per (product, warehouse, batch): on hand, reserved, available, value. `warehouse` includes
    its bins (its whole subtree)."""
    qs = StockBalance.objects.select_related("product", "warehouse", "batch").annotate(
        available_quantity=F("quantity") - F("reserved_quantity")
    )
    if product:
        qs = qs.filter(product=resolve_product(product))
    if warehouse:
        qs = qs.filter(warehouse__path__startswith=resolve_warehouse(warehouse).path)
    if not include_empty:
        qs = qs.exclude(quantity=0, reserved_quantity=0, value=0)
    return qs


def reservations(*, product=None, warehouse=None, status=None):
    qs = StockReservation.objects.select_related("product", "warehouse", "batch")
    if product:
        qs = qs.filter(product=resolve_product(product))
    if warehouse:
        qs = qs.filter(warehouse=resolve_warehouse(warehouse))
    if status:
        qs = qs.filter(status=status)
    return qs


def access_reservation(reservation_id) -> StockReservation:
    return _found(reservations().filter(pk=reservation_id).first(), "reservation")


def stock_counts(*, status=None, warehouse=None):
    qs = StockCount.objects.filter(deleted_at__isnull=True).select_related("warehouse")
    if status:
        qs = qs.filter(status=status)
    if warehouse:
        qs = qs.filter(warehouse=resolve_warehouse(warehouse))
    return qs


def access_stock_count(count_id) -> StockCount:
    lines = StockCountLine.objects.select_related("product", "batch")
    row = stock_counts().prefetch_related(Prefetch("lines", queryset=lines)).filter(pk=count_id).first()
    return _found(row, "stock count")


def access_balance(balance_id) -> StockBalance:
    return _found(stock_balance(include_empty=True).filter(pk=balance_id).first(), "stock balance")


def access_movement(movement_id) -> StockMovement:
    return _found(movements().filter(pk=movement_id).first(), "movement")


def layers_remaining(movement_ids) -> dict:
    """What remains in the FIFO layers of these incoming movements, {movement id: quantity}: a movement none of
    whose quantity has left yet shows its whole quantity. Under moving average there are no layers (empty)."""
    rows = StockLayer.objects.filter(movement_id__in=list(movement_ids)).values_list(
        "movement_id", "remaining_quantity"
    )
    remaining: dict = {}
    for movement_id, quantity in rows:
        remaining[movement_id] = remaining.get(movement_id, 0) + quantity
    return remaining
