"""Shipments of a sales order: made against its lines (partial deliveries; over-delivery past the tolerance setting
refused with `over_delivery`), dispatched, tracked, delivered or cancelled; each step in one transaction with its
audit row and its event, a refusal writing nothing.

Dispatching (→ IN_TRANSIT) follows the document skeleton: lock → transition → post → number last → event. It
consumes the lines' reservations, writes the OUT movements (batches picked first-expiry-first, FEFO) and the cost of
goods sold (Dr the COGS account of `logistics.cogs_account`, Cr the warehouse's inventory account, at the
valuation cost) through the stock ledger, raises the order lines' shipped quantities (and unit costs) and reserves
again what stays to ship. Delivering raises the delivered quantities; the order's status rolls up from them."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.inventory.queries.picking import fefo_parts
from comptoir.inventory.queries.refs import resolve_account, resolve_warehouse
from comptoir.inventory.services.ledger import Move, write_movements
from comptoir.logistics.constants import LIVE_STATUSES, PRE_DISPATCH, ShipmentStatus, TransportMode
from comptoir.logistics.models import Carrier, Shipment, ShipmentItem
from comptoir.logistics.module import (
    COGS_ACCOUNT_SETTING,
    SHIPMENT_CANCELLED,
    SHIPMENT_CREATED,
    SHIPMENT_DELIVERED,
    SHIPMENT_DISPATCHED,
    SHIPMENT_DOCUMENT,
    SHIPMENT_OUT_FOR_DELIVERY,
    SHIPMENT_PICKED,
    SHIPMENT_READY,
    SHIPMENT_SERIES,
    SHIPMENT_UPDATED,
    TOLERANCE_SETTING,
)
from comptoir.platform.constants import AuditAction
from comptoir.platform.documents import move_document
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import lock_row
from comptoir.platform.money import round_money
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id
from comptoir.sales import services as sales
from comptoir.sales.queries import items_by_id, resolve_order

ZERO = Decimal(0)
SHIPPABLE = ("CONFIRMED", "IN_PROGRESS")
AUDITED = (
    "status", "sales_order", "carrier", "from_warehouse", "shipped_date", "tracking_number", "shipping_method",
    "expected_delivery", "vehicle_number", "driver_name", "eway_bill_number", "shipping_cost",
)  # fmt: skip
TRACKING_FIELDS = (
    "tracking_number", "shipping_method", "expected_delivery", "vehicle_number", "driver_name", "driver_phone",
    "eway_bill_number", "eway_bill_date", "eway_bill_valid_until", "transport_mode", "transport_distance_km",
    "shipping_cost", "notes",
)  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentLineInput:
    order_item: uuid.UUID | str
    quantity: Decimal
    package_number: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentInput:
    sales_order: uuid.UUID | str
    lines: list[ShipmentLineInput] | tuple[ShipmentLineInput, ...]
    shipped_date: datetime.date | None = None
    carrier: uuid.UUID | str | None = None
    from_warehouse: uuid.UUID | str | None = None
    tracking_number: str = ""
    shipping_method: str = ""
    expected_delivery: datetime.date | None = None
    vehicle_number: str = ""
    driver_name: str = ""
    driver_phone: str = ""
    eway_bill_number: str = ""
    eway_bill_date: datetime.date | None = None
    eway_bill_valid_until: datetime.date | None = None
    transport_mode: str = ""
    transport_distance_km: int | None = None
    shipping_cost: Decimal = ZERO
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentPatch(Patch):
    """The carrier and the tracking details, changeable until the shipment is delivered."""

    carrier: uuid.UUID | str | None | _Unset = UNSET
    shipped_date: datetime.date | None | _Unset = UNSET
    tracking_number: str | None | _Unset = UNSET
    shipping_method: str | None | _Unset = UNSET
    expected_delivery: datetime.date | None | _Unset = UNSET
    vehicle_number: str | None | _Unset = UNSET
    driver_name: str | None | _Unset = UNSET
    driver_phone: str | None | _Unset = UNSET
    eway_bill_number: str | None | _Unset = UNSET
    eway_bill_date: datetime.date | None | _Unset = UNSET
    eway_bill_valid_until: datetime.date | None | _Unset = UNSET
    transport_mode: str | None | _Unset = UNSET
    transport_distance_km: int | None | _Unset = UNSET
    shipping_cost: Decimal | _Unset = UNSET
    notes: str | None | _Unset = UNSET


def _payload(row: Shipment) -> dict:
    return {
        "id": row.pk,
        "shipment_number": row.shipment_number,
        "sales_order": row.sales_order_id,
        "status": row.status,
        "shipped_date": row.shipped_date,
        "total_cost": row.total_cost,
    }


def _carrier(ref) -> Carrier | None:
    if ref in (None, ""):
        return None
    try:
        key = {"pk": uuid.UUID(str(ref))}
    except ValueError:
        key = {"code": str(ref).strip()}
    row = Carrier.objects.filter(**key).first()
    if row is None:
        raise ValidationFailed(_("No carrier %(ref)s") % {"ref": ref}, code="unknown", field="carrier")
    if not row.is_active:
        raise ValidationFailed(_("Carrier %(code)s is inactive") % {"code": row.code}, code="inactive", field="carrier")
    return row


def tolerance() -> Decimal:
    return Decimal(str(get_setting(TOLERANCE_SETTING)))


def shipping_quantities(order_item_ids, *, excluding=None) -> dict:
    """{order item id: Σ quantity} on the live (not cancelled) shipments of the order lines."""
    rows = ShipmentItem.objects.filter(order_item_id__in=list(order_item_ids), shipment__status__in=LIVE_STATUSES)
    if excluding is not None:
        rows = rows.exclude(shipment_id=excluding)
    totals: dict = defaultdict(lambda: ZERO)
    for order_item_id, quantity in rows.values_list("order_item_id", "quantity"):
        totals[order_item_id] += quantity
    return totals


def _check_over_delivery(lines: list[tuple[object, Decimal, str]], excluding=None) -> None:
    """Every order line's shipments (live ones and these) stay within its quantity plus the tolerance."""
    pct = tolerance()
    already = shipping_quantities({item.pk for item, _q, _f in lines}, excluding=excluding)
    wanted: dict = defaultdict(lambda: ZERO)
    for item, quantity, field in lines:
        wanted[item.pk] += quantity
        allowed = item.quantity * (1 + pct / 100)
        if already[item.pk] + wanted[item.pk] > allowed:
            raise Conflict(
                _("Line %(line)s of %(number)s: %(quantity)s would ship of %(ordered)s ordered")
                % {"line": item.line_no, "number": item.sales_order.order_number,
                   "quantity": already[item.pk] + wanted[item.pk], "ordered": item.quantity},
                code="over_delivery",
                field=field,
            )  # fmt: skip


def create_shipment(*, actor, data: ShipmentInput, dispatch: bool = False) -> Shipment:
    """A DRAFT shipment of the order's lines (CONFIRMED or IN_PROGRESS orders; goods only); `dispatch` sends it at
    once."""
    with transaction.atomic():
        order = resolve_order(data.sales_order, "sales_order")
        if order.status not in SHIPPABLE:
            raise Conflict(
                _("Order %(number)s is %(status)s: it does not ship")
                % {"number": order.order_number, "status": order.get_status_display()},
                code="order_not_shippable",
                field="sales_order",
            )
        if not data.lines:
            raise ValidationFailed(_("A shipment needs at least one line"), code="required", field="lines")
        ids = []
        for i, line in enumerate(data.lines):
            try:
                ids.append(uuid.UUID(str(line.order_item)))
            except ValueError:
                raise ValidationFailed(
                    _("No order line %(ref)s") % {"ref": line.order_item}, code="unknown",
                    field=f"lines[{i}].order_item",
                ) from None  # fmt: skip
        found = items_by_id(ids)
        checked = []
        for i, (line, item_id) in enumerate(zip(data.lines, ids, strict=True)):
            item = found.get(item_id)
            if item is None or item.sales_order_id != order.pk:
                raise ValidationFailed(
                    _("Line %(ref)s is not a line of order %(number)s")
                    % {"ref": line.order_item, "number": order.order_number},
                    code="wrong_order",
                    field=f"lines[{i}].order_item",
                )
            if not item.is_goods:
                raise ValidationFailed(
                    _("%(code)s is a service: it does not ship") % {"code": item.product_code},
                    code="not_shippable",
                    field=f"lines[{i}].order_item",
                )
            checked.append((item, line.quantity, f"lines[{i}].quantity"))
        _check_over_delivery(checked)
        warehouse_ref = data.from_warehouse or order.warehouse_id or checked[0][0].warehouse_id
        if warehouse_ref is None:
            raise ValidationFailed(
                _("Name the warehouse the goods leave from"), code="required", field="from_warehouse"
            )
        if data.transport_mode and data.transport_mode not in TransportMode.values:
            raise ValidationFailed(_("Unknown mode of transport"), code="invalid_choice", field="transport_mode")
        address = order.shipping_address or {}
        values = {name: getattr(data, name) for name in TRACKING_FIELDS}
        shipment = Shipment(
            organization_id=require_org_id(),
            sales_order=order,
            carrier=_carrier(data.carrier),
            from_warehouse=resolve_warehouse(warehouse_ref, "from_warehouse"),
            shipped_date=data.shipped_date,
            to_address_id=address.get("id"),
            to_address_snapshot=address,
            created_by=actor,
            updated_by=actor,
            **values,
        )
        shipment.save(force_insert=True)
        ShipmentItem.objects.bulk_create(
            [
                ShipmentItem(
                    organization_id=shipment.organization_id,
                    shipment=shipment,
                    line_no=n,
                    order_item=item,
                    product_id=item.product_id,
                    uom_id=item.uom_id,
                    quantity=quantity,
                    package_number=line.package_number,
                    created_by=actor,
                    updated_by=actor,
                )
                for n, ((item, quantity, _f), line) in enumerate(zip(checked, data.lines, strict=True), start=1)
            ]
        )
        record_audit(actor=actor, action=AuditAction.CREATE, obj=shipment, new=snapshot(shipment, AUDITED))
        emit_event(event_type=SHIPMENT_CREATED, payload=_payload(shipment), source=shipment)
        if dispatch:
            shipment = dispatch_shipment(actor=actor, shipment_id=shipment.pk)
    return shipment


def update_shipment(*, actor, shipment_id, patch: ShipmentPatch) -> Shipment:
    """The carrier and the tracking details; not once delivered, cancelled or returned."""
    with transaction.atomic():
        row = _locked(shipment_id)
        if row.status in (ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED, ShipmentStatus.RETURNED):
            raise Conflict(
                _("A %(status)s shipment is not changed") % {"status": row.get_status_display()},
                code="not_editable",
                field="status",
            )
        before = snapshot(row, AUDITED)
        changes = patch.provided()
        if "carrier" in changes:
            row.carrier = _carrier(changes.pop("carrier"))
        if "shipped_date" in changes and row.status not in PRE_DISPATCH:
            raise Conflict(_("A dispatched shipment keeps its date"), code="not_editable", field="shipped_date")
        if changes.get("transport_mode") and changes["transport_mode"] not in TransportMode.values:
            raise ValidationFailed(_("Unknown mode of transport"), code="invalid_choice", field="transport_mode")
        nullable = {"expected_delivery", "eway_bill_date", "eway_bill_valid_until", "transport_distance_km",
                    "shipped_date"}  # fmt: skip
        for name, value in changes.items():
            setattr(row, name, value if value is not None or name in nullable else "")
        row.updated_by = actor
        row.version += 1
        row.save()
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=before, new=snapshot(row, AUDITED))
        emit_event(event_type=SHIPMENT_UPDATED, payload=_payload(row), source=row)
    return row


def _locked(shipment_id) -> Shipment:
    return lock_row(Shipment.objects.select_related("sales_order"), shipment_id, what=_("shipment"))


def _move(actor, shipment_id, to: str, event_type: str, reason: str = "") -> Shipment:
    return move_document(
        lambda: _locked(shipment_id), actor=actor, to=to, event_type=event_type, payload=_payload, reason=reason
    )


def mark_ready(*, actor, shipment_id) -> Shipment:
    """DRAFT → READY: packed, waiting to be picked up."""
    return _move(actor, shipment_id, ShipmentStatus.READY, SHIPMENT_READY)


def mark_picked(*, actor, shipment_id) -> Shipment:
    """READY → PICKED: collected from the shelves."""
    return _move(actor, shipment_id, ShipmentStatus.PICKED, SHIPMENT_PICKED)


def mark_out_for_delivery(*, actor, shipment_id) -> Shipment:
    """IN_TRANSIT → OUT_FOR_DELIVERY: the carrier's last leg."""
    return _move(actor, shipment_id, ShipmentStatus.OUT_FOR_DELIVERY, SHIPMENT_OUT_FOR_DELIVERY)


def cancel_shipment(*, actor, shipment_id, reason: str = "") -> Shipment:
    """DRAFT/READY/PICKED → CANCELLED: nothing was posted; its quantities free for another shipment."""
    return _move(actor, shipment_id, ShipmentStatus.CANCELLED, SHIPMENT_CANCELLED, reason)


def _dispatch(actor, shipment: Shipment, day: datetime.date) -> None:
    items = list(
        ShipmentItem.objects.filter(shipment=shipment)
        .select_related("product", "order_item")
        .order_by("line_no")
        .select_for_update(of=("self",))
    )
    order_id = shipment.sales_order_id
    if order_id is None:
        raise Conflict(_("The shipment's order is gone"), code="order_not_shippable", field="sales_order")
    held = sales.consume_reservations_for_shipping(
        actor=actor, order_id=order_id, item_ids=[i.order_item_id for i in items]
    )
    cogs = resolve_account(get_setting(COGS_ACCOUNT_SETTING), "account")
    currency = current_organization().base_currency
    warehouse = shipment.from_warehouse
    moves: list[Move] = []
    owners: list[ShipmentItem] = []
    for i, item in enumerate(items):
        if not item.product.track_inventory:
            continue
        for batch, quantity in fefo_parts(
            product_id=item.product_id, warehouse_id=warehouse.pk, quantity=item.quantity
        ):
            moves.append(
                Move(
                    product=item.product,
                    quantity=quantity,
                    movement_type="OUT",
                    from_warehouse=warehouse,
                    batch=batch,
                    offset_account=cogs,
                    field=f"items[{i}]",
                )
            )
            owners.append(item)
    entry = None
    if moves:
        _movements, entry = write_movements(
            actor=actor,
            moves=moves,
            day=day,
            source_type=SHIPMENT_DOCUMENT,
            source_id=shipment.pk,
            narration=_("Delivery of %(order)s") % {"order": shipment.sales_order.order_number},
            reference=shipment.sales_order.order_number,
        )
    for item in items:
        item.cost, item.picks = ZERO, []
    for move, item in zip(moves, owners, strict=True):
        item.cost += move.value
        item.picks.append(
            {
                "batch": str(move.batch.pk) if move.batch else None,
                "batch_number": move.batch.batch_number if move.batch else None,
                "quantity": str(move.quantity),
                "value": str(round_money(move.value, currency)),
            }
        )
    for item in items:
        batches = {p["batch"] for p in item.picks}
        item.batch_id = next(iter(batches)) if len(batches) == 1 else None
    ShipmentItem.objects.bulk_update(items, ["cost", "picks", "batch"])
    quantities: dict = defaultdict(lambda: ZERO)
    costs: dict = defaultdict(lambda: ZERO)
    for item in items:
        quantities[item.order_item_id] += item.quantity
        if item.product.track_inventory:
            costs[item.order_item_id] += item.cost
    sales.record_shipped_quantities(
        actor=actor,
        order_id=order_id,
        quantities=dict(quantities),
        day=day,
        costs=dict(costs),
        tolerance_pct=tolerance(),
        reserved=held,
    )
    shipment.journal_entry = entry
    shipment.total_cost = sum((item.cost for item in items), ZERO)
    shipment.shipped_date = day
    shipment.posted_at, shipment.posted_by = timezone.now(), actor


def dispatch_shipment(*, actor, shipment_id, shipped_date: datetime.date | None = None) -> Shipment:
    """DRAFT/READY/PICKED → IN_TRANSIT: the reservations consumed, the OUT movements and the cost of goods sold
    posted, the order's shipped quantities raised, numbered DN-… last."""

    def post(shipment):
        _dispatch(actor, shipment, shipped_date or shipment.shipped_date or timezone.localdate())

    return move_document(
        lambda: _locked(shipment_id),
        actor=actor,
        to=ShipmentStatus.IN_TRANSIT,
        action=AuditAction.POST,
        post=post,
        number=lambda s: next_number(document_type=SHIPMENT_SERIES, on=s.shipped_date),
        also=("journal_entry", "total_cost", "shipped_date", "posted_at", "posted_by"),
        audit=lambda s: {"total_cost": str(s.total_cost)},
        event_type=SHIPMENT_DISPATCHED,
        payload=_payload,
    )


def deliver_shipment(*, actor, shipment_id, delivered_date: datetime.date | None = None) -> Shipment:
    """IN_TRANSIT/OUT_FOR_DELIVERY → DELIVERED: the order lines' delivered quantities rise, the order rolls up."""

    def post(shipment):
        day = delivered_date or timezone.localdate()
        if shipment.shipped_date and day < shipment.shipped_date:
            raise ValidationFailed(
                _("A shipment is delivered after it left"), code="invalid_range", field="delivered_date"
            )
        shipment.actual_delivery = day
        quantities: dict = defaultdict(lambda: ZERO)
        for order_item_id, quantity in ShipmentItem.objects.filter(shipment=shipment).values_list(
            "order_item_id", "quantity"
        ):
            quantities[order_item_id] += quantity
        sales.record_delivered_quantities(
            actor=actor, order_id=shipment.sales_order_id, quantities=dict(quantities), day=day
        )

    return move_document(
        lambda: _locked(shipment_id),
        actor=actor,
        to=ShipmentStatus.DELIVERED,
        post=post,
        also=("actual_delivery",),
        event_type=SHIPMENT_DELIVERED,
        payload=_payload,
    )
