"""Sales in the desk (DESIGN §9): sales orders — the list, the detail with its lines (ordered, shipped, delivered,
invoiced, returned), a form with a line grid, and the workflow buttons (submit, confirm, confirm beyond the credit
limit, hold, resume, cancel). The order's shipments, returns, invoices and payments, and its "Invoice this order"
button, are added by logistics and invoicing (`ViewExtension`s: sales names neither). Forms parse the API's input
schemas and call what the API calls."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.desk.declarations import (
    Action,
    Choice,
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
from comptoir.sales import queries
from comptoir.sales.api import order_input, order_patch
from comptoir.sales.constants import (
    CANCELLABLE_STATUSES,
    EDITABLE_STATUSES,
    HOLDABLE_STATUSES,
    OrderStatus,
    PaymentTerms,
    Priority,
)
from comptoir.sales.schemas import OrderFilters, OrderIn, OrderPatchIn, ReasonIn
from comptoir.sales.services import orders

PRODUCTS = "catalog.products"
PARTIES = "parties.parties"
WAREHOUSES = "inventory.warehouses"


def find_orders(query: str, limit: int) -> list[SearchHit]:
    """Orders whose number, party or customer PO number matches."""
    rows = queries.orders(q=query).order_by("-order_date")[:limit]
    return [
        SearchHit(_("Sales order"), o.order_number, o.party.name, record_url("sales", "orders", o.pk), o.order_number)
        for o in rows
    ]


ORDER_LINES = LineGrid(
    name="lines",
    label=_("Lines"),
    fields=(
        Field("product", _("Product"), widget="picker", picker=PRODUCTS, required=True),
        Field("quantity", _("Quantity"), widget="decimal", required=True),
        Field("unit_rate", _("Unit price"), widget="decimal", help=_("Empty: the catalog's price.")),
        Field("discount_pct", _("Discount %"), widget="decimal"),
        Field("tax_rate", _("Tax rate"), help=_("Code; empty: the product's.")),
        Field("description", _("Description")),
    ),
    min_rows=2,
)
ORDER_FIELDS = (
    Field("party", _("Customer"), widget="picker", picker=PARTIES, required=True),
    Field("order_date", _("Order date"), widget="date", required=True),
    Field("warehouse", _("Warehouse"), widget="picker", picker=WAREHOUSES),
    Field("currency", _("Currency"), help=_("ISO code; empty: the customer's.")),
    Field("priority", _("Priority"), widget="select", choices=choices_of(Priority)),
    Field("customer_po_number", _("Customer's PO number")),
    Field("payment_terms", _("Payment terms"), widget="select", choices=(Choice("", "—"), *choices_of(PaymentTerms))),
    Field("delivery_date", _("Expected delivery"), widget="date"),
    Field("shipping_method", _("Shipping method")),
    Field("shipping_cost", _("Shipping cost"), widget="decimal"),
    Field("notes", _("Notes"), widget="textarea", wide=True),
)
EDIT_FIELDS = tuple(f for f in ORDER_FIELDS if f.name != "party")


def _initial(order) -> dict:
    if order is None:
        return {"order_date": timezone.localdate().isoformat(), "priority": Priority.NORMAL}
    return {
        "order_date": order.order_date.isoformat(),
        "warehouse": order.warehouse.code if order.warehouse_id else "",
        "currency": order.currency.code,
        "priority": order.priority,
        "customer_po_number": order.customer_po_number,
        "payment_terms": order.payment_terms,
        "delivery_date": order.delivery_date.isoformat() if order.delivery_date else "",
        "shipping_method": order.shipping_method,
        "shipping_cost": order.shipping_cost,
        "notes": order.notes,
        "lines": [
            {
                "product": line.product_code,
                "quantity": line.quantity,
                "unit_rate": line.unit_rate,
                "discount_pct": line.discount_pct,
                "tax_rate": line.tax_rate.code if line.tax_rate_id else "",
                "description": line.description,
            }
            for line in order.lines.all()
        ],
    }


orders_view = DeskView(
    slug="orders",
    label=_("Sales orders"),
    singular=_("sales order"),
    model="sales.salesorder",
    permission="sales.view_salesorder",
    query=queries.orders,
    get=queries.access_order,
    filters=OrderFilters,
    filter_labels={
        "status": _("Status"),
        "party": _("Customer"),
        "date_from": _("From"),
        "date_to": _("To"),
        "q": _("Search"),
    },  # fmt: skip
    columns=(
        Column("order_number", _("Number"), sort="order_number", link=True),
        Column("order_date", _("Date"), kind="date", sort="order_date"),
        Column("party.name", _("Customer")),
        Column("customer_po_number", _("Customer's PO")),
        Column("total_amount", _("Total"), kind="amount"),
        Column("currency.code", _("Currency")),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-order_date",),
    title=lambda o: o.order_number,
    status="status",
    header=(
        Column("party.name", _("Customer")),
        Column("order_date", _("Order date"), kind="date"),
        Column("warehouse.code", _("Warehouse")),
        Column("priority", _("Priority"), kind="choice"),
        Column("customer_po_number", _("Customer's PO number")),
        Column("subtotal", _("Subtotal"), kind="amount"),
        Column("tax_amount", _("Tax"), kind="amount"),
        Column("shipping_cost", _("Shipping"), kind="amount"),
        Column("total_amount", _("Total"), kind="amount"),
        Column("shipped_date", _("Shipped"), kind="date"),
        Column("delivered_date", _("Delivered"), kind="date"),
        Column("notes", _("Notes")),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda o: list(o.lines.all()),
        columns=(
            Column("line_no", _("Line"), kind="number"),
            Column("product_code", _("Product")),
            Column("product_name", _("Name")),
            Column("quantity", _("Ordered"), kind="number"),
            Column("unit_rate", _("Unit price"), kind="number"),
            Column("discount_pct", _("Discount %"), kind="number"),
            Column("net_amount", _("Net"), kind="amount"),
            Column("tax_amount", _("Tax"), kind="amount"),
            Column("gross_amount", _("Gross"), kind="amount"),
            Column("shipped_quantity", _("Shipped"), kind="number"),
            Column("delivered_quantity", _("Delivered"), kind="number"),
            Column("invoiced_quantity", _("Invoiced"), kind="number"),
            Column("returned_quantity", _("Returned"), kind="number"),
        ),
        totals=("net_amount", "tax_amount", "gross_amount"),
    ),
    create=FormSpec(
        schema=OrderIn,
        fields=ORDER_FIELDS,
        lines=ORDER_LINES,
        permission="sales.add_salesorder",
        initial=_initial,
        prepare=blank_is_none,
        save=lambda actor, body, obj: orders.create_order(actor=actor.user, data=order_input(body)),
    ),
    edit=FormSpec(
        schema=OrderPatchIn,
        fields=EDIT_FIELDS,
        lines=ORDER_LINES,
        permission="sales.change_salesorder",
        initial=_initial,
        prepare=blank_is_none,
        save=lambda actor, body, obj: orders.update_order(actor=actor.user, order_id=obj.pk, patch=order_patch(body)),
    ),
    edit_when=lambda o: o.status in EDITABLE_STATUSES,
    actions=(
        Action(
            "submit",
            _("Submit"),
            "sales.change_salesorder",
            run=lambda actor, obj, body: orders.submit_order(actor=actor.user, order_id=obj.pk),
            when=lambda o: o.status == OrderStatus.DRAFT,
        ),
        Action(
            "confirm",
            _("Confirm"),
            "sales.confirm_salesorder",
            run=lambda actor, obj, body: orders.confirm_order(actor=actor.user, order_id=obj.pk),
            when=lambda o: o.status in (OrderStatus.DRAFT, OrderStatus.PENDING),
            bulk=True,
        ),
        Action(
            "confirm-override",
            _("Confirm beyond the credit limit"),
            "sales.override_credit_limit",
            run=lambda actor, obj, body: orders.confirm_order(
                actor=actor.user, order_id=obj.pk, override_credit_limit=True
            ),
            when=lambda o: o.status in (OrderStatus.DRAFT, OrderStatus.PENDING),
            confirm=_("Confirm this order even if it takes the customer beyond its credit limit?"),
            style="danger",
        ),
        Action(
            "hold",
            _("Hold"),
            "sales.change_salesorder",
            run=lambda actor, obj, body: orders.hold_order(actor=actor.user, order_id=obj.pk, reason=body.reason),
            when=lambda o: o.status in HOLDABLE_STATUSES,
            fields=(Field("reason", _("Reason"), widget="textarea", wide=True),),
            schema=ReasonIn,
        ),
        Action(
            "resume",
            _("Resume"),
            "sales.change_salesorder",
            run=lambda actor, obj, body: orders.resume_order(actor=actor.user, order_id=obj.pk),
            when=lambda o: o.status == OrderStatus.ON_HOLD,
        ),
        Action(
            "cancel",
            _("Cancel"),
            "sales.cancel_salesorder",
            run=lambda actor, obj, body: orders.cancel_order(actor=actor.user, order_id=obj.pk, reason=body.reason),
            when=lambda o: o.status in CANCELLABLE_STATUSES,
            fields=(Field("reason", _("Reason"), widget="textarea", wide=True),),
            schema=ReasonIn,
            confirm=_("Cancel this order and release its reserved stock?"),
            style="danger",
        ),
    ),
    empty=_("No sales order yet: take one with “New sales order”."),
    export_name="sales-orders",
)

DESK = Desk(
    views=(orders_view,),
    search=(SearchSource("orders", _("Sales orders"), "sales.view_salesorder", find_orders),),
)
