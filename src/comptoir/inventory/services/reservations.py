"""Reservations: stock held at one (product, warehouse, batch) for a document. ACTIVE → CONSUMED (the stock left
with its document), RELEASED (no longer wanted) or EXPIRED (`expire_reservations`, run by the worker). Σ ACTIVE
reservations is the balance's reserved quantity, never above what is on hand: a reservation takes it by a guarded
UPDATE of the balance row (`reserved + n <= on hand`), so concurrent reservations never over-commit the stock."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.inventory.constants import ReservationStatus
from comptoir.inventory.errors import InventoryError
from comptoir.inventory.models import StockBalance, StockReservation
from comptoir.inventory.module import (
    RESERVATION_CONSUMED,
    RESERVATION_EXPIRED,
    RESERVATION_RELEASED,
    STOCK_RESERVED,
)
from comptoir.inventory.queries.refs import resolve_batch, resolve_product, resolve_warehouse
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.locks import lock_row
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition

AUDITED = ("product", "warehouse", "batch", "quantity", "status", "expires_at", "source_type", "source_id")
_TABLE = StockBalance._meta.db_table
_RESERVE_SQL = f"""
UPDATE {_TABLE} SET reserved_quantity = reserved_quantity + %(n)s, updated_at = now()
 WHERE organization_id = %(org)s AND product_id = %(product)s AND warehouse_id = %(warehouse)s
   AND batch_id IS NOT DISTINCT FROM %(batch)s AND quantity - reserved_quantity >= %(n)s
"""  # noqa: S608 (model table)
_UNRESERVE_SQL = f"""
UPDATE {_TABLE} SET reserved_quantity = reserved_quantity - %(n)s, updated_at = now()
 WHERE organization_id = %(org)s AND product_id = %(product)s AND warehouse_id = %(warehouse)s
   AND batch_id IS NOT DISTINCT FROM %(batch)s AND reserved_quantity >= %(n)s
"""  # noqa: S608 (model table)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReservationInput:
    """Hold `quantity` of `product` at `warehouse` (and `batch`), all by id or code, for a source document."""

    product: str | uuid.UUID
    warehouse: str | uuid.UUID
    quantity: Decimal
    batch: str | uuid.UUID | None = None
    expires_at: datetime.datetime | None = None
    source_type: str = ""
    source_id: uuid.UUID | None = None


def lock_stock(pairs) -> None:
    """Lock every balance row (each batch) of the (product id, warehouse id) `pairs`, in the ledger's key order
    (`ledger.lock_balances`: product, warehouse, no batch first). A writer that reserves, consumes or releases the
    stock of several lines calls it first: taken one reservation at a time in line order, two orders naming the
    same products in another order would deadlock."""
    pairs = set(pairs)
    if not pairs:
        return
    condition = Q()
    for product_id, warehouse_id in pairs:
        condition |= Q(product_id=product_id, warehouse_id=warehouse_id)
    rows = StockBalance.objects.filter(condition).order_by(
        "product_id", "warehouse_id", F("batch_id").asc(nulls_first=True)
    )
    list(rows.select_for_update().values_list("id", flat=True))


def _params(row: StockReservation) -> dict:
    return {
        "n": row.quantity,
        "org": row.organization_id,
        "product": row.product_id,
        "warehouse": row.warehouse_id,
        "batch": row.batch_id,
    }


def _payload(row: StockReservation) -> dict:
    return {
        "id": row.pk,
        "product": row.product_id,
        "warehouse": row.warehouse_id,
        "batch": row.batch_id,
        "quantity": row.quantity,
        "status": row.status,
    }


def reserve_stock(*, actor, data: ReservationInput) -> StockReservation:
    """An ACTIVE reservation, or 409 `insufficient_stock` when less than `quantity` is available."""
    with transaction.atomic():
        product = resolve_product(data.product)
        if not product.track_inventory:
            raise ValidationFailed(
                _("Product %(code)s tracks no stock") % {"code": product.code},
                code=InventoryError.UNTRACKED_PRODUCT,
                field="product",
            )
        warehouse = resolve_warehouse(data.warehouse)
        if not warehouse.is_active:
            raise ValidationFailed(
                _("Warehouse %(code)s is inactive") % {"code": warehouse.code},
                code=InventoryError.INACTIVE,
                field="warehouse",
            )
        if data.expires_at is not None and data.expires_at <= timezone.now():
            raise ValidationFailed(_("A reservation expires in the future"), code="invalid_range", field="expires_at")
        row = StockReservation(
            organization_id=require_org_id(),
            product=product,
            warehouse=warehouse,
            batch=resolve_batch(data.batch, product) if data.batch else None,
            quantity=data.quantity,
            expires_at=data.expires_at,
            source_type=data.source_type,
            source_id=data.source_id,
            created_by=actor,
            updated_by=actor,
        )
        with connection.cursor() as cursor:
            cursor.execute(_RESERVE_SQL, _params(row))
            if cursor.rowcount != 1:
                raise Conflict(
                    _("Not enough %(product)s available at %(warehouse)s")
                    % {"product": product.code, "warehouse": warehouse.code},
                    code=InventoryError.INSUFFICIENT_STOCK,
                    field="quantity",
                )
        row.save(force_insert=True)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=snapshot(row, AUDITED))
        emit_event(event_type=STOCK_RESERVED, payload=_payload(row), source=row)
    return row


def _end(actor, reservation_id, to: str, event_type: str, reason: str = "") -> StockReservation:
    with transaction.atomic():
        row = lock_row(StockReservation.objects, reservation_id, what="reservation")
        transition(row, to, actor=actor, reason=reason)
        with connection.cursor() as cursor:
            cursor.execute(_UNRESERVE_SQL, _params(row))
            if cursor.rowcount != 1:  # the cache lost what the reservation holds: check-books shows it
                raise Conflict(
                    _("The reserved quantity is below this reservation"), code=InventoryError.INSUFFICIENT_STOCK
                )
        emit_event(event_type=event_type, payload=_payload(row), source=row)
    return row


def release_reservation(*, actor, reservation_id, reason: str = "") -> StockReservation:
    """ACTIVE → RELEASED: the stock is available again."""
    return _end(actor, reservation_id, ReservationStatus.RELEASED, RESERVATION_RELEASED, reason)


def consume_reservation(*, actor, reservation_id) -> StockReservation:
    """ACTIVE → CONSUMED: the stock leaves with its document, whose issue runs in the same transaction."""
    return _end(actor, reservation_id, ReservationStatus.CONSUMED, RESERVATION_CONSUMED)


def expire_reservations(*, actor=None, now: datetime.datetime | None = None) -> int:
    """Every ACTIVE reservation of the organization whose `expires_at` has passed → EXPIRED; returns how many."""
    now = now or timezone.now()
    due = StockReservation.objects.filter(status=ReservationStatus.ACTIVE, expires_at__lte=now)
    ids = list(due.order_by("id").values_list("id", flat=True))
    for reservation_id in ids:  # each in a transaction of its own: one balance row locked at a time
        _end(actor, reservation_id, ReservationStatus.EXPIRED, RESERVATION_EXPIRED, "expired")
    return len(ids)
