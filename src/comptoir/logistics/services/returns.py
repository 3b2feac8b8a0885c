"""Returns of a delivered shipment: the goods come back into stock at the cost they left with (IN movements of the
same batches and values; Dr inventory, Cr the cost of goods sold), the order lines' returned quantities rise, and a
return record keeps the quantities and their selling values (the order line's net and tax for them) for the credit
note invoicing issues (`queries.returns_to_credit`, then `mark_return_credited`; `release_return_credit` when that
note is cancelled). A return of everything left of the
shipment moves it to RETURNED. Numbered RTN-… last, in one transaction; a refusal writes nothing."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.inventory.queries.refs import resolve_account, resolve_warehouse
from comptoir.inventory.queries.stock import batches
from comptoir.inventory.services.ledger import Move, write_movements
from comptoir.logistics.constants import ReturnStatus, ShipmentStatus
from comptoir.logistics.models import Shipment, ShipmentItem, ShipmentReturn, ShipmentReturnLine
from comptoir.logistics.module import (
    COGS_ACCOUNT_SETTING,
    RETURN_CREDIT_CANCELLED,
    RETURN_CREDITED,
    RETURN_DOCUMENT,
    RETURN_POSTED,
    RETURN_SERIES,
    SHIPMENT_RETURNED,
)
from comptoir.platform.constants import AuditAction
from comptoir.platform.documents import move_document
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.locks import lock_row
from comptoir.platform.money import round_money
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition
from comptoir.sales import services as sales
from comptoir.sales.queries import items_by_id

ZERO = Decimal(0)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReturnLineInput:
    shipment_item: uuid.UUID | str
    quantity: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReturnInput:
    """What came back (every line's remaining quantity when `lines` is empty), when, and where to."""

    lines: list[ReturnLineInput] | tuple[ReturnLineInput, ...] = ()
    return_date: datetime.date | None = None
    to_warehouse: uuid.UUID | str | None = None
    reason: str = ""


def _payload(row: ShipmentReturn) -> dict:
    return {
        "id": row.pk,
        "return_number": row.return_number,
        "shipment": row.shipment_id,
        "sales_order": row.sales_order_id,
        "total_cost": row.total_cost,
        "net_amount": row.net_amount,
        "tax_amount": row.tax_amount,
    }


def _wanted(shipment: Shipment, items: list[ShipmentItem], lines) -> list[tuple[ShipmentItem, Decimal]]:
    by_id = {str(i.pk): i for i in items}
    if not lines:
        wanted = [(i, i.quantity - i.returned_quantity) for i in items if i.quantity > i.returned_quantity]
        if not wanted:
            raise Conflict(_("Everything of this shipment came back already"), code="over_return", field="lines")
        return wanted
    wanted, asked = [], defaultdict(lambda: ZERO)
    for n, line in enumerate(lines):
        item = by_id.get(str(line.shipment_item))
        if item is None:
            raise ValidationFailed(
                _("No line %(ref)s on shipment %(number)s")
                % {"ref": line.shipment_item, "number": shipment.shipment_number},
                code="unknown",
                field=f"lines[{n}].shipment_item",
            )
        asked[item.pk] += line.quantity
        if asked[item.pk] > item.quantity - item.returned_quantity:
            raise Conflict(
                _("Line %(line)s shipped %(shipped)s and %(returned)s came back already")
                % {"line": item.line_no, "shipped": item.quantity, "returned": item.returned_quantity},
                code="over_return",
                field=f"lines[{n}].quantity",
            )
        wanted.append((item, line.quantity))
    return wanted


def _moves_back(item, quantity: Decimal, warehouse, account, field: str, currency, batch_map) -> list[Move]:
    """IN movements of `quantity` of the item into the batches it left from, in the order it left them, each at the
    value it left with (the rest of a pick's value for its last units, so a full return brings back the cost to the
    cent); the picks record what came back."""
    moves, left = [], quantity
    for pick in item.picks:
        if left == 0:
            break
        picked, value = Decimal(pick["quantity"]), Decimal(pick["value"])
        back, back_value = Decimal(pick.get("returned", "0")), Decimal(pick.get("returned_value", "0"))
        take = min(left, picked - back)
        if take <= 0:
            continue
        worth = value - back_value if back + take == picked else round_money(value * take / picked, currency)
        moves.append(
            Move(
                product=item.product,
                quantity=take,
                movement_type="IN",
                to_warehouse=warehouse,
                batch=batch_map.get(pick["batch"]) if pick["batch"] else None,
                unit_cost=worth / take,
                offset_account=account,
                field=field,
            )
        )
        pick["returned"], pick["returned_value"] = str(back + take), str(back_value + worth)
        left -= take
    return moves


def return_shipment(*, actor, shipment_id, data: ReturnInput) -> ShipmentReturn:
    """Take back goods of a DELIVERED shipment (`not_delivered` otherwise; `over_return` past what it shipped)."""
    with transaction.atomic():
        shipment = lock_row(Shipment.objects.select_related("sales_order"), shipment_id, what=_("shipment"))
        if shipment.status != ShipmentStatus.DELIVERED:
            raise Conflict(
                _("Only a delivered shipment comes back; this one is %(status)s")
                % {"status": shipment.get_status_display()},
                code="not_delivered",
                field="status",
            )
        items = list(
            ShipmentItem.objects.filter(shipment=shipment)
            .select_related("product", "batch")
            .order_by("line_no")
            .select_for_update(of=("self",))
        )
        wanted = _wanted(shipment, items, data.lines)
        day = data.return_date or timezone.localdate()
        if day < (shipment.actual_delivery or shipment.shipped_date):
            raise ValidationFailed(_("Goods come back after they were delivered"), code="invalid_range",
                                   field="return_date")  # fmt: skip
        order = shipment.sales_order
        warehouse = (
            resolve_warehouse(data.to_warehouse, "to_warehouse") if data.to_warehouse else shipment.from_warehouse
        )
        order_lines = items_by_id(i.order_item_id for i, _q in wanted)
        currency = order.currency
        record = ShipmentReturn(
            organization_id=require_org_id(),
            shipment=shipment,
            sales_order=order,
            party_id=order.party_id,
            currency=currency,
            return_date=day,
            to_warehouse=warehouse,
            reason=data.reason,
            created_by=actor,
            updated_by=actor,
        )
        record.save(force_insert=True)
        lines = []
        for n, (item, quantity) in enumerate(wanted, start=1):
            line = order_lines[item.order_item_id]
            net = round_money(line.net_amount * quantity / line.quantity, currency)
            tax = round_money(line.tax_amount * quantity / line.quantity, currency)
            lines.append(
                ShipmentReturnLine(
                    organization_id=record.organization_id,
                    shipment_return=record,
                    line_no=n,
                    shipment_item=item,
                    order_item_id=item.order_item_id,
                    product_id=item.product_id,
                    quantity=quantity,
                    cost=ZERO,
                    unit_rate=line.unit_rate,
                    net_amount=net,
                    tax_amount=tax,
                    created_by=actor,
                    updated_by=actor,
                )
            )
        ShipmentReturnLine.objects.bulk_create(lines)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=record, new={"shipment": str(shipment.pk)})

        def post(ret: ShipmentReturn) -> None:
            # the order first (its lock before the stock's, as a dispatch takes them)
            returned: dict = defaultdict(lambda: ZERO)
            for item, quantity in wanted:
                returned[item.order_item_id] += quantity
            sales.record_returned_quantities(actor=actor, order_id=order.pk, quantities=dict(returned))
            account = resolve_account(get_setting(COGS_ACCOUNT_SETTING), "account")
            ids = {p["batch"] for item in items for p in item.picks if p["batch"]}
            batch_map = {str(b.pk): b for b in batches().filter(pk__in=ids)} if ids else {}
            moves, owners = [], []
            for n, (item, quantity) in enumerate(wanted):
                if not item.product.track_inventory:
                    continue
                for move in _moves_back(item, quantity, warehouse, account, f"lines[{n}]", currency, batch_map):
                    moves.append(move)
                    owners.append(n)
            entry = None
            if moves:
                _movements, entry = write_movements(
                    actor=actor,
                    moves=moves,
                    day=day,
                    source_type=RETURN_DOCUMENT,
                    source_id=ret.pk,
                    narration=_("Return of %(shipment)s") % {"shipment": shipment.shipment_number},
                    reference=shipment.shipment_number or "",
                )
            for line in lines:
                line.cost = ZERO
            for move, n in zip(moves, owners, strict=True):
                lines[n].cost += move.value
            ShipmentReturnLine.objects.bulk_update(lines, ["cost"])
            for item, quantity in wanted:
                item.returned_quantity += quantity
            ShipmentItem.objects.bulk_update(items, ["returned_quantity", "picks"])
            if all(i.returned_quantity >= i.quantity for i in items):
                transition(shipment, ShipmentStatus.RETURNED, actor=actor)
                emit_event(event_type=SHIPMENT_RETURNED, payload={"id": shipment.pk, "status": shipment.status},
                           source=shipment)  # fmt: skip
            ret.journal_entry = entry
            ret.total_cost = sum((line.cost for line in lines), ZERO)
            ret.net_amount = sum((line.net_amount for line in lines), ZERO)
            ret.tax_amount = sum((line.tax_amount for line in lines), ZERO)
            ret.gross_amount = ret.net_amount + ret.tax_amount

        return move_document(
            lambda: record,
            actor=actor,
            to=ReturnStatus.POSTED,
            action=AuditAction.POST,
            post=post,
            number=lambda r: next_number(document_type=RETURN_SERIES, on=r.return_date),
            also=("journal_entry", "total_cost", "net_amount", "tax_amount", "gross_amount"),
            audit=lambda r: {"total_cost": str(r.total_cost), "net_amount": str(r.net_amount)},
            event_type=RETURN_POSTED,
            payload=_payload,
        )


def mark_return_credited(*, actor, return_id, credit_note_id: uuid.UUID) -> ShipmentReturn:
    """Invoicing issued the credit note of the return (`already_credited` when it has one)."""
    with transaction.atomic():
        row = lock_row(ShipmentReturn.objects, return_id, what=_("return"))
        if row.credit_note_id is not None:
            raise Conflict(_("This return has its credit note already"), code="already_credited",
                           field="credit_note")  # fmt: skip
        row.credit_note_id = credit_note_id
        row.updated_by = actor
        row.save(update_fields=["credit_note_id", "updated_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, new={"credit_note_id": str(credit_note_id)})
        emit_event(event_type=RETURN_CREDITED, payload=_payload(row), source=row)
    return row


def release_return_credit(*, actor, credit_note_id: uuid.UUID) -> ShipmentReturn | None:
    """Invoicing cancelled the credit note `credit_note_id`: the return it credited (if any) may be credited again."""
    with transaction.atomic():
        found = ShipmentReturn.objects.filter(credit_note_id=credit_note_id).values_list("pk", flat=True).first()
        if found is None:
            return None
        row = lock_row(ShipmentReturn.objects, found, what=_("return"))
        row.credit_note_id = None
        row.updated_by = actor
        row.save(update_fields=["credit_note_id", "updated_by", "updated_at"])
        record_audit(
            actor=actor, action=AuditAction.UPDATE, obj=row, old={"credit_note_id": str(credit_note_id)},
            new={"credit_note_id": None},
        )  # fmt: skip
        emit_event(
            event_type=RETURN_CREDIT_CANCELLED, payload={**_payload(row), "credit_note_id": str(credit_note_id)},
            source=row,
        )  # fmt: skip
    return row
