"""Purchase orders: created DRAFT and numbered (PO-2026-000001), edited while DRAFT, submitted (PENDING),
approved by someone other than their creator when their total is above the threshold, confirmed, held and
resumed, cancelled while nothing is received, closed by hand. Line amounts follow G17 with accounting's one tax
computation; a line's price defaults to the catalogue's buying price for the supplier."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounting.services.taxes import TaxLine, compute_line_taxes
from comptoir.catalog.constants import PriceListKind
from comptoir.catalog.queries.pricing import resolve_price
from comptoir.catalog.queries.refs import resolve_currency, resolve_product, resolve_tax
from comptoir.inventory.queries.refs import resolve_warehouse
from comptoir.parties.queries import resolve_party
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import insert_rows
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import lock_row
from comptoir.platform.money import round_money
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.audit import record_audit
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition
from comptoir.purchasing.constants import ROLLED, OrderStatus
from comptoir.purchasing.errors import PurchasingError
from comptoir.purchasing.models import PurchaseOrder, PurchaseOrderItem
from comptoir.purchasing.module import (
    APPROVAL_THRESHOLD_SETTING,
    ORDER_APPROVED,
    ORDER_CANCELLED,
    ORDER_CLOSED,
    ORDER_CONFIRMED,
    ORDER_CREATED,
    ORDER_HELD,
    ORDER_RESUMED,
    ORDER_SERIES,
    ORDER_SUBMITTED,
    ORDER_UPDATED,
)
from comptoir.purchasing.services.common import ZERO, check_supplier, order_payload, rolled_status

HUNDRED = Decimal(100)
RATE_QUANTUM = Decimal("0.0001")


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderLineInput:
    """A line: `product`, `tax_rate` and `warehouse` by id or code; `unit_rate` defaults to the buying price."""

    product: str | uuid.UUID
    quantity: Decimal
    unit_rate: Decimal | None = None
    discount_pct: Decimal = ZERO
    tax_rate: str | uuid.UUID | None = None
    warehouse: str | uuid.UUID | None = None
    description: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderInput:
    party: str | uuid.UUID
    order_date: datetime.date
    warehouse: str | uuid.UUID
    lines: Sequence[OrderLineInput]
    currency: str | None = None
    exchange_rate: Decimal | None = None
    expected_date: datetime.date | None = None
    supplier_quote_ref: str = ""
    shipping_cost: Decimal = ZERO
    terms_and_conditions: str = ""
    notes: str = ""
    requisition: object = None  # set by the conversion of a requisition


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderPatch(Patch):
    party: str | uuid.UUID | _Unset = UNSET
    order_date: datetime.date | _Unset = UNSET
    warehouse: str | uuid.UUID | _Unset = UNSET
    lines: Sequence[OrderLineInput] | _Unset = UNSET
    exchange_rate: Decimal | None | _Unset = UNSET
    expected_date: datetime.date | None | _Unset = UNSET
    supplier_quote_ref: str | _Unset = UNSET
    shipping_cost: Decimal | _Unset = UNSET
    terms_and_conditions: str | _Unset = UNSET
    notes: str | _Unset = UNSET


def _refuse(message: str, code: str, field: str):
    raise ValidationFailed(message, code=code, field=field)


def _exchange_rate(currency, given: Decimal | None) -> Decimal:
    base = current_organization().base_currency
    if currency.pk == base.pk:
        return Decimal(1)
    if given is None:
        _refuse(_("An order in a foreign currency needs its exchange rate"), PurchasingError.REQUIRED, "exchange_rate")
    return given


def build_items(order: PurchaseOrder, lines: Sequence[OrderLineInput], actor) -> list[PurchaseOrderItem]:
    """The order's items with their amounts (G17, accounting's tax function); the order's totals set."""
    if not lines:
        _refuse(_("An order needs at least one line"), PurchasingError.REQUIRED, "lines")
    currency = order.currency
    items, taxes = [], []
    for i, line in enumerate(lines):
        field = f"lines[{i}]"
        product = resolve_product(line.product, f"{field}.product")
        if not product.track_inventory:
            _refuse(
                _("Product %(code)s tracks no stock") % {"code": product.code},
                PurchasingError.UNTRACKED_PRODUCT,
                f"{field}.product",
            )
        warehouse = resolve_warehouse(line.warehouse, f"{field}.warehouse") if line.warehouse else order.warehouse
        rate = line.unit_rate
        if rate is None:
            rate = resolve_price(
                product=product,
                on_date=order.order_date,
                quantity=line.quantity,
                kind=PriceListKind.BUYING,
                currency=currency.code,
                party=order.party,
            ).rate
        tax_rate = resolve_tax(line.tax_rate, order.order_date, f"{field}.tax_rate") if line.tax_rate else None
        gross_before = line.quantity * rate
        discount = round_money(gross_before * line.discount_pct / HUNDRED, currency)
        net = round_money(gross_before, currency) - discount
        item = PurchaseOrderItem(
            id=uuid7(),
            organization_id=order.organization_id,
            order=order,
            line_no=i + 1,
            product=product,
            product_code=product.code,
            product_name=product.name,
            description=line.description,
            uom_id=product.uom_id,
            quantity=line.quantity,
            unit_rate=rate,
            discount_pct=line.discount_pct,
            discount_amount=discount,
            tax_rate=tax_rate,
            tax_pct=tax_rate.rate if tax_rate else ZERO,
            net_amount=net,
            warehouse=warehouse,
            created_by=actor,
            updated_by=actor,
        )
        items.append(item)
        if tax_rate is not None:
            taxes.append((item, TaxLine(amount=net, tax_rate=tax_rate, inclusive=False)))
    for (item, _line), breakdown in zip(
        taxes, compute_line_taxes(lines=[t for _i, t in taxes], currency=currency), strict=True
    ):
        item.tax_amount = breakdown.tax
    for item in items:
        item.gross_amount = item.net_amount + item.tax_amount
    order.subtotal = sum((i.net_amount for i in items), ZERO)
    order.tax_amount = sum((i.tax_amount for i in items), ZERO)
    return items


def _header(order: PurchaseOrder, *, party, warehouse, shipping_cost) -> None:
    order.party = resolve_party(party, "party")
    check_supplier(order.party)
    order.warehouse = resolve_warehouse(warehouse, "warehouse")
    if not order.warehouse.is_active:
        _refuse(
            _("Warehouse %(code)s is inactive") % {"code": order.warehouse.code}, PurchasingError.INACTIVE, "warehouse"
        )
    order.shipping_cost = round_money(shipping_cost, order.currency)


def create_order(*, actor, data: OrderInput) -> PurchaseOrder:
    """A DRAFT purchase order with its items, numbered last."""
    with transaction.atomic():
        currency = resolve_currency(data.currency)
        order = PurchaseOrder(
            id=uuid7(),
            organization_id=require_org_id(),
            order_date=data.order_date,
            expected_date=data.expected_date,
            currency=currency,
            exchange_rate=_exchange_rate(currency, data.exchange_rate),
            supplier_quote_ref=data.supplier_quote_ref.strip(),
            terms_and_conditions=data.terms_and_conditions,
            notes=data.notes,
            requisition=data.requisition,
            created_by=actor,
            updated_by=actor,
        )
        _header(order, party=data.party, warehouse=data.warehouse, shipping_cost=data.shipping_cost)
        items = build_items(order, data.lines, actor)
        order.order_number = next_number(document_type=ORDER_SERIES, on=order.order_date)
        order.save(force_insert=True)
        insert_rows(items)
        order.refresh_from_db(fields=["total_amount"])
        record_audit(
            actor=actor,
            action=AuditAction.CREATE,
            obj=order,
            new={"order_number": order.order_number, "party": str(order.party_id), "lines": len(items)},
        )
        emit_event(event_type=ORDER_CREATED, payload=order_payload(order), source=order)
    return order


def lock_order(order_id) -> PurchaseOrder:
    return lock_row(PurchaseOrder.objects.select_related("currency", "party"), order_id, what=_("purchase order"))


def update_order(*, actor, order_id, changes: OrderPatch) -> PurchaseOrder:
    """Change a DRAFT order: the fields sent; `lines` replaces every line."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status != OrderStatus.DRAFT:
            raise Conflict(
                _("Order %(number)s is not a draft") % {"number": order.order_number},
                code=PurchasingError.NOT_EDITABLE,
                field="status",
            )
        changes.refuse_nulls("party", "order_date", "warehouse", "lines", "shipping_cost")
        sent = changes.provided()
        for name in ("order_date", "expected_date", "terms_and_conditions", "notes", "supplier_quote_ref"):
            if name in sent:
                setattr(order, name, sent[name])
        if "exchange_rate" in sent:
            order.exchange_rate = _exchange_rate(order.currency, sent["exchange_rate"])
        _header(
            order,
            party=sent.get("party", order.party_id),
            warehouse=sent.get("warehouse", order.warehouse_id),
            shipping_cost=sent.get("shipping_cost", order.shipping_cost),
        )
        if "lines" in sent:
            items = build_items(order, sent["lines"], actor)
            order.items.all().delete()
            insert_rows(items)
        elif "order_date" in sent or "party" in sent:
            pass  # prices stay as they were entered
        order.updated_by = actor
        order.version += 1
        order.save()
        order.refresh_from_db(fields=["total_amount"])
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=order, new={k: str(v) for k, v in sent.items()})
        emit_event(event_type=ORDER_UPDATED, payload=order_payload(order), source=order)
    return order


def _base_total(order: PurchaseOrder) -> Decimal:
    return order.total_amount * order.exchange_rate


def needs_approval(order: PurchaseOrder) -> bool:
    return _base_total(order) > Decimal(str(get_setting(APPROVAL_THRESHOLD_SETTING)))


def _check_party(order: PurchaseOrder) -> None:
    order.party.refresh_from_db(fields=["status", "party_type"])
    check_supplier(order.party)


def submit_order(*, actor, order_id) -> PurchaseOrder:
    """DRAFT → PENDING (awaiting approval or confirmation)."""
    with transaction.atomic():
        order = lock_order(order_id)
        _check_party(order)
        transition(order, OrderStatus.PENDING, actor=actor)
        emit_event(event_type=ORDER_SUBMITTED, payload=order_payload(order), source=order)
    return order


def approve_order(*, actor, order_id) -> PurchaseOrder:
    """Approve a PENDING order (it stays PENDING, ready to confirm): the approver is not its creator."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status != OrderStatus.PENDING:
            raise Conflict(
                _("Only a pending order is approved; %(number)s is %(status)s")
                % {"number": order.order_number, "status": order.get_status_display()},
                code="invalid_transition",
                field="status",
            )
        if order.created_by_id == actor.pk:
            raise Conflict(
                _("The creator of an order cannot approve it"), code=PurchasingError.SELF_APPROVAL, field="approved_by"
            )
        order.approved_by, order.approved_at = actor, timezone.now()
        order.updated_by = actor
        order.version += 1
        order.save(update_fields=["approved_by", "approved_at", "updated_by", "version", "updated_at"])
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=order, new={"approved_by": str(actor.pk)})
        emit_event(event_type=ORDER_APPROVED, payload=order_payload(order), source=order)
    return order


def confirm_order(*, actor, order_id) -> PurchaseOrder:
    """PENDING (or DRAFT, submitted on the way) → CONFIRMED: the supplier is checked again, and an order above the
    approval threshold must have been approved (`approval_required`)."""
    with transaction.atomic():
        order = lock_order(order_id)
        _check_party(order)
        if order.status == OrderStatus.DRAFT:
            transition(order, OrderStatus.PENDING, actor=actor)
            emit_event(event_type=ORDER_SUBMITTED, payload=order_payload(order), source=order)
        if order.status == OrderStatus.PENDING and needs_approval(order) and order.approved_by_id is None:
            raise Conflict(
                _("Order %(number)s is above the approval threshold and needs approval")
                % {"number": order.order_number},
                code=PurchasingError.APPROVAL_REQUIRED,
                field="status",
            )
        transition(order, OrderStatus.CONFIRMED, actor=actor)
        emit_event(event_type=ORDER_CONFIRMED, payload=order_payload(order), source=order)
    return order


def hold_order(*, actor, order_id, reason: str = "") -> PurchaseOrder:
    with transaction.atomic():
        order = lock_order(order_id)
        before = order.status
        order.status_before_hold = before
        transition(order, OrderStatus.ON_HOLD, actor=actor, reason=reason, also=("status_before_hold",))
        emit_event(event_type=ORDER_HELD, payload=order_payload(order), source=order)
    return order


def resume_order(*, actor, order_id) -> PurchaseOrder:
    """ON_HOLD → the status it was held in."""
    with transaction.atomic():
        order = lock_order(order_id)
        target = order.status_before_hold or OrderStatus.PENDING
        if order.status == OrderStatus.ON_HOLD and target in ROLLED:
            target = rolled_status(order.items.all())
            if target not in (OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS):
                target = OrderStatus.IN_PROGRESS
        order.status_before_hold = ""
        transition(order, target, actor=actor, also=("status_before_hold",))
        emit_event(event_type=ORDER_RESUMED, payload=order_payload(order), source=order)
    return order


def cancel_order(*, actor, order_id, reason: str = "") -> PurchaseOrder:
    """Cancel an order nothing of which has been received (`invalid_transition` otherwise)."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.items.filter(received_quantity__gt=0).exists() or order.receipts.filter(status="POSTED").exists():
            raise Conflict(
                _("Goods were received on order %(number)s: close it instead") % {"number": order.order_number},
                code="invalid_transition",
                field="status",
            )
        transition(order, OrderStatus.CANCELLED, actor=actor, reason=reason)
        emit_event(event_type=ORDER_CANCELLED, payload=order_payload(order), source=order)
    return order


def close_order(*, actor, order_id, reason: str = "") -> PurchaseOrder:
    """Close a confirmed or (partly) received order: no more receipts; billing and returns go on."""
    with transaction.atomic():
        order = lock_order(order_id)
        transition(order, OrderStatus.CLOSED, actor=actor, reason=reason)
        emit_event(event_type=ORDER_CLOSED, payload=order_payload(order), source=order)
    return order
