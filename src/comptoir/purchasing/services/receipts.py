"""Goods receipts and supplier returns. A receipt posts IN movements at the order's net price (in the base
currency) through the inventory's ledger, with one STOCK entry Dr inventory, Cr goods received not billed
(setting `purchasing.grni_account`); the order items' received quantities and the order's status follow. A line
may receive up to its quantity plus the tolerance (`purchasing.over_receipt_tolerance_pct`); the order row is
locked first, so two receipts of one line at once are counted one after the other.

Cancelling a receipt reverses its entry and writes the opposite movements at the receipt's own cost, while nothing
of it is billed (`receipt_billed`), returned or issued further (`receipt_issued`). A supplier return sends goods
of a receipt back at the receipt's cost: Dr goods received not billed for what is not billed, Dr the supplier's
account for what is (`debit_note_amount`: what a debit note should claim), Cr inventory."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounting.services import reverse_entry
from comptoir.inventory.constants import MovementType
from comptoir.inventory.queries.refs import resolve_account, resolve_batch
from comptoir.inventory.queries.stock import layers_remaining
from comptoir.inventory.services.ledger import Move, write_movements
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows
from comptoir.platform.documents import move_document
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.locks import lock_row
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id
from comptoir.purchasing.constants import RECEIVABLE, ReceiptStatus, ReturnStatus
from comptoir.purchasing.errors import PurchasingError
from comptoir.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrderItem,
    SupplierReturn,
    SupplierReturnLine,
)
from comptoir.purchasing.module import (
    GRNI_ACCOUNT_SETTING,
    OVER_RECEIPT_SETTING,
    RECEIPT_CANCELLED,
    RECEIPT_DOCUMENT,
    RECEIPT_POSTED,
    RECEIPT_SERIES,
    RETURN_DOCUMENT,
    RETURN_POSTED,
    RETURN_SERIES,
)
from comptoir.purchasing.services.common import ZERO, roll_up
from comptoir.purchasing.services.orders import lock_order

HUNDRED = Decimal(100)
RATE_QUANTUM = Decimal("0.0001")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReceiptLineInput:
    order_item: uuid.UUID
    quantity: Decimal
    batch: str | uuid.UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReceiptInput:
    date: datetime.date
    lines: Sequence[ReceiptLineInput]
    supplier_delivery_note: str = ""
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReturnLineInput:
    receipt_line: uuid.UUID
    quantity: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReturnInput:
    date: datetime.date
    lines: Sequence[ReturnLineInput]
    reason: str = ""


def _key(ref):
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        return None


def grni_account():
    return resolve_account(get_setting(GRNI_ACCOUNT_SETTING), GRNI_ACCOUNT_SETTING)


def _items_of(order) -> dict:
    rows = PurchaseOrderItem.objects.filter(order=order).select_related(
        "product", "warehouse", "warehouse__inventory_account"
    )
    return {item.pk: item for item in rows.order_by("line_no")}


def unit_cost(item: PurchaseOrderItem, order) -> Decimal:
    """The item's net price per unit in the base currency: what a unit received is worth in stock."""
    return (item.net_amount / item.quantity * order.exchange_rate).quantize(RATE_QUANTUM)


def _receipt_payload(receipt: GoodsReceipt) -> dict:
    return {
        "id": receipt.pk,
        "receipt_number": receipt.receipt_number,
        "order": receipt.order_id,
        "status": receipt.status,
        "date": receipt.date,
        "total_value": receipt.total_value,
        "journal_entry": receipt.journal_entry_id,
    }


def receive_goods(*, actor, order_id, data: ReceiptInput) -> GoodsReceipt:
    """A posted receipt against a CONFIRMED or partly received order; refused beyond the tolerance
    (`over_receipt`), for an item of another order (`wrong_order`); nothing written on a refusal."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status not in RECEIVABLE:
            raise Conflict(
                _("Order %(number)s is %(status)s: it receives nothing")
                % {"number": order.order_number, "status": order.get_status_display()},
                code="invalid_transition",
                field="status",
            )
        if not data.lines:
            raise ValidationFailed(_("A receipt needs at least one line"), code=PurchasingError.REQUIRED, field="lines")
        items = _items_of(order)
        tolerance = Decimal(str(get_setting(OVER_RECEIPT_SETTING)))
        receipt = GoodsReceipt(
            id=uuid7(),
            organization_id=require_org_id(),
            order=order,
            party_id=order.party_id,
            date=data.date,
            supplier_delivery_note=data.supplier_delivery_note.strip(),
            notes=data.notes,
            created_by=actor,
            updated_by=actor,
        )
        lines, added = [], defaultdict(lambda: ZERO)
        for i, line in enumerate(data.lines):
            field = f"lines[{i}]"
            item = items.get(_key(line.order_item))
            if item is None:
                raise ValidationFailed(
                    _("The item is not a line of order %(number)s") % {"number": order.order_number},
                    code=PurchasingError.WRONG_ORDER,
                    field=f"{field}.order_item",
                )
            added[item.pk] += line.quantity
            allowed = item.quantity * (HUNDRED + tolerance) / HUNDRED
            if item.received_quantity + added[item.pk] > allowed:
                raise Conflict(
                    _("Line %(line)s: %(quantity)s more would exceed the %(allowed)s allowed (%(received)s received)")
                    % {
                        "line": item.line_no,
                        "quantity": line.quantity,
                        "allowed": allowed.normalize(),
                        "received": item.received_quantity,
                    },
                    code=PurchasingError.OVER_RECEIPT,
                    field=f"{field}.quantity",
                )
            batch = resolve_batch(line.batch, item.product, f"{field}.batch") if line.batch else None
            lines.append(
                GoodsReceiptLine(
                    id=uuid7(),
                    organization_id=receipt.organization_id,
                    receipt=receipt,
                    line_no=i + 1,
                    order_item=item,
                    product=item.product,
                    warehouse=item.warehouse,
                    batch=batch,
                    quantity=line.quantity,
                    unit_cost=unit_cost(item, order),
                    created_by=actor,
                    updated_by=actor,
                )
            )
        receipt.save(force_insert=True)

        def post(doc: GoodsReceipt) -> None:
            offset = grni_account()
            moves = [
                Move(
                    product=line.product,
                    quantity=line.quantity,
                    movement_type=MovementType.IN,
                    to_warehouse=line.warehouse,
                    batch=line.batch,
                    unit_cost=line.unit_cost,
                    offset_account=offset,
                    field=f"lines[{n}]",
                )
                for n, line in enumerate(lines)
            ]
            movements, entry = write_movements(
                actor=actor,
                moves=moves,
                day=doc.date,
                source_type=RECEIPT_DOCUMENT,
                source_id=doc.pk,
                narration=_("Goods received on %(order)s from %(party)s")
                % {"order": order.order_number, "party": order.party.name},
                reference=order.order_number,
            )
            for line, move, movement in zip(lines, moves, movements, strict=True):
                line.value, line.movement = move.value, movement
            insert_rows(lines)
            doc.journal_entry = entry
            doc.total_value = sum((line.value for line in lines), ZERO)

        receipt = move_document(
            lambda: receipt,
            actor=actor,
            to=ReceiptStatus.POSTED,
            action=AuditAction.POST,
            post=post,
            number=lambda doc: next_number(document_type=RECEIPT_SERIES, on=doc.date),
            also=("journal_entry", "total_value"),
            audit=lambda doc: {"order": str(order.pk), "total_value": str(doc.total_value)},
            event_type=RECEIPT_POSTED,
            payload=_receipt_payload,
        )
        for item_id, quantity in added.items():
            items[item_id].received_quantity += quantity
        PurchaseOrderItem.objects.bulk_update([items[k] for k in added], ["received_quantity"])
        roll_up(actor, order, items.values())
    return receipt


def _locked_receipt(receipt_id) -> GoodsReceipt:
    return lock_row(GoodsReceipt.objects.all(), receipt_id, what=_("goods receipt"))


def cancel_receipt(*, actor, receipt_id, reason: str = "", date: datetime.date | None = None) -> GoodsReceipt:
    """POSTED → CANCELLED: its entry reversed (dated `date`, today by default, never before the receipt) and the
    opposite movements at its own cost; refused once any of it is billed, returned or issued further."""
    with transaction.atomic():
        head = GoodsReceipt.objects.filter(pk=receipt_id).values_list("order_id", flat=True).first()
        if head is None:
            _locked_receipt(receipt_id)  # NotFound
        order = lock_order(head)
        receipt = _locked_receipt(receipt_id)
        if receipt.status != ReceiptStatus.POSTED:
            raise Conflict(_("This receipt is cancelled"), code="invalid_transition", field="status")
        lines = list(receipt.lines.select_related("product", "warehouse", "batch", "movement", "order_item"))
        items = _items_of(order)
        taken = defaultdict(lambda: ZERO)
        for line in lines:
            taken[line.order_item_id] += line.quantity
        for item_id, quantity in taken.items():
            item = items[item_id]
            if item.billed_quantity > item.received_quantity - quantity:
                raise Conflict(
                    _("Line %(line)s of this receipt is billed: it cannot be cancelled") % {"line": item.line_no},
                    code=PurchasingError.RECEIPT_BILLED,
                    field="status",
                )
        remaining = layers_remaining(line.movement_id for line in lines if line.movement_id)
        for line in lines:
            left = remaining.get(line.movement_id, line.quantity)
            if line.returned_quantity or left < line.quantity:
                raise Conflict(
                    _("Goods of line %(line)s were returned or issued further: the receipt cannot be cancelled")
                    % {"line": line.line_no},
                    code=PurchasingError.RECEIPT_ISSUED,
                    field="status",
                )
        day = max(date or timezone.localdate(), receipt.date)

        def post(doc: GoodsReceipt) -> None:
            reversal = None
            if doc.journal_entry_id:
                reversal = reverse_entry(
                    actor=actor,
                    entry_id=doc.journal_entry_id,
                    date=day,
                    narration=_("Receipt %(number)s cancelled") % {"number": doc.receipt_number},
                )
            offset = grni_account()
            moves = [
                Move(
                    product=line.product,
                    quantity=line.quantity,
                    movement_type=MovementType.OUT,
                    from_warehouse=line.warehouse,
                    batch=line.batch,
                    offset_account=offset,
                    cost_of=line.movement,
                    field=f"lines[{n}]",
                )
                for n, line in enumerate(lines)
            ]
            write_movements(
                actor=actor,
                moves=moves,
                day=day,
                source_type=RECEIPT_DOCUMENT,
                source_id=doc.pk,
                reference=doc.receipt_number or "",
                entry=reversal,
            )
            doc.reversal_entry = reversal

        receipt = move_document(
            lambda: receipt,
            actor=actor,
            to=ReceiptStatus.CANCELLED,
            action=AuditAction.CANCEL,
            post=post,
            also=("reversal_entry",),
            event_type=RECEIPT_CANCELLED,
            payload=_receipt_payload,
            reason=reason,
        )
        for item_id, quantity in taken.items():
            items[item_id].received_quantity -= quantity
        PurchaseOrderItem.objects.bulk_update([items[k] for k in taken], ["received_quantity"])
        roll_up(actor, order, items.values())
    return receipt


def _return_payload(row: SupplierReturn) -> dict:
    return {
        "id": row.pk,
        "return_number": row.return_number,
        "receipt": row.receipt_id,
        "order": row.order_id,
        "date": row.date,
        "total_value": row.total_value,
        "debit_note_amount": row.debit_note_amount,
        "journal_entry": row.journal_entry_id,
    }


def return_goods(*, actor, receipt_id, data: ReturnInput) -> SupplierReturn:
    """Send goods of a posted receipt back to the supplier (at most what is left of each line: `over_return`)."""
    with transaction.atomic():
        head = GoodsReceipt.objects.filter(pk=receipt_id).values_list("order_id", flat=True).first()
        if head is None:
            _locked_receipt(receipt_id)  # NotFound
        order = lock_order(head)
        receipt = _locked_receipt(receipt_id)
        if receipt.status != ReceiptStatus.POSTED:
            raise Conflict(_("This receipt is cancelled"), code="invalid_transition", field="receipt")
        if not data.lines:
            raise ValidationFailed(_("A return needs at least one line"), code=PurchasingError.REQUIRED, field="lines")
        receipt_lines = {
            line.pk: line
            for line in receipt.lines.select_related(
                "product", "warehouse", "batch", "movement", "warehouse__inventory_account"
            )
        }
        items = _items_of(order)
        doc = SupplierReturn(
            id=uuid7(),
            organization_id=require_org_id(),
            receipt=receipt,
            order=order,
            party_id=order.party_id,
            date=data.date,
            reason=data.reason,
            created_by=actor,
            updated_by=actor,
        )
        grni, supplier_account = grni_account(), order.party.account
        rows, moves, owners = [], [], []
        for i, given in enumerate(data.lines):
            field = f"lines[{i}]"
            line = receipt_lines.get(_key(given.receipt_line))
            if line is None:
                raise ValidationFailed(
                    _("The line is not a line of this receipt"),
                    code=PurchasingError.WRONG_ORDER,
                    field=f"{field}.receipt_line",
                )
            if line.returned_quantity + given.quantity > line.quantity:
                raise Conflict(
                    _("Only %(quantity)s of line %(line)s are left to return")
                    % {"quantity": line.quantity - line.returned_quantity, "line": line.line_no},
                    code=PurchasingError.OVER_RETURN,
                    field=f"{field}.quantity",
                )
            line.returned_quantity += given.quantity
            item = items[line.order_item_id]
            unbilled = max(item.received_quantity - item.billed_quantity, ZERO)
            to_grni = min(given.quantity, unbilled)
            billed = given.quantity - to_grni
            item.received_quantity -= given.quantity
            item.returned_quantity += given.quantity
            row = SupplierReturnLine(
                id=uuid7(),
                organization_id=doc.organization_id,
                supplier_return=doc,
                line_no=i + 1,
                receipt_line=line,
                order_item=item,
                product=line.product,
                quantity=given.quantity,
                billed_quantity=billed,
                created_by=actor,
                updated_by=actor,
            )
            rows.append(row)
            for quantity, account in ((to_grni, grni), (billed, supplier_account)):
                if quantity:
                    moves.append(
                        Move(
                            product=line.product,
                            quantity=quantity,
                            movement_type=MovementType.OUT,
                            from_warehouse=line.warehouse,
                            batch=line.batch,
                            offset_account=account,
                            cost_of=line.movement,
                            field=field,
                        )
                    )
                    owners.append((row, account is supplier_account))
        doc.save(force_insert=True)

        def post(ret: SupplierReturn) -> None:
            _movements, entry = write_movements(
                actor=actor,
                moves=moves,
                day=ret.date,
                source_type=RETURN_DOCUMENT,
                source_id=ret.pk,
                narration=_("Goods returned to %(party)s (receipt %(number)s)")
                % {"party": order.party.name, "number": receipt.receipt_number},
                reference=receipt.receipt_number or "",
            )
            for move, (row, billed) in zip(moves, owners, strict=True):
                row.value += move.value
                if billed:
                    ret.debit_note_amount += move.value
            insert_rows(rows)
            ret.journal_entry = entry
            ret.total_value = sum((row.value for row in rows), ZERO)
            ret.debit_note_pending = ret.debit_note_amount > 0

        doc = move_document(
            lambda: doc,
            actor=actor,
            to=ReturnStatus.POSTED,
            action=AuditAction.POST,
            post=post,
            number=lambda ret: next_number(document_type=RETURN_SERIES, on=ret.date),
            also=("journal_entry", "total_value", "debit_note_amount", "debit_note_pending"),
            audit=lambda ret: {"receipt": str(receipt.pk), "total_value": str(ret.total_value)},
            event_type=RETURN_POSTED,
            payload=_return_payload,
        )
        GoodsReceiptLine.objects.bulk_update(list(receipt_lines.values()), ["returned_quantity"])
        PurchaseOrderItem.objects.bulk_update(list(items.values()), ["received_quantity", "returned_quantity"])
        roll_up(actor, order, items.values())
    return doc


def base_currency():
    return current_organization().base_currency
