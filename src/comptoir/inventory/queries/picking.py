"""First-expiry-first-out picking for documents of other modules (a sales order's reservations, a shipment's
issue): which batches to take a quantity of a product from at a warehouse. A read; the writers lock and check."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F

from comptoir.inventory.models import StockBalance


def fefo_parts(*, product_id, warehouse_id, quantity: Decimal, include_reserved: bool = False) -> list[tuple]:
    """(batch or None, quantity) parts of `quantity`: the first-expiring batches with stock available (on hand −
    reserved, or on hand with `include_reserved`) first, stock outside any batch last. What no batch holds stays
    on the last part, for the writer to refuse as insufficient."""
    free = F("quantity") if include_reserved else F("quantity") - F("reserved_quantity")
    rows = list(
        StockBalance.objects.filter(product_id=product_id, warehouse_id=warehouse_id)
        .annotate(free=free)
        .filter(free__gt=0)
        .select_related("batch")
        .order_by(F("batch__exp_date").asc(nulls_last=True), F("batch__batch_number").asc(nulls_last=True))
    )
    if not rows or all(row.batch_id is None for row in rows):
        return [(None, quantity)]
    parts, left = [], quantity
    for row in rows:
        take = min(left, row.free)
        parts.append((row.batch, take))
        left -= take
        if left == 0:
            break
    if left:
        batch, taken = parts[-1]
        parts[-1] = (batch, taken + left)
    return parts
