"""Stock counts of one warehouse: DRAFT → IN_PROGRESS → COMPLETED, or CANCELLED before it completes.

Starting a count snapshots the balance of every product and batch held there (`system_quantity`); the counters then
record what they find (`record_counts`, a product not on the list is added at a system quantity of what the books
hold); completing it needs every line counted and posts each difference (counted − snapshot) as an adjustment in
or out, all in one STOCK journal entry on the adjustment account. An adjustment in is valued at the stock's
average cost there, else the product's standard cost."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.inventory.constants import MovementType, StockCountStatus
from comptoir.inventory.errors import InventoryError
from comptoir.inventory.models import StockBalance, StockCount, StockCountLine
from comptoir.inventory.module import (
    ADJUSTMENT_ACCOUNT_SETTING,
    STOCK_COUNT_CANCELLED,
    STOCK_COUNT_COMPLETED,
    STOCK_COUNT_DOCUMENT,
    STOCK_COUNT_SERIES,
    STOCK_COUNT_STARTED,
)
from comptoir.inventory.queries.refs import resolve_account, resolve_batch, resolve_product, resolve_warehouse
from comptoir.inventory.services.ledger import Move, write_movements
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows
from comptoir.platform.documents import move_document
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.locks import lock_row
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id

RATE_QUANTUM = Decimal("0.0001")


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockCountInput:
    """A count of `warehouse` (id or code) on `count_date`."""

    warehouse: str | uuid.UUID
    count_date: datetime.date
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CountedLine:
    """What was found of `product` (and `batch`), by id or code."""

    product: str | uuid.UUID
    counted_quantity: Decimal
    batch: str | uuid.UUID | None = None


def _payload(count: StockCount) -> dict:
    return {
        "id": count.pk,
        "count_number": count.count_number,
        "warehouse": count.warehouse_id,
        "count_date": count.count_date,
        "status": count.status,
        "journal_entry": count.journal_entry_id,
    }


def create_stock_count(*, actor, data: StockCountInput) -> StockCount:
    """A DRAFT count of an active warehouse."""
    with transaction.atomic():
        warehouse = resolve_warehouse(data.warehouse)
        if not warehouse.is_active:
            raise ValidationFailed(
                _("Warehouse %(code)s is inactive") % {"code": warehouse.code},
                code=InventoryError.INACTIVE,
                field="warehouse",
            )
        count = StockCount(
            organization_id=require_org_id(),
            warehouse=warehouse,
            count_date=data.count_date,
            notes=data.notes,
            created_by=actor,
            updated_by=actor,
        )
        count.save(force_insert=True)
        record_audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=count,
            new={"warehouse": warehouse.code, "count_date": str(data.count_date)},
        )
    return count


def _locked(count_id) -> StockCount:
    return lock_row(StockCount.objects.select_related("warehouse"), count_id, what="stock count")


def _snapshot(count: StockCount) -> None:
    held = StockBalance.objects.filter(warehouse=count.warehouse).exclude(quantity=0)
    insert_rows(
        [
            StockCountLine(
                id=uuid7(),
                organization_id=count.organization_id,
                count=count,
                product_id=row.product_id,
                batch_id=row.batch_id,
                system_quantity=row.quantity,
                created_by=count.updated_by,
                updated_by=count.updated_by,
            )
            for row in held.order_by("product_id", "batch_id")
        ]
    )


def start_stock_count(*, actor, count_id) -> StockCount:
    """DRAFT → IN_PROGRESS: the system quantities of the warehouse, snapshotted."""
    return move_document(
        lambda: _locked(count_id),
        actor=actor,
        to=StockCountStatus.IN_PROGRESS,
        post=_snapshot,
        event_type=STOCK_COUNT_STARTED,
        payload=_payload,
    )


def record_counts(*, actor, count_id, lines: Sequence[CountedLine]) -> StockCount:
    """Record what was counted, line by line, while the count is in progress."""
    with transaction.atomic():
        count = _locked(count_id)
        if count.status != StockCountStatus.IN_PROGRESS:
            raise Conflict(
                _("Counts are recorded while the count is in progress"), code="invalid_transition", field="status"
            )
        for i, line in enumerate(lines):
            product = resolve_product(line.product, f"lines[{i}].product")
            if not product.track_inventory:
                raise ValidationFailed(
                    _("Product %(code)s tracks no stock") % {"code": product.code},
                    code=InventoryError.UNTRACKED_PRODUCT,
                    field=f"lines[{i}].product",
                )
            batch = resolve_batch(line.batch, product, f"lines[{i}].batch") if line.batch else None
            row = StockCountLine.objects.filter(count=count, product=product, batch=batch).first()
            if row is None:
                held = StockBalance.objects.filter(product=product, warehouse=count.warehouse, batch=batch).first()
                row = StockCountLine(
                    organization_id=count.organization_id,
                    count=count,
                    product=product,
                    batch=batch,
                    system_quantity=held.quantity if held else 0,
                    created_by=actor,
                )
            row.counted_quantity = line.counted_quantity
            row.updated_by = actor
            row.save()
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=count, new={"counted_lines": len(lines)})
    return count


def _post(actor, count: StockCount) -> None:
    lines = list(count.lines.select_related("product", "batch"))
    missing = [i for i, line in enumerate(lines) if line.counted_quantity is None]
    if missing:
        raise ValidationFailed(
            _("Every line must be counted first"),
            code=InventoryError.REQUIRED,
            field=f"lines[{missing[0]}].counted_quantity",
        )
    offset = resolve_account(get_setting(ADJUSTMENT_ACCOUNT_SETTING), "account")
    held = {
        (row.product_id, row.batch_id): row
        for row in StockBalance.objects.filter(warehouse=count.warehouse, product__in=[li.product for li in lines])
    }
    moves = []
    for i, line in enumerate(lines):
        difference = line.counted_quantity - line.system_quantity
        if difference == 0:
            continue
        kind = MovementType.ADJUSTMENT_IN if difference > 0 else MovementType.ADJUSTMENT_OUT
        move = Move(
            product=line.product,
            quantity=abs(difference),
            movement_type=kind,
            batch=line.batch,
            offset_account=offset,
            field=f"lines[{i}]",
        )
        if difference > 0:
            balance = held.get((line.product_id, line.batch_id))
            average = balance.value / balance.quantity if balance and balance.quantity > 0 else None
            move.to_warehouse = count.warehouse
            move.unit_cost = average.quantize(RATE_QUANTUM) if average is not None else line.product.standard_cost
        else:
            move.from_warehouse = count.warehouse
        moves.append(move)
    if moves:
        _movements, count.journal_entry = write_movements(
            actor=actor,
            moves=moves,
            day=count.count_date,
            source_type=STOCK_COUNT_DOCUMENT,
            source_id=count.pk,
            narration=f"Stock count {count.warehouse.code}",
        )


def complete_stock_count(*, actor, count_id) -> StockCount:
    """IN_PROGRESS → COMPLETED: the differences posted as adjustments, and the count numbered (STC-2026-000001)."""
    return move_document(
        lambda: _locked(count_id),
        actor=actor,
        to=StockCountStatus.COMPLETED,
        action=AuditAction.POST,
        post=lambda count: _post(actor, count),
        number=lambda count: next_number(document_type=STOCK_COUNT_SERIES, on=count.count_date),
        also=("journal_entry",),
        event_type=STOCK_COUNT_COMPLETED,
        payload=_payload,
    )


def cancel_stock_count(*, actor, count_id, reason: str = "") -> StockCount:
    """DRAFT or IN_PROGRESS → CANCELLED: nothing is adjusted."""
    return move_document(
        lambda: _locked(count_id),
        actor=actor,
        to=StockCountStatus.CANCELLED,
        event_type=STOCK_COUNT_CANCELLED,
        payload=_payload,
        reason=reason,
    )
