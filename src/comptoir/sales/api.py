"""The sales API at /api/v1/sales. Thin: parse, authorise, call a service or a query, serialise."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard
from comptoir.sales import queries
from comptoir.sales.schemas import (
    ConfirmIn,
    InvoiceableOut,
    OrderDetail,
    OrderFilters,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderPatchIn,
    ReasonIn,
)
from comptoir.sales.services import orders

router = Router(tags=["sales"], auth=ModuleGuard("sales"))


def order_input(body: OrderIn) -> orders.OrderInput:
    values = body.dict(exclude={"lines", "payment_terms", "tags"})
    lines = [orders.OrderLineInput(**line.dict()) for line in body.lines]
    return orders.OrderInput(**values, payment_terms=body.payment_terms or "", tags=list(body.tags), lines=lines)


def order_patch(body: OrderPatchIn) -> orders.OrderPatch:
    values = body.model_dump(exclude_unset=True)
    if "lines" in values:
        values["lines"] = [orders.OrderLineInput(**line.dict()) for line in body.lines]
    return orders.OrderPatch(**values)


@router.get("/orders", response=OrderPage)
def list_orders(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[OrderFilters]):
    """The sales orders, latest first."""
    authorize(request, "sales.view_salesorder")
    return list_or_export(
        request,
        queries.orders(**filters.dict()),
        page,
        export,
        allowed_ordering={"order_date", "order_number", "created_at"},
        default_ordering=["-order_date", "-order_number"],
        schema=OrderOut,
        filename="sales-orders",
    )


@router.post("/orders", response={201: OrderDetail})
def create_order(request, body: OrderIn):
    """A DRAFT order: its lines priced (the catalog's price unless given), taxed and summed."""
    actor = authorize(request, "sales.add_salesorder")
    row = orders.create_order(actor=actor.user, data=order_input(body))
    return Status(201, queries.access_order(row.pk))


@router.get("/orders/{order_id}", response=OrderDetail)
def get_order(request, order_id: uuid.UUID):
    """One sales order with its lines and their shipped, delivered, invoiced and returned quantities."""
    authorize(request, "sales.view_salesorder")
    return queries.access_order(order_id)


@router.patch("/orders/{order_id}", response=OrderDetail)
def update_order(request, order_id: uuid.UUID, body: OrderPatchIn):
    """Change a DRAFT or PENDING order; `lines` replace its lines."""
    actor = authorize(request, "sales.change_salesorder")
    queries.access_order(order_id)
    orders.update_order(actor=actor.user, order_id=order_id, patch=order_patch(body))
    return queries.access_order(order_id)


@router.get("/orders/{order_id}/invoiceable", response=list[InvoiceableOut])
def invoiceable(request, order_id: uuid.UUID):
    """What of each line may still be invoiced."""
    authorize(request, "sales.view_salesorder")
    queries.access_order(order_id)
    return queries.invoiceable_lines(order_id)


@router.post("/orders/{order_id}/submit", response=OrderDetail)
def submit_order(request, order_id: uuid.UUID):
    """DRAFT → PENDING."""
    actor = authorize(request, "sales.change_salesorder")
    queries.access_order(order_id)
    orders.submit_order(actor=actor.user, order_id=order_id)
    return queries.access_order(order_id)


@router.post("/orders/{order_id}/confirm", response=OrderDetail)
def confirm_order(request, order_id: uuid.UUID, body: ConfirmIn | None = None):
    """→ CONFIRMED: the party checked, the credit limit held (or overridden), the stock reserved."""
    actor = authorize(request, "sales.confirm_salesorder")
    override = bool(body and body.override_credit_limit)
    orders.check_override(actor.can, override)
    queries.access_order(order_id)
    orders.confirm_order(actor=actor.user, order_id=order_id, override_credit_limit=override)
    return queries.access_order(order_id)


@router.post("/orders/{order_id}/hold", response=OrderDetail)
def hold_order(request, order_id: uuid.UUID, body: ReasonIn | None = None):
    """PENDING/CONFIRMED/IN_PROGRESS → ON_HOLD; the reservations stay."""
    actor = authorize(request, "sales.change_salesorder")
    queries.access_order(order_id)
    orders.hold_order(actor=actor.user, order_id=order_id, reason=body.reason if body else "")
    return queries.access_order(order_id)


@router.post("/orders/{order_id}/resume", response=OrderDetail)
def resume_order(request, order_id: uuid.UUID):
    """ON_HOLD → the status it was held from."""
    actor = authorize(request, "sales.change_salesorder")
    queries.access_order(order_id)
    orders.resume_order(actor=actor.user, order_id=order_id)
    return queries.access_order(order_id)


@router.post("/orders/{order_id}/cancel", response=OrderDetail)
def cancel_order(request, order_id: uuid.UUID, body: ReasonIn | None = None):
    """→ CANCELLED while nothing shipped; the reservations released."""
    actor = authorize(request, "sales.cancel_salesorder")
    queries.access_order(order_id)
    orders.cancel_order(actor=actor.user, order_id=order_id, reason=body.reason if body else "")
    return queries.access_order(order_id)
