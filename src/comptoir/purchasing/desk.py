"""Purchasing in the desk (DESIGN §9): requisitions (a form with a line grid; submit, approve, reject, cancel,
convert into an order), purchase orders (a form with a line grid, edit while draft; submit, approve, confirm,
hold, resume, receive what is outstanding, close, cancel; its receipts linked), goods receipts (their lines, the
order and the journal entries linked; return what is left, cancel) and supplier returns. Forms parse the API's
input schemas and call what the API calls. The dashboard is a page of its own (pages/dashboard.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from comptoir.desk.declarations import (
    Action,
    Column,
    Desk,
    DeskView,
    Field,
    FormSpec,
    LineGrid,
    LineTable,
    SearchHit,
    SearchSource,
    blank_is_none,
    choices_of,
)
from comptoir.desk.registry import record_url
from comptoir.purchasing import queries
from comptoir.purchasing.constants import (
    RECEIVABLE,
    OrderStatus,
    Priority,
    ReceiptStatus,
    RequisitionStatus,
)
from comptoir.purchasing.schemas import (
    ConversionIn,
    OrderFilters,
    OrderIn,
    OrderPatchIn,
    ReasonIn,
    ReceiptCancelIn,
    ReceiptFilters,
    RequisitionFilters,
    RequisitionIn,
    ReturnFilters,
)
from comptoir.purchasing.services import orders, receipts, requisitions

PRODUCTS = "catalog.products"
PARTIES = "parties.parties"
WAREHOUSES = "inventory.warehouses"


def _today() -> str:
    return timezone.localdate().isoformat()


# --- requisitions -------------------------------------------------------------------------------------------------


def _save_requisition(actor, body):
    lines = [requisitions.RequisitionLineInput(**line.dict()) for line in body.lines]
    return requisitions.create_requisition(
        actor=actor.user, data=requisitions.RequisitionInput(**body.dict(exclude={"lines"}), lines=lines)
    )


def _convert(actor, req, body):
    return requisitions.convert_requisition(
        actor=actor.user, requisition_id=req.pk, data=requisitions.ConversionInput(**body.dict())
    )


requisitions_view = DeskView(
    slug="requisitions",
    label=_("Requisitions"),
    singular=_("requisition"),
    model="purchasing.purchaserequisition",
    permission="purchasing.view_purchaserequisition",
    query=queries.requisitions,
    get=queries.access_requisition,
    filters=RequisitionFilters,
    filter_labels={"status": _("Status"), "date_from": _("From"), "date_to": _("To"), "q": _("Number or text")},
    columns=(
        Column("requisition_number", _("Number"), sort="requisition_number"),
        Column("request_date", _("Date"), kind="date", sort="request_date"),
        Column("requested_by.email", _("Requested by")),
        Column("priority", _("Priority"), kind="choice"),
        Column("total_amount", _("Estimate"), kind="amount"),
        Column("purchase_order.order_number", _("Order")),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-request_date",),
    title=lambda r: r.requisition_number,
    status="status",
    header=(
        Column("request_date", _("Date"), kind="date"),
        Column("required_date", _("Required by"), kind="date"),
        Column("requested_by.email", _("Requested by")),
        Column("supplier.name", _("Suggested supplier")),
        Column("priority", _("Priority"), kind="choice"),
        Column("approved_by.email", _("Approved by")),
        Column("total_amount", _("Estimate"), kind="amount"),
        Column("description", _("Description")),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda r: list(r.lines.all()),
        columns=(
            Column("item_name", _("Item")),
            Column("product.code", _("Product")),
            Column("quantity", _("Quantity"), kind="number"),
            Column("unit_price", _("Estimated price"), kind="number"),
            Column("total_price", _("Total"), kind="amount"),
        ),
        totals=("total_price",),
    ),
    create=FormSpec(
        schema=RequisitionIn,
        fields=(
            Field("request_date", _("Date"), widget="date", required=True),
            Field("required_date", _("Required by"), widget="date"),
            Field("supplier", _("Suggested supplier"), widget="picker", picker=PARTIES),
            Field("priority", _("Priority"), widget="select", choices=choices_of(Priority)),
            Field("description", _("Description"), widget="textarea", wide=True),
        ),
        lines=LineGrid(
            name="lines",
            label=_("Lines"),
            fields=(
                Field("product", _("Product"), widget="picker", picker=PRODUCTS),
                Field("item_name", _("Item")),
                Field("quantity", _("Quantity"), widget="decimal", required=True),
                Field("unit_price", _("Estimated price"), widget="decimal"),
            ),
            min_rows=1,
        ),
        permission="purchasing.add_purchaserequisition",
        initial=lambda r: {"request_date": _today(), "priority": Priority.NORMAL},
        prepare=blank_is_none,
        save=lambda actor, body, obj: _save_requisition(actor, body),
    ),
    actions=(
        Action(
            "submit",
            _("Submit"),
            "purchasing.change_purchaserequisition",
            run=lambda actor, r, body: requisitions.submit_requisition(actor=actor.user, requisition_id=r.pk),
            when=lambda r: r.status == RequisitionStatus.DRAFT,
        ),
        Action(
            "approve",
            _("Approve"),
            "purchasing.approve_purchaserequisition",
            run=lambda actor, r, body: requisitions.approve_requisition(actor=actor.user, requisition_id=r.pk),
            when=lambda r: r.status == RequisitionStatus.SUBMITTED,
        ),
        Action(
            "reject",
            _("Reject"),
            "purchasing.approve_purchaserequisition",
            run=lambda actor, r, body: requisitions.reject_requisition(
                actor=actor.user, requisition_id=r.pk, reason=body.reason
            ),
            when=lambda r: r.status == RequisitionStatus.SUBMITTED,
            fields=(Field("reason", _("Reason"), widget="textarea", wide=True),),
            schema=ReasonIn,
            style="danger",
        ),
        Action(
            "order",
            _("Make the order"),
            "purchasing.add_purchaseorder",
            run=_convert,
            when=lambda r: r.status == RequisitionStatus.APPROVED,
            fields=(
                Field("party", _("Supplier"), widget="picker", picker=PARTIES),
                Field("order_date", _("Order date"), widget="date", required=True),
                Field("warehouse", _("Warehouse"), widget="picker", picker=WAREHOUSES, required=True),
            ),
            schema=ConversionIn,
            initial=lambda r: {"order_date": _today(), "party": r.supplier.party_number if r.supplier_id else ""},
        ),
        Action(
            "cancel",
            _("Cancel"),
            "purchasing.change_purchaserequisition",
            run=lambda actor, r, body: requisitions.cancel_requisition(actor=actor.user, requisition_id=r.pk),
            when=lambda r: (
                r.status in (RequisitionStatus.DRAFT, RequisitionStatus.SUBMITTED, RequisitionStatus.APPROVED)
            ),
            confirm=_("Cancel this requisition?"),
            style="danger",
        ),
    ),
    related=lambda r: (
        [(_("Its purchase order"), record_url("purchasing", "orders", r.purchase_order_id))]
        if r.purchase_order_id
        else []
    ),
    empty=_("No requisition yet: ask for what you need with “New requisition”."),
    export_name="requisitions",
)


# --- purchase orders ----------------------------------------------------------------------------------------------

ORDER_FIELDS = (
    Field("party", _("Supplier"), widget="picker", picker=PARTIES, required=True),
    Field("order_date", _("Order date"), widget="date", required=True),
    Field("warehouse", _("Warehouse"), widget="picker", picker=WAREHOUSES, required=True),
    Field("expected_date", _("Expected"), widget="date"),
    Field("supplier_quote_ref", _("Supplier's quote")),
    Field("shipping_cost", _("Shipping cost"), widget="decimal"),
    Field("notes", _("Notes"), widget="textarea", wide=True),
)
ORDER_LINES = LineGrid(
    name="lines",
    label=_("Lines"),
    fields=(
        Field("product", _("Product"), widget="picker", picker=PRODUCTS, required=True),
        Field("quantity", _("Quantity"), widget="decimal", required=True),
        Field("unit_rate", _("Unit price"), widget="decimal", help=_("Empty: the supplier's buying price.")),
        Field("discount_pct", _("Discount %"), widget="decimal"),
        Field("tax_rate", _("Tax rate")),
    ),
    min_rows=1,
)


def _order_initial(o) -> dict:
    if o is None:
        return {"order_date": _today()}
    return {
        "party": o.party.party_number,
        "order_date": o.order_date.isoformat(),
        "warehouse": o.warehouse.code,
        "expected_date": o.expected_date.isoformat() if o.expected_date else "",
        "supplier_quote_ref": o.supplier_quote_ref,
        "shipping_cost": o.shipping_cost,
        "notes": o.notes,
        "lines": [
            {
                "product": i.product_code,
                "quantity": i.quantity,
                "unit_rate": i.unit_rate,
                "discount_pct": i.discount_pct,
                "tax_rate": i.tax_rate.code if i.tax_rate_id else "",
            }
            for i in o.items.all()
        ],
    }


def _save_order(actor, body):
    lines = [orders.OrderLineInput(**line.dict()) for line in body.lines]
    return orders.create_order(actor=actor.user, data=orders.OrderInput(**body.dict(exclude={"lines"}), lines=lines))


def _edit_order(actor, body, obj):
    sent = body.model_dump(exclude_unset=True)
    if sent.get("lines") is not None:
        sent["lines"] = [orders.OrderLineInput(**line) for line in sent["lines"]]
    return orders.update_order(actor=actor.user, order_id=obj.pk, changes=orders.OrderPatch(**sent))


def _receive_outstanding(actor, order, body):
    """Receive what is left of every line, on the date asked."""
    lines = [
        receipts.ReceiptLineInput(order_item=i.pk, quantity=i.quantity - i.received_quantity)
        for i in order.items.all()
        if i.received_quantity < i.quantity
    ]
    receipts.receive_goods(actor=actor.user, order_id=order.pk, data=receipts.ReceiptInput(date=body.date, lines=lines))
    return queries.access_order(order.pk)


def _order_related(o) -> list:
    links = [
        (_("Receipt %(number)s") % {"number": r.receipt_number or ""}, record_url("purchasing", "receipts", r.pk))
        for r in o.receipts.all()
    ]
    if o.requisition_id:
        links.append((_("Its requisition"), record_url("purchasing", "requisitions", o.requisition_id)))
    links.append((_("The supplier"), record_url("parties", "parties", o.party_id)))
    return links


class ReceiveIn(Schema):
    date: datetime.date


orders_view = DeskView(
    slug="orders",
    label=_("Purchase orders"),
    singular=_("purchase order"),
    model="purchasing.purchaseorder",
    permission="purchasing.view_purchaseorder",
    query=queries.orders,
    get=queries.access_order,
    filters=OrderFilters,
    filter_labels={
        "status": _("Status"),
        "party": _("Supplier (number)"),
        "date_from": _("From"),
        "date_to": _("To"),
        "q": _("Number, supplier or quote"),
    },
    columns=(
        Column("order_number", _("Number"), sort="order_number"),
        Column("order_date", _("Date"), kind="date", sort="order_date"),
        Column("party.name", _("Supplier")),
        Column("warehouse.code", _("Warehouse")),
        Column("total_amount", _("Total"), kind="amount", currency="currency.code", sort="total_amount"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-order_date",),
    title=lambda o: o.order_number,
    status="status",
    header=(
        Column("party.name", _("Supplier")),
        Column("order_date", _("Date"), kind="date"),
        Column("expected_date", _("Expected"), kind="date"),
        Column("warehouse.name", _("Warehouse")),
        Column("supplier_quote_ref", _("Supplier's quote")),
        Column("subtotal", _("Net"), kind="amount", currency="currency.code"),
        Column("tax_amount", _("Tax"), kind="amount", currency="currency.code"),
        Column("shipping_cost", _("Shipping"), kind="amount", currency="currency.code"),
        Column("total_amount", _("Total"), kind="amount", currency="currency.code"),
        Column("approved_by.email", _("Approved by")),
        Column("notes", _("Notes")),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda o: list(o.items.all()),
        columns=(
            Column("product_code", _("Product")),
            Column("product_name", _("Name")),
            Column("quantity", _("Quantity"), kind="number"),
            Column("unit_rate", _("Unit price"), kind="number"),
            Column("discount_pct", _("Discount %"), kind="number"),
            Column("net_amount", _("Net"), kind="amount"),
            Column("tax_amount", _("Tax"), kind="amount"),
            Column("gross_amount", _("Gross"), kind="amount"),
            Column("received_quantity", _("Received"), kind="number"),
            Column("billed_quantity", _("Billed"), kind="number"),
        ),
        totals=("net_amount", "tax_amount", "gross_amount"),
    ),
    create=FormSpec(
        schema=OrderIn,
        fields=ORDER_FIELDS,
        lines=ORDER_LINES,
        permission="purchasing.add_purchaseorder",
        initial=_order_initial,
        prepare=blank_is_none,
        save=lambda actor, body, obj: _save_order(actor, body),
    ),
    edit=FormSpec(
        schema=OrderPatchIn,
        fields=ORDER_FIELDS,
        lines=ORDER_LINES,
        permission="purchasing.change_purchaseorder",
        initial=_order_initial,
        prepare=blank_is_none,
        save=_edit_order,
    ),
    edit_when=lambda o: o.status == OrderStatus.DRAFT,
    actions=(
        Action(
            "submit",
            _("Submit"),
            "purchasing.change_purchaseorder",
            run=lambda actor, o, body: orders.submit_order(actor=actor.user, order_id=o.pk),
            when=lambda o: o.status == OrderStatus.DRAFT,
        ),
        Action(
            "approve",
            _("Approve"),
            "purchasing.approve_purchaseorder",
            run=lambda actor, o, body: orders.approve_order(actor=actor.user, order_id=o.pk),
            when=lambda o: o.status == OrderStatus.PENDING and o.approved_by_id is None,
        ),
        Action(
            "confirm",
            _("Confirm"),
            "purchasing.change_purchaseorder",
            run=lambda actor, o, body: orders.confirm_order(actor=actor.user, order_id=o.pk),
            when=lambda o: o.status in (OrderStatus.DRAFT, OrderStatus.PENDING),
        ),
        Action(
            "receive",
            _("Receive what is outstanding"),
            "purchasing.receive_purchaseorder",
            run=_receive_outstanding,
            when=lambda o: o.status in RECEIVABLE,
            fields=(Field("date", _("Date"), widget="date", required=True),),
            schema=ReceiveIn,
            initial=lambda o: {"date": _today()},
        ),
        Action(
            "hold",
            _("Hold"),
            "purchasing.change_purchaseorder",
            run=lambda actor, o, body: orders.hold_order(actor=actor.user, order_id=o.pk),
            when=lambda o: o.status in (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS),
        ),
        Action(
            "resume",
            _("Resume"),
            "purchasing.change_purchaseorder",
            run=lambda actor, o, body: orders.resume_order(actor=actor.user, order_id=o.pk),
            when=lambda o: o.status == OrderStatus.ON_HOLD,
        ),
        Action(
            "close",
            _("Close"),
            "purchasing.change_purchaseorder",
            run=lambda actor, o, body: orders.close_order(actor=actor.user, order_id=o.pk),
            when=lambda o: (
                o.status in (OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED, OrderStatus.BILLED)
            ),
            confirm=_("Close this order? Nothing more will be received on it."),
        ),
        Action(
            "cancel",
            _("Cancel"),
            "purchasing.change_purchaseorder",
            run=lambda actor, o, body: orders.cancel_order(actor=actor.user, order_id=o.pk),
            when=lambda o: (
                o.status in (OrderStatus.DRAFT, OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.ON_HOLD)
            ),
            confirm=_("Cancel this purchase order?"),
            style="danger",
        ),
    ),
    related=_order_related,
    empty=_("No purchase order yet: order from a supplier with “New purchase order”."),
    export_name="purchase-orders",
)


# --- receipts -----------------------------------------------------------------------------------------------------


def _return_rest(actor, receipt, body):
    lines = [
        receipts.ReturnLineInput(receipt_line=line.pk, quantity=line.quantity - line.returned_quantity)
        for line in receipt.lines.all()
        if line.returned_quantity < line.quantity
    ]
    return receipts.return_goods(
        actor=actor.user,
        receipt_id=receipt.pk,
        data=receipts.ReturnInput(date=body.date, lines=lines, reason=body.reason),
    )


class ReturnRestIn(Schema):
    date: datetime.date
    reason: str = ""


def _receipt_related(r) -> list:
    links = [(_("Order %(number)s") % {"number": r.order.order_number}, record_url("purchasing", "orders", r.order_id))]
    if r.journal_entry_id:
        links.append((_("Its journal entry"), record_url("accounting", "journal-entries", r.journal_entry_id)))
    if r.reversal_entry_id:
        links.append((_("Its reversal"), record_url("accounting", "journal-entries", r.reversal_entry_id)))
    links += [
        (_("Return %(number)s") % {"number": x.return_number or ""}, record_url("purchasing", "returns", x.pk))
        for x in r.returns.all()
    ]
    return links


receipts_view = DeskView(
    slug="receipts",
    label=_("Goods receipts"),
    singular=_("goods receipt"),
    model="purchasing.goodsreceipt",
    permission="purchasing.view_goodsreceipt",
    query=queries.receipts,
    get=queries.access_receipt,
    filters=ReceiptFilters,
    filter_labels={"status": _("Status"), "party": _("Supplier (number)"), "date_from": _("From"), "date_to": _("To")},
    columns=(
        Column("receipt_number", _("Number"), sort="receipt_number"),
        Column("date", _("Date"), kind="date", sort="date"),
        Column("order.order_number", _("Order")),
        Column("party.name", _("Supplier")),
        Column("total_value", _("Value"), kind="amount"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-date",),
    title=lambda r: r.receipt_number or str(r.date),
    status="status",
    header=(
        Column("order.order_number", _("Order")),
        Column("party.name", _("Supplier")),
        Column("date", _("Date"), kind="date"),
        Column("supplier_delivery_note", _("Delivery note")),
        Column("total_value", _("Value"), kind="amount"),
        Column("journal_entry.entry_number", _("Journal entry")),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda r: list(r.lines.all()),
        columns=(
            Column("product.code", _("Product")),
            Column("warehouse.code", _("Warehouse")),
            Column("batch.batch_number", _("Batch")),
            Column("quantity", _("Quantity"), kind="number"),
            Column("unit_cost", _("Unit cost"), kind="number"),
            Column("value", _("Value"), kind="amount"),
            Column("returned_quantity", _("Returned"), kind="number"),
        ),
        totals=("value",),
    ),
    actions=(
        Action(
            "return",
            _("Return to the supplier"),
            "purchasing.add_supplierreturn",
            run=_return_rest,
            when=lambda r: r.status == ReceiptStatus.POSTED,
            fields=(
                Field("date", _("Date"), widget="date", required=True),
                Field("reason", _("Reason"), widget="textarea", wide=True),
            ),
            schema=ReturnRestIn,
            initial=lambda r: {"date": _today()},
        ),
        Action(
            "cancel",
            _("Cancel"),
            "purchasing.change_goodsreceipt",
            run=lambda actor, r, body: receipts.cancel_receipt(actor=actor.user, receipt_id=r.pk, reason=body.reason),
            when=lambda r: r.status == ReceiptStatus.POSTED,
            fields=(Field("reason", _("Reason"), widget="textarea", wide=True),),
            schema=ReceiptCancelIn,
            style="danger",
        ),
    ),
    related=_receipt_related,
    empty=_("No goods received yet: receive them from a confirmed purchase order."),
    export_name="goods-receipts",
)


returns_view = DeskView(
    slug="returns",
    label=_("Supplier returns"),
    singular=_("supplier return"),
    model="purchasing.supplierreturn",
    permission="purchasing.view_supplierreturn",
    query=queries.supplier_returns,
    get=queries.access_return,
    filters=ReturnFilters,
    filter_labels={"party": _("Supplier (number)"), "date_from": _("From"), "date_to": _("To")},
    columns=(
        Column("return_number", _("Number"), sort="return_number"),
        Column("date", _("Date"), kind="date", sort="date"),
        Column("receipt.receipt_number", _("Receipt")),
        Column("party.name", _("Supplier")),
        Column("total_value", _("Value"), kind="amount"),
        Column("debit_note_amount", _("To claim"), kind="amount"),
    ),
    ordering=("-date",),
    title=lambda r: r.return_number or str(r.date),
    status="status",
    header=(
        Column("receipt.receipt_number", _("Receipt")),
        Column("order.order_number", _("Order")),
        Column("party.name", _("Supplier")),
        Column("date", _("Date"), kind="date"),
        Column("total_value", _("Value"), kind="amount"),
        Column("debit_note_amount", _("Billed part (debit note)"), kind="amount"),
        Column("reason", _("Reason")),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda r: list(r.lines.all()),
        columns=(
            Column("product.code", _("Product")),
            Column("quantity", _("Quantity"), kind="number"),
            Column("billed_quantity", _("Billed"), kind="number"),
            Column("value", _("Value"), kind="amount"),
        ),
        totals=("value",),
    ),
    related=lambda r: (
        [
            (
                _("Receipt %(number)s") % {"number": r.receipt.receipt_number},
                record_url("purchasing", "receipts", r.receipt_id),
            ),
            (_("Order %(number)s") % {"number": r.order.order_number}, record_url("purchasing", "orders", r.order_id)),
        ]
        + (
            [(_("Its journal entry"), record_url("accounting", "journal-entries", r.journal_entry_id))]
            if r.journal_entry_id
            else []
        )
    ),
    empty=_("No goods returned to suppliers."),
    export_name="supplier-returns",
)


def find_orders(query: str, limit: int) -> list[SearchHit]:
    rows = queries.orders(q=query).order_by("-order_date")[:limit]
    return [
        SearchHit(_("Purchase order"), o.order_number, o.party.name, record_url("purchasing", "orders", o.pk),
                  o.order_number)
        for o in rows
    ]  # fmt: skip


DESK = Desk(
    views=(requisitions_view, orders_view, receipts_view, returns_view),
    search=(SearchSource("orders", _("Purchase orders"), "purchasing.view_purchaseorder", find_orders),),
)
