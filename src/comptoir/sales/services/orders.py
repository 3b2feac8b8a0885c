"""Sales orders: create and edit while DRAFT or PENDING, submit, confirm (the party may buy, the credit limit holds,
the stock is reserved), hold and resume, cancel (the reservations released). Each in one transaction with its
audit row and its event; a refusal writes nothing.

Line amounts (G17): gross before discount = round(quantity × unit rate); discount = round(that × discount % / 100);
the line's amount is the rest; the tax comes from accounting's one tax function (`compute_line_taxes`, each line
rounded half up on its own), on the net, or inside the gross when the order's prices include tax."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounting.services.taxes import TaxLine, compute_line_taxes
from comptoir.catalog.constants import UNSTOCKED_TYPES, PriceListKind, ProductStatus
from comptoir.catalog.queries.pricing import resolve_price
from comptoir.catalog.queries.refs import resolve_currency, resolve_product, resolve_tax
from comptoir.inventory.constants import ReservationStatus
from comptoir.inventory.queries.picking import fefo_parts
from comptoir.inventory.queries.refs import resolve_warehouse
from comptoir.inventory.queries.stock import reservations
from comptoir.inventory.services.reservations import (
    ReservationInput,
    lock_stock,
    release_reservation,
    reserve_stock,
)
from comptoir.parties.constants import AddressType, PartyStatus, PartyType
from comptoir.parties.queries import addresses, balances_of, resolve_party
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, PermissionDenied, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import advisory_lock
from comptoir.platform.money import round_money
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition
from comptoir.sales.constants import (
    CANCELLABLE_STATUSES,
    CREDIT_STATUSES,
    EDITABLE_STATUSES,
    HOLDABLE_STATUSES,
    ORDER_ITEM_SOURCE,
    OrderStatus,
)
from comptoir.sales.locks import lock_items, lock_order
from comptoir.sales.models import OrderItem, SalesOrder
from comptoir.sales.module import (
    ORDER_CANCELLED,
    ORDER_CONFIRMED,
    ORDER_CREATED,
    ORDER_HELD,
    ORDER_RESUMED,
    ORDER_RETURNED_TO_DRAFT,
    ORDER_SERIES,
    ORDER_SUBMITTED,
    ORDER_UPDATED,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal("1e14")  # the header's sums stay within NUMERIC(18, 2)
CUSTOMER_TYPES = frozenset({PartyType.CUSTOMER, PartyType.BOTH})
AUDITED = (
    "order_number", "party", "status", "order_date", "currency", "warehouse", "subtotal", "tax_amount",
    "discount_amount", "shipping_cost", "total_amount", "priority", "required_date", "promised_date", "delivery_date",
    "customer_po_number", "payment_terms", "shipping_method", "prices_include_tax",
)  # fmt: skip
TEXT_FIELDS = frozenset(
    {"category", "customer_po_number", "payment_terms", "shipping_method", "terms_and_conditions", "notes",
     "internal_notes"}
)  # fmt: skip
HEADER_FIELDS = (
    "priority", "category", "required_date", "promised_date", "delivery_date", "customer_po_number", "payment_terms",
    "shipping_method", "shipping_cost", "discount_amount", "terms_and_conditions", "notes", "internal_notes", "tags",
    "prices_include_tax",
)  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderLineInput:
    """A line: the product by id or code; the price resolved from the catalog unless `unit_rate` is given; the tax
    rate by id or code, else the product's own."""

    product: str | uuid.UUID
    quantity: Decimal
    unit_rate: Decimal | None = None
    discount_pct: Decimal = ZERO
    tax_rate: str | uuid.UUID | None = None
    description: str = ""
    warehouse: str | uuid.UUID | None = None
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderInput:
    party: str | uuid.UUID
    order_date: datetime.date
    lines: tuple[OrderLineInput, ...] | list[OrderLineInput]
    warehouse: str | uuid.UUID | None = None
    currency: str | None = None
    prices_include_tax: bool = False
    priority: str = "NORMAL"
    category: str = ""
    required_date: datetime.date | None = None
    promised_date: datetime.date | None = None
    delivery_date: datetime.date | None = None
    customer_po_number: str = ""
    payment_terms: str = ""
    shipping_method: str = ""
    shipping_cost: Decimal = ZERO
    discount_amount: Decimal = ZERO
    terms_and_conditions: str = ""
    notes: str = ""
    internal_notes: str = ""
    tags: tuple[str, ...] | list[str] = ()
    parent_order: uuid.UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderPatch(Patch):
    """What may change while the order is DRAFT or PENDING; `lines`, when sent, replace every line."""

    order_date: datetime.date | _Unset = UNSET
    warehouse: str | uuid.UUID | None | _Unset = UNSET
    currency: str | _Unset = UNSET
    prices_include_tax: bool | _Unset = UNSET
    priority: str | _Unset = UNSET
    category: str | _Unset = UNSET
    required_date: datetime.date | None | _Unset = UNSET
    promised_date: datetime.date | None | _Unset = UNSET
    delivery_date: datetime.date | None | _Unset = UNSET
    customer_po_number: str | _Unset = UNSET
    payment_terms: str | _Unset = UNSET
    shipping_method: str | _Unset = UNSET
    shipping_cost: Decimal | _Unset = UNSET
    discount_amount: Decimal | _Unset = UNSET
    terms_and_conditions: str | _Unset = UNSET
    notes: str | _Unset = UNSET
    internal_notes: str | _Unset = UNSET
    tags: list[str] | _Unset = UNSET
    lines: list[OrderLineInput] | _Unset = UNSET


def _payload(order: SalesOrder) -> dict:
    return {
        "id": order.pk,
        "order_number": order.order_number,
        "party": order.party_id,
        "status": order.status,
        "currency": order.currency.code,
        "total_amount": order.subtotal + order.tax_amount + order.shipping_cost - order.discount_amount,
    }


def _address(party, kind: str) -> dict:
    """A snapshot of the party's default address of `kind` (its first one, else its registered office)."""
    rows = list(addresses(party=party).order_by("-is_default", "created_at"))
    row = next((a for a in rows if a.address_type == kind), None) or next(
        (a for a in rows if a.address_type == AddressType.REGISTERED), None
    )
    if row is None:
        return {}
    return {
        "id": str(row.pk),
        "line1": row.line1,
        "line2": row.line2,
        "city": row.city,
        "state_region": row.state_region,
        "postal_code": row.postal_code,
        "country": row.country.code,
    }


def _customer(ref):
    """The party, which must be a customer (CUSTOMER or BOTH) not blacklisted."""
    party = resolve_party(ref, "party")
    if party.party_type not in CUSTOMER_TYPES:
        raise ValidationFailed(
            _("%(party)s is not a customer") % {"party": party.name}, code="wrong_party_type", field="party"
        )
    if party.status == PartyStatus.BLACKLISTED:
        raise ValidationFailed(
            _("%(party)s is blacklisted") % {"party": party.name}, code="blacklisted_party", field="party"
        )
    return party


def _money_in(value: Decimal, currency, field: str) -> Decimal:
    if value != round_money(value, currency):
        raise ValidationFailed(
            _("%(field)s has more decimals than %(currency)s allows") % {"field": field, "currency": currency.code},
            code="invalid_amount",
            field=field,
        )
    return value


def _build_lines(order: SalesOrder, lines, currency) -> list[OrderItem]:
    """The priced lines of `order` (not saved), each with its net, tax and gross (G17)."""
    if not lines:
        raise ValidationFailed(_("An order needs at least one line"), code="required", field="lines")
    items: list[OrderItem] = []
    taxed: list[tuple[int, TaxLine]] = []
    for i, line in enumerate(lines):
        field = f"lines[{i}]"
        product = resolve_product(line.product, f"{field}.product")
        if product.status != ProductStatus.ACTIVE:
            raise ValidationFailed(
                _("Product %(code)s is not for sale") % {"code": product.code},
                code="inactive_product",
                field=f"{field}.product",
            )
        if line.unit_rate is not None:
            rate, source = line.unit_rate, "GIVEN"
        else:
            price = resolve_price(
                product=product,
                on_date=order.order_date,
                quantity=line.quantity,
                kind=PriceListKind.SELLING,
                currency=currency.code,
                party=order.party,
            )
            rate, source = price.rate, str(price.source)
        if line.tax_rate not in (None, ""):
            tax_rate = resolve_tax(line.tax_rate, order.order_date, f"{field}.tax_rate")
        else:
            tax_rate = None if product.vat_exempt else product.tax_rate
        warehouse = resolve_warehouse(line.warehouse, f"{field}.warehouse") if line.warehouse else None
        gross_before = round_money(line.quantity * rate, currency)
        if gross_before >= MAX_AMOUNT:
            raise ValidationFailed(
                _("Line %(line)s is too large an amount") % {"line": i + 1}, code="invalid_amount", field=field
            )
        discount = round_money(gross_before * line.discount_pct / HUNDRED, currency)
        amount = gross_before - discount
        item = OrderItem(
            organization_id=order.organization_id,
            sales_order=order,
            line_no=i + 1,
            product=product,
            product_code=product.code,
            product_name=product.name,
            description=line.description or "",
            quantity=line.quantity,
            uom_id=product.uom_id,
            unit_rate=rate,
            price_source=source,
            discount_pct=line.discount_pct,
            discount_amount=discount,
            tax_rate=tax_rate,
            tax_pct=tax_rate.rate if tax_rate else ZERO,
            net_amount=amount,
            tax_amount=ZERO,
            gross_amount=amount,
            is_goods=product.type not in UNSTOCKED_TYPES,
            warehouse=warehouse,
            notes=line.notes or "",
            created_by=order.updated_by,
            updated_by=order.updated_by,
        )
        items.append(item)
        if tax_rate is not None:
            taxed.append((i, TaxLine(amount=amount, tax_rate=tax_rate, inclusive=order.prices_include_tax)))
    for (i, _line), breakdown in zip(
        taxed, compute_line_taxes(lines=[t for _i, t in taxed], currency=currency), strict=True
    ):
        items[i].net_amount, items[i].tax_amount, items[i].gross_amount = breakdown.net, breakdown.tax, breakdown.gross
    return items


def _totals(order: SalesOrder, items: list[OrderItem]) -> None:
    order.subtotal = sum((i.net_amount for i in items), ZERO)
    order.tax_amount = sum((i.tax_amount for i in items), ZERO)


def _check_header(order: SalesOrder) -> None:
    for name in ("shipping_cost", "discount_amount"):
        _money_in(getattr(order, name), order.currency, name)
    if order.subtotal + order.tax_amount + order.shipping_cost >= MAX_AMOUNT * 100:
        raise ValidationFailed(_("The order's total is too large"), code="invalid_amount", field="lines")
    if order.discount_amount > order.subtotal + order.tax_amount + order.shipping_cost:
        raise ValidationFailed(
            _("The discount exceeds the order's amount"), code="invalid_amount", field="discount_amount"
        )


def create_order(*, actor, data: OrderInput) -> SalesOrder:
    """A DRAFT order numbered SO-…, its lines priced, taxed and summed, the party's addresses snapshotted."""
    with transaction.atomic():
        party = _customer(data.party)
        currency = resolve_currency(data.currency or party.currency.code, "currency")
        values = {name: getattr(data, name) for name in HEADER_FIELDS}
        values["tags"] = list(data.tags)
        order = SalesOrder(
            organization_id=require_org_id(),
            party=party,
            order_date=data.order_date,
            currency=currency,
            warehouse=resolve_warehouse(data.warehouse, "warehouse") if data.warehouse else None,
            parent_order_id=data.parent_order,
            shipping_address=_address(party, AddressType.SHIPPING),
            billing_address=_address(party, AddressType.BILLING),
            created_by=actor,
            updated_by=actor,
            **values,
        )
        items = _build_lines(order, data.lines, currency)
        _totals(order, items)
        _check_header(order)
        order.order_number = next_number(document_type=ORDER_SERIES, on=data.order_date)
        order.save(force_insert=True)
        OrderItem.objects.bulk_create(items)
        order.refresh_from_db(fields=["total_amount"])
        record_audit(actor=actor, action=AuditAction.CREATE, obj=order, new=snapshot(order, AUDITED))
        emit_event(event_type=ORDER_CREATED, payload=_payload(order), source=order)
    return order


def _editable(order: SalesOrder) -> None:
    if order.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("Order %(number)s is %(status)s: it can no longer be changed")
            % {"number": order.order_number, "status": order.get_status_display()},
            code="not_editable",
            field="status",
        )


def update_order(*, actor, order_id, patch: OrderPatch) -> SalesOrder:
    """Change a DRAFT or PENDING order (`not_editable` otherwise); sent lines replace the old ones."""
    with transaction.atomic():
        order = lock_order(order_id)
        _editable(order)
        before = snapshot(order, AUDITED)
        changes = patch.provided()
        patch.refuse_nulls("order_date", "currency")
        lines = changes.pop("lines", None)
        if "warehouse" in changes:
            ref = changes.pop("warehouse")
            order.warehouse = resolve_warehouse(ref, "warehouse") if ref else None
        if "currency" in changes:
            order.currency = resolve_currency(changes.pop("currency"), "currency")
        if "tags" in changes:
            changes["tags"] = list(changes["tags"])
        for name, value in changes.items():
            setattr(order, name, "" if value is None and name in TEXT_FIELDS else value)
        order.updated_by = actor
        if lines is not None or {"order_date", "currency", "prices_include_tax"} & set(patch.provided()):
            if lines is None:  # re-price the lines as they were given: the same products, quantities and rates
                lines = [
                    OrderLineInput(
                        product=i.product_id,
                        quantity=i.quantity,
                        unit_rate=i.unit_rate,
                        discount_pct=i.discount_pct,
                        tax_rate=i.tax_rate_id,
                        description=i.description,
                        warehouse=i.warehouse_id,
                        notes=i.notes,
                    )
                    for i in order.lines.order_by("line_no")
                ]
            items = _build_lines(order, lines, order.currency)
            OrderItem.objects.filter(sales_order=order).delete()
            OrderItem.objects.bulk_create(items)
            _totals(order, items)
        _check_header(order)
        order.version += 1
        order.save()
        order.refresh_from_db(fields=["total_amount"])
        after = snapshot(order, AUDITED)
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=order, old=before, new=after)
        emit_event(event_type=ORDER_UPDATED, payload=_payload(order), source=order)
    return order


def _move(actor, order_id, to: str, event_type: str, reason: str = "", check=None) -> SalesOrder:
    with transaction.atomic():
        order = lock_order(order_id)
        if check is not None:
            check(order)
        transition(order, to, actor=actor, reason=reason)
        emit_event(event_type=event_type, payload=_payload(order), source=order)
    return order


def submit_order(*, actor, order_id) -> SalesOrder:
    """DRAFT → PENDING: submitted for confirmation."""
    return _move(actor, order_id, OrderStatus.PENDING, ORDER_SUBMITTED, check=lambda o: _customer(o.party_id))


def return_order_to_draft(*, actor, order_id, reason: str = "") -> SalesOrder:
    """PENDING → DRAFT: back to its author for changes."""
    return _move(actor, order_id, OrderStatus.DRAFT, ORDER_RETURNED_TO_DRAFT, reason)


# --- confirmation ------------------------------------------------------------------------------------------------


def credit_exposure(party, *, excluding=None) -> Decimal:
    """What the party owes (its account's balance) plus what its open confirmed orders will still invoice (each
    line's gross for its quantity not yet invoiced)."""
    balance = balances_of([party.account_id]).get(party.account_id, ZERO)
    open_orders = Q(sales_order__status__in=CREDIT_STATUSES - {OrderStatus.ON_HOLD}) | Q(
        sales_order__status=OrderStatus.ON_HOLD,
        sales_order__held_status__in=(OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS),
    )
    uninvoiced = ExpressionWrapper(
        F("gross_amount") * (F("quantity") - F("invoiced_quantity")) / F("quantity"),
        output_field=DecimalField(max_digits=30, decimal_places=6),
    )
    rows = OrderItem.objects.filter(open_orders, sales_order__party=party)
    if excluding is not None:
        rows = rows.exclude(sales_order=excluding)
    pending = rows.aggregate(total=Sum(uninvoiced))["total"] or ZERO
    return balance + pending.quantize(Decimal("0.01"))


def _check_credit(order: SalesOrder, override: bool) -> bool:
    """Refuse (`credit_limit_exceeded`) when the exposure with this order passes the limit (0: none), unless
    overridden; True when the limit was overridden."""
    party = order.party
    if party.credit_limit <= 0:
        return False
    advisory_lock(f"sales.credit:{party.pk}")  # two confirmations of one customer see each other's order
    exposure = credit_exposure(party, excluding=order) + order.total_amount
    if exposure <= party.credit_limit:
        return False
    if override:
        return True
    raise Conflict(
        _("Confirming %(number)s takes %(party)s to %(exposure)s, above its credit limit of %(limit)s")
        % {"number": order.order_number, "party": party.name, "exposure": exposure, "limit": party.credit_limit},
        code="credit_limit_exceeded",
        field="party",
    )


def _reserve(actor, order: SalesOrder, items: list[OrderItem]) -> None:
    """One reservation per stock-tracked line (one per batch when the stock lies in batches, first-expiring first),
    referencing the line; `insufficient_stock` when the warehouse lacks it. The stock of every line is locked
    first, in the one order of every writer of the stock."""
    lock_stock(
        (item.product_id, item.warehouse_id or order.warehouse_id) for item in items if item.product.track_inventory
    )
    for i, item in enumerate(items):
        if not item.product.track_inventory:
            continue
        warehouse_id = item.warehouse_id or order.warehouse_id
        if warehouse_id is None:
            raise ValidationFailed(
                _("Line %(line)s needs a warehouse to reserve its stock from") % {"line": item.line_no},
                code="required",
                field="warehouse",
            )
        for batch, quantity in fefo_parts(
            product_id=item.product_id, warehouse_id=warehouse_id, quantity=item.quantity
        ):
            data = ReservationInput(
                product=item.product_id,
                warehouse=warehouse_id,
                batch=batch.pk if batch else None,
                quantity=quantity,
                source_type=ORDER_ITEM_SOURCE,
                source_id=item.pk,
            )
            try:
                reserve_stock(actor=actor, data=data)
            except Conflict as refused:
                raise Conflict(
                    _("Not enough %(product)s in stock for line %(line)s")
                    % {"product": item.product_code, "line": item.line_no},
                    code="insufficient_stock",
                    field=f"lines[{i}].quantity",
                ) from refused


def confirm_order(*, actor, order_id, override_credit_limit: bool = False) -> SalesOrder:
    """DRAFT/PENDING → CONFIRMED: the party may buy (CUSTOMER or BOTH, not blacklisted), its credit limit holds
    (unless `override_credit_limit`, which the caller has checked the actor may do), the stock is reserved."""
    with transaction.atomic():
        order = lock_order(order_id)
        if (order.status, OrderStatus.CONFIRMED) not in SalesOrder.TRANSITIONS:
            transition(order, OrderStatus.CONFIRMED, actor=actor)  # refused with invalid_transition
        order.party = _customer(order.party_id)
        overridden = _check_credit(order, override_credit_limit)
        _reserve(actor, order, lock_items(order))
        order.approved_by, order.approved_at, order.credit_override = actor, timezone.now(), overridden
        transition(
            order,
            OrderStatus.CONFIRMED,
            actor=actor,
            also=("approved_by", "approved_at", "credit_override"),
            audit={"credit_override": overridden},
            reason=_("Credit limit overridden") if overridden else "",
        )
        emit_event(event_type=ORDER_CONFIRMED, payload=_payload(order), source=order)
    return order


def check_override(actor_can, override: bool) -> None:
    """The API's and the desk's guard of `override_credit_limit`: only a holder of `sales.override_credit_limit`."""
    if override and not actor_can("sales.override_credit_limit"):
        raise PermissionDenied(_("Missing permission %(codename)s") % {"codename": "sales.override_credit_limit"})


# --- hold, resume, cancel ----------------------------------------------------------------------------------------


def hold_order(*, actor, order_id, reason: str = "") -> SalesOrder:
    """PENDING/CONFIRMED/IN_PROGRESS → ON_HOLD, remembering where it was; the reservations stay."""
    with transaction.atomic():
        order = lock_order(order_id)
        previous = order.status
        order.held_status = previous if previous in HOLDABLE_STATUSES else ""
        transition(order, OrderStatus.ON_HOLD, actor=actor, also=("held_status",), reason=reason)
        emit_event(event_type=ORDER_HELD, payload=_payload(order), source=order)
    return order


def resume_order(*, actor, order_id) -> SalesOrder:
    """ON_HOLD → the status it was held from."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status != OrderStatus.ON_HOLD:
            raise Conflict(
                _("Order %(number)s is not on hold") % {"number": order.order_number},
                code="not_on_hold",
                field="status",
            )
        target, order.held_status = order.held_status, ""
        transition(order, target, actor=actor, also=("held_status",))
        emit_event(event_type=ORDER_RESUMED, payload=_payload(order), source=order)
    return order


def active_reservations(item_ids):
    """The ACTIVE reservations held for the order lines `item_ids`, in a fixed order."""
    return (
        reservations(status=ReservationStatus.ACTIVE)
        .filter(source_type=ORDER_ITEM_SOURCE, source_id__in=list(item_ids))
        .order_by("id")
    )


def cancel_order(*, actor, order_id, reason: str = "") -> SalesOrder:
    """→ CANCELLED while nothing has shipped (`already_shipped`: return it instead); releases its reservations."""
    with transaction.atomic():
        order = lock_order(order_id)
        items = lock_items(order)
        if order.status in CANCELLABLE_STATUSES and any(i.shipped_quantity > 0 for i in items):
            raise Conflict(
                _("Something of order %(number)s has shipped: return it instead") % {"number": order.order_number},
                code="already_shipped",
                field="status",
            )
        order.held_status = ""
        transition(order, OrderStatus.CANCELLED, actor=actor, also=("held_status",), reason=reason)
        held = list(active_reservations(i.pk for i in items).values_list("id", "product_id", "warehouse_id"))
        lock_stock((product_id, warehouse_id) for _id, product_id, warehouse_id in held)
        for reservation_id, _product_id, _warehouse_id in held:
            release_reservation(actor=actor, reservation_id=reservation_id, reason="order cancelled")
        emit_event(event_type=ORDER_CANCELLED, payload=_payload(order), source=order)
    return order
