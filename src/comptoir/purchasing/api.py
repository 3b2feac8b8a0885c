"""The purchasing API at /api/v1/purchasing. Thin: parse, authorise, call a service or a query, serialise."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard
from comptoir.purchasing import queries
from comptoir.purchasing.schemas import (
    BillableLineOut,
    ConversionIn,
    OrderDetail,
    OrderFilters,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderPatchIn,
    ReasonIn,
    ReceiptCancelIn,
    ReceiptDetail,
    ReceiptFilters,
    ReceiptIn,
    ReceiptOut,
    ReceiptPage,
    RequisitionDetail,
    RequisitionFilters,
    RequisitionIn,
    RequisitionOut,
    RequisitionPage,
    ReturnDetail,
    ReturnFilters,
    ReturnIn,
    ReturnOut,
    ReturnPage,
)
from comptoir.purchasing.services import orders, receipts, requisitions

router = Router(tags=["purchasing"], auth=ModuleGuard("purchasing"))


# --- requisitions -------------------------------------------------------------------------------------------------


@router.get("/requisitions", response=RequisitionPage)
def list_requisitions(
    request, page: Query[PageParams], export: Query[ExportParams], filters: Query[RequisitionFilters]
):
    """The requisitions, latest first."""
    authorize(request, "purchasing.view_purchaserequisition")
    return list_or_export(
        request,
        queries.requisitions(**filters.dict()),
        page,
        export,
        allowed_ordering={"request_date", "requisition_number"},
        default_ordering=["-request_date", "-requisition_number"],
        schema=RequisitionOut,
        filename="requisitions",
    )


@router.post("/requisitions", response={201: RequisitionDetail})
def create_requisition(request, body: RequisitionIn):
    """A DRAFT requisition, requested by the caller."""
    actor = authorize(request, "purchasing.add_purchaserequisition")
    lines = [requisitions.RequisitionLineInput(**line.dict()) for line in body.lines]
    data = requisitions.RequisitionInput(**body.dict(exclude={"lines"}), lines=lines)
    row = requisitions.create_requisition(actor=actor.user, data=data)
    return Status(201, queries.access_requisition(row.pk))


@router.get("/requisitions/{requisition_id}", response=RequisitionDetail)
def get_requisition(request, requisition_id: uuid.UUID):
    """One requisition with its lines."""
    authorize(request, "purchasing.view_purchaserequisition")
    return queries.access_requisition(requisition_id)


def _requisition_move(request, requisition_id, permission, run):
    actor = authorize(request, permission)
    queries.access_requisition(requisition_id)
    run(actor.user)
    return queries.access_requisition(requisition_id)


@router.post("/requisitions/{requisition_id}/submit", response=RequisitionDetail)
def submit_requisition(request, requisition_id: uuid.UUID):
    """DRAFT → SUBMITTED."""
    return _requisition_move(
        request, requisition_id, "purchasing.change_purchaserequisition",
        lambda user: requisitions.submit_requisition(actor=user, requisition_id=requisition_id),
    )  # fmt: skip


@router.post("/requisitions/{requisition_id}/approve", response=RequisitionDetail)
def approve_requisition(request, requisition_id: uuid.UUID):
    """SUBMITTED → APPROVED; the requester cannot (`self_approval`)."""
    return _requisition_move(
        request, requisition_id, "purchasing.approve_purchaserequisition",
        lambda user: requisitions.approve_requisition(actor=user, requisition_id=requisition_id),
    )  # fmt: skip


@router.post("/requisitions/{requisition_id}/reject", response=RequisitionDetail)
def reject_requisition(request, requisition_id: uuid.UUID, body: ReasonIn | None = None):
    """SUBMITTED → REJECTED; the requester cannot (`self_approval`)."""
    reason = body.reason if body else ""
    return _requisition_move(
        request, requisition_id, "purchasing.approve_purchaserequisition",
        lambda user: requisitions.reject_requisition(actor=user, requisition_id=requisition_id, reason=reason),
    )  # fmt: skip


@router.post("/requisitions/{requisition_id}/cancel", response=RequisitionDetail)
def cancel_requisition(request, requisition_id: uuid.UUID, body: ReasonIn | None = None):
    """DRAFT, SUBMITTED or APPROVED → CANCELLED."""
    reason = body.reason if body else ""
    return _requisition_move(
        request, requisition_id, "purchasing.change_purchaserequisition",
        lambda user: requisitions.cancel_requisition(actor=user, requisition_id=requisition_id, reason=reason),
    )  # fmt: skip


@router.post("/requisitions/{requisition_id}/order", response={201: OrderDetail})
def convert_requisition(request, requisition_id: uuid.UUID, body: ConversionIn):
    """APPROVED → ORDERED: a DRAFT purchase order of its lines."""
    actor = authorize(request, "purchasing.add_purchaseorder")
    queries.access_requisition(requisition_id)
    data = requisitions.ConversionInput(**body.dict())
    order = requisitions.convert_requisition(actor=actor.user, requisition_id=requisition_id, data=data)
    return Status(201, queries.access_order(order.pk))


# --- orders -------------------------------------------------------------------------------------------------------


@router.get("/orders", response=OrderPage)
def list_orders(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[OrderFilters]):
    """The purchase orders, latest first."""
    authorize(request, "purchasing.view_purchaseorder")
    return list_or_export(
        request,
        queries.orders(**filters.dict()),
        page,
        export,
        allowed_ordering={"order_date", "order_number", "total_amount"},
        default_ordering=["-order_date", "-order_number"],
        schema=OrderOut,
        filename="purchase-orders",
    )


@router.post("/orders", response={201: OrderDetail})
def create_order(request, body: OrderIn):
    """A DRAFT purchase order to a supplier (SUPPLIER or BOTH, not blacklisted), numbered."""
    actor = authorize(request, "purchasing.add_purchaseorder")
    lines = [orders.OrderLineInput(**line.dict()) for line in body.lines]
    row = orders.create_order(actor=actor.user, data=orders.OrderInput(**body.dict(exclude={"lines"}), lines=lines))
    return Status(201, queries.access_order(row.pk))


@router.get("/orders/{order_id}", response=OrderDetail)
def get_order(request, order_id: uuid.UUID):
    """One purchase order with its lines (received and billed quantities) and its receipts."""
    authorize(request, "purchasing.view_purchaseorder")
    return queries.access_order(order_id)


@router.patch("/orders/{order_id}", response=OrderDetail)
def update_order(request, order_id: uuid.UUID, body: OrderPatchIn):
    """Change a DRAFT order (`not_editable` otherwise); `lines` replaces every line."""
    actor = authorize(request, "purchasing.change_purchaseorder")
    queries.access_order(order_id)
    sent = body.model_dump(exclude_unset=True)
    if sent.get("lines") is not None:
        sent["lines"] = [orders.OrderLineInput(**line) for line in sent["lines"]]
    orders.update_order(actor=actor.user, order_id=order_id, changes=orders.OrderPatch(**sent))
    return queries.access_order(order_id)


def _order_move(request, order_id, permission, run):
    actor = authorize(request, permission)
    queries.access_order(order_id)
    run(actor.user)
    return queries.access_order(order_id)


@router.post("/orders/{order_id}/submit", response=OrderDetail)
def submit_order(request, order_id: uuid.UUID):
    """DRAFT → PENDING."""
    return _order_move(
        request, order_id, "purchasing.change_purchaseorder",
        lambda user: orders.submit_order(actor=user, order_id=order_id),
    )  # fmt: skip


@router.post("/orders/{order_id}/approve", response=OrderDetail)
def approve_order(request, order_id: uuid.UUID):
    """Approve a PENDING order; its creator cannot (`self_approval`)."""
    return _order_move(
        request, order_id, "purchasing.approve_purchaseorder",
        lambda user: orders.approve_order(actor=user, order_id=order_id),
    )  # fmt: skip


@router.post("/orders/{order_id}/confirm", response=OrderDetail)
def confirm_order(request, order_id: uuid.UUID):
    """DRAFT or PENDING → CONFIRMED (`approval_required` above the threshold until approved)."""
    return _order_move(
        request, order_id, "purchasing.change_purchaseorder",
        lambda user: orders.confirm_order(actor=user, order_id=order_id),
    )  # fmt: skip


@router.post("/orders/{order_id}/hold", response=OrderDetail)
def hold_order(request, order_id: uuid.UUID, body: ReasonIn | None = None):
    """PENDING, CONFIRMED or IN_PROGRESS → ON_HOLD."""
    reason = body.reason if body else ""
    return _order_move(
        request, order_id, "purchasing.change_purchaseorder",
        lambda user: orders.hold_order(actor=user, order_id=order_id, reason=reason),
    )  # fmt: skip


@router.post("/orders/{order_id}/resume", response=OrderDetail)
def resume_order(request, order_id: uuid.UUID):
    """ON_HOLD → the status it was held in."""
    return _order_move(
        request, order_id, "purchasing.change_purchaseorder",
        lambda user: orders.resume_order(actor=user, order_id=order_id),
    )  # fmt: skip


@router.post("/orders/{order_id}/cancel", response=OrderDetail)
def cancel_order(request, order_id: uuid.UUID, body: ReasonIn | None = None):
    """Cancel an order nothing of which is received."""
    reason = body.reason if body else ""
    return _order_move(
        request, order_id, "purchasing.change_purchaseorder",
        lambda user: orders.cancel_order(actor=user, order_id=order_id, reason=reason),
    )  # fmt: skip


@router.post("/orders/{order_id}/close", response=OrderDetail)
def close_order(request, order_id: uuid.UUID, body: ReasonIn | None = None):
    """No more receipts on this order."""
    reason = body.reason if body else ""
    return _order_move(
        request, order_id, "purchasing.change_purchaseorder",
        lambda user: orders.close_order(actor=user, order_id=order_id, reason=reason),
    )  # fmt: skip


@router.get("/orders/{order_id}/billable", response=list[BillableLineOut])
def billable(request, order_id: uuid.UUID):
    """Each item with what is received and not yet billed, at the order's price (three-way match)."""
    authorize(request, "purchasing.view_purchaseorder")
    return queries.billable_lines(order_id)


# --- receipts -----------------------------------------------------------------------------------------------------


@router.post("/orders/{order_id}/receipts", response={201: ReceiptDetail})
def receive(request, order_id: uuid.UUID, body: ReceiptIn):
    """Receive goods: IN movements at the order's price, Dr inventory, Cr goods received not billed."""
    actor = authorize(request, "purchasing.receive_purchaseorder")
    queries.access_order(order_id)
    lines = [receipts.ReceiptLineInput(**line.dict()) for line in body.lines]
    data = receipts.ReceiptInput(**body.dict(exclude={"lines"}), lines=lines)
    row = receipts.receive_goods(actor=actor.user, order_id=order_id, data=data)
    return Status(201, queries.access_receipt(row.pk))


@router.get("/receipts", response=ReceiptPage)
def list_receipts(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[ReceiptFilters]):
    """The goods receipts, latest first."""
    authorize(request, "purchasing.view_goodsreceipt")
    return list_or_export(
        request,
        queries.receipts(**filters.dict()),
        page,
        export,
        allowed_ordering={"date", "receipt_number"},
        default_ordering=["-date", "-created_at"],
        schema=ReceiptOut,
        filename="goods-receipts",
    )


@router.get("/receipts/{receipt_id}", response=ReceiptDetail)
def get_receipt(request, receipt_id: uuid.UUID):
    """One goods receipt with its lines, its order and its returns."""
    authorize(request, "purchasing.view_goodsreceipt")
    return queries.access_receipt(receipt_id)


@router.post("/receipts/{receipt_id}/cancel", response=ReceiptDetail)
def cancel_receipt(request, receipt_id: uuid.UUID, body: ReceiptCancelIn | None = None):
    """Reverse a receipt nothing of which is billed, returned or issued further."""
    actor = authorize(request, "purchasing.change_goodsreceipt")
    queries.access_receipt(receipt_id)
    receipts.cancel_receipt(
        actor=actor.user,
        receipt_id=receipt_id,
        reason=body.reason if body else "",
        date=body.date if body else None,
    )
    return queries.access_receipt(receipt_id)


@router.post("/receipts/{receipt_id}/returns", response={201: ReturnDetail})
def return_goods(request, receipt_id: uuid.UUID, body: ReturnIn):
    """Send goods of this receipt back to the supplier, at the receipt's cost."""
    actor = authorize(request, "purchasing.add_supplierreturn")
    queries.access_receipt(receipt_id)
    lines = [receipts.ReturnLineInput(**line.dict()) for line in body.lines]
    data = receipts.ReturnInput(**body.dict(exclude={"lines"}), lines=lines)
    row = receipts.return_goods(actor=actor.user, receipt_id=receipt_id, data=data)
    return Status(201, queries.access_return(row.pk))


@router.get("/returns", response=ReturnPage)
def list_returns(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[ReturnFilters]):
    """The supplier returns, latest first."""
    authorize(request, "purchasing.view_supplierreturn")
    return list_or_export(
        request,
        queries.supplier_returns(**filters.dict()),
        page,
        export,
        allowed_ordering={"date", "return_number"},
        default_ordering=["-date", "-created_at"],
        schema=ReturnOut,
        filename="supplier-returns",
    )


@router.get("/returns/{return_id}", response=ReturnDetail)
def get_return(request, return_id: uuid.UUID):
    """One supplier return with its lines."""
    authorize(request, "purchasing.view_supplierreturn")
    return queries.access_return(return_id)
