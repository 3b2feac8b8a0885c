"""Logistics in the desk (DESIGN §9): shipments (list, detail with its items and the batches they left from, a form
with a line grid of order lines, and the workflow buttons: ready, picked, dispatch, out for delivery, deliver,
cancel, return everything), returns, and carriers. The shipment links to its order and the order to its shipments.
Forms parse the API's input schemas and call what the API calls."""

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
    ViewExtension,
    blank_is_none,
    choices_of,
)
from comptoir.desk.registry import record_url
from comptoir.logistics import queries
from comptoir.logistics.constants import PRE_DISPATCH, ShipmentStatus, TransportMode
from comptoir.logistics.schemas import (
    CarrierFilters,
    CarrierIn,
    CarrierPatch,
    DeliverIn,
    ReturnFilters,
    ReturnIn,
    ShipmentFilters,
    ShipmentIn,
)
from comptoir.logistics.services import carriers, returns, shipments

WAREHOUSES = "inventory.warehouses"


# --- carriers -----------------------------------------------------------------------------------------------------

CARRIER_FIELDS = (
    Field("code", _("Code"), required=True),
    Field("name", _("Name"), required=True, wide=True),
    Field("phone", _("Phone")),
    Field("email", _("E-mail")),
    Field("gstin", _("GSTIN")),
    Field("transport_id", _("Transporter id (e-way bill)")),
    Field("tracking_url_template", _("Tracking URL"), help=_("With {tracking_number}."), wide=True),
)


def _carrier_initial(c) -> dict:
    if c is None:
        return {}
    return {f.name: getattr(c, f.name) for f in CARRIER_FIELDS}


carriers_view = DeskView(
    slug="carriers",
    label=_("Carriers"),
    singular=_("carrier"),
    model="logistics.carrier",
    permission="logistics.view_carrier",
    query=queries.carriers,
    get=queries.access_carrier,
    filters=CarrierFilters,
    filter_labels={"search": _("Search"), "is_active": _("Active")},
    columns=(
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name"),
        Column("phone", _("Phone")),
        Column("transport_id", _("Transporter id")),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("code",),
    title=str,
    header=tuple(Column(f.name, f.label) for f in CARRIER_FIELDS[2:]),
    create=FormSpec(
        schema=CarrierIn,
        fields=CARRIER_FIELDS,
        permission="logistics.add_carrier",
        initial=_carrier_initial,
        save=lambda actor, body, obj: carriers.create_carrier(
            actor=actor.user, data=carriers.CarrierInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=CarrierPatch,
        fields=CARRIER_FIELDS,
        permission="logistics.change_carrier",
        initial=_carrier_initial,
        save=lambda actor, body, obj: carriers.update_carrier(
            actor=actor.user, carrier_id=obj.pk, patch=carriers.CarrierPatch.from_schema(body)
        ),
    ),
    empty=_("No carrier yet: the company's own deliveries need none."),
    export_name="carriers",
)


# --- shipments ----------------------------------------------------------------------------------------------------

SHIPMENT_LINES = LineGrid(
    name="lines",
    label=_("Lines"),
    fields=(
        Field("order_item", _("Order line"), required=True, help=_("The id of the order's line.")),
        Field("quantity", _("Quantity"), widget="decimal", required=True),
        Field("package_number", _("Package")),
    ),
    min_rows=1,
)
SHIPMENT_FIELDS = (
    Field("sales_order", _("Sales order"), required=True, help=_("Its number.")),
    Field("shipped_date", _("Shipped on"), widget="date"),
    Field("carrier", _("Carrier"), help=_("Code; empty: our own delivery.")),
    Field("from_warehouse", _("From warehouse"), widget="picker", picker=WAREHOUSES),
    Field("tracking_number", _("Tracking number")),
    Field("vehicle_number", _("Vehicle")),
    Field("driver_name", _("Driver")),
    Field("eway_bill_number", _("E-way bill number")),
    Field(
        "transport_mode", _("Mode of transport"), widget="select", choices=(Choice("", "—"), *choices_of(TransportMode))
    ),
    Field("notes", _("Notes"), widget="textarea", wide=True),
)


def _save_shipment(actor, body):
    values = body.dict(exclude={"lines", "dispatch", "transport_mode"})
    lines = [shipments.ShipmentLineInput(**line.dict()) for line in body.lines]
    data = shipments.ShipmentInput(**values, transport_mode=body.transport_mode or "", lines=lines)
    return shipments.create_shipment(actor=actor.user, data=data, dispatch=body.dispatch)


def _shipment_related(s) -> list[tuple[str, str]]:
    links = []
    if s.sales_order_id:
        links.append((_("Its order %(number)s") % {"number": s.sales_order.order_number},
                      record_url("sales", "orders", s.sales_order_id)))  # fmt: skip
    if s.journal_entry_id:
        links.append((_("Its journal entry"), record_url("accounting", "journal-entries", s.journal_entry_id)))
    links += [(str(r), record_url("logistics", "returns", r.pk)) for r in s.returns.all()]
    return links


def _step(name, label, permission, run, statuses, **kw) -> Action:
    return Action(name, label, permission, run=run, when=lambda s: s.status in statuses, **kw)


shipments_view = DeskView(
    slug="shipments",
    label=_("Shipments"),
    singular=_("shipment"),
    model="logistics.shipment",
    permission="logistics.view_shipment",
    query=queries.shipments,
    get=queries.access_shipment,
    filters=ShipmentFilters,
    filter_labels={
        "status": _("Status"),
        "sales_order": _("Sales order"),
        "carrier": _("Carrier"),
        "date_from": _("From"),
        "date_to": _("To"),
    },  # fmt: skip
    columns=(
        Column("shipment_number", _("Number"), sort="shipment_number", link=True),
        Column("sales_order.order_number", _("Sales order")),
        Column("sales_order.party.name", _("Customer")),
        Column("shipped_date", _("Shipped"), kind="date", sort="shipped_date"),
        Column("carrier.code", _("Carrier")),
        Column("total_cost", _("Cost"), kind="amount"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-created_at",),
    title=str,
    status="status",
    header=(
        Column("sales_order.order_number", _("Sales order")),
        Column("from_warehouse.code", _("From warehouse")),
        Column("carrier.name", _("Carrier")),
        Column("tracking_number", _("Tracking number")),
        Column("shipped_date", _("Shipped"), kind="date"),
        Column("actual_delivery", _("Delivered"), kind="date"),
        Column("vehicle_number", _("Vehicle")),
        Column("eway_bill_number", _("E-way bill")),
        Column("total_cost", _("Cost of goods"), kind="amount"),
        Column("notes", _("Notes")),
    ),
    lines=LineTable(
        label=_("Items"),
        rows=lambda s: list(s.items.all()),
        columns=(
            Column("line_no", _("Line"), kind="number"),
            Column("product.code", _("Product")),
            Column("quantity", _("Quantity"), kind="number"),
            Column("batch.batch_number", _("Batch")),
            Column("package_number", _("Package")),
            Column("cost", _("Cost"), kind="amount"),
            Column("returned_quantity", _("Returned"), kind="number"),
        ),
        totals=("cost",),
    ),
    create=FormSpec(
        schema=ShipmentIn,
        fields=SHIPMENT_FIELDS,
        lines=SHIPMENT_LINES,
        permission="logistics.add_shipment",
        initial=lambda s: {"shipped_date": timezone.localdate().isoformat()},
        prepare=blank_is_none,
        buttons=((_("Save and dispatch"), {"dispatch": True}), (_("Save draft"), {"dispatch": False})),
        save=lambda actor, body, obj: _save_shipment(actor, body),
    ),
    actions=(
        _step(
            "ready",
            _("Ready"),
            "logistics.change_shipment",
            lambda actor, obj, body: shipments.mark_ready(actor=actor.user, shipment_id=obj.pk),
            {ShipmentStatus.DRAFT},
        ),
        _step(
            "pick",
            _("Picked"),
            "logistics.change_shipment",
            lambda actor, obj, body: shipments.mark_picked(actor=actor.user, shipment_id=obj.pk),
            {ShipmentStatus.READY},
        ),
        _step(
            "dispatch",
            _("Dispatch"),
            "logistics.dispatch_shipment",
            lambda actor, obj, body: shipments.dispatch_shipment(actor=actor.user, shipment_id=obj.pk),
            PRE_DISPATCH,
            bulk=True,
        ),
        _step(
            "out-for-delivery",
            _("Out for delivery"),
            "logistics.deliver_shipment",
            lambda actor, obj, body: shipments.mark_out_for_delivery(actor=actor.user, shipment_id=obj.pk),
            {ShipmentStatus.IN_TRANSIT},
        ),
        _step(
            "deliver",
            _("Deliver"),
            "logistics.deliver_shipment",
            lambda actor, obj, body: shipments.deliver_shipment(
                actor=actor.user, shipment_id=obj.pk, delivered_date=body.delivered_date
            ),
            {ShipmentStatus.IN_TRANSIT, ShipmentStatus.OUT_FOR_DELIVERY},
            fields=(Field("delivered_date", _("Delivered on"), widget="date"),),
            schema=DeliverIn,
        ),
        _step(
            "cancel",
            _("Cancel"),
            "logistics.change_shipment",
            lambda actor, obj, body: shipments.cancel_shipment(actor=actor.user, shipment_id=obj.pk),
            PRE_DISPATCH,
            confirm=_("Cancel this shipment?"),
            style="danger",
        ),
        _step(
            "return",
            _("Return everything"),
            "logistics.return_shipment",
            lambda actor, obj, body: returns.return_shipment(
                actor=actor.user,
                shipment_id=obj.pk,
                data=returns.ReturnInput(return_date=body.return_date, reason=body.reason),
            ),
            {ShipmentStatus.DELIVERED},
            fields=(
                Field("return_date", _("Returned on"), widget="date"),
                Field("reason", _("Reason"), widget="textarea", wide=True),
            ),
            schema=ReturnIn,
            confirm=_("Take back everything of this shipment?"),
            style="danger",
        ),
    ),  # fmt: skip
    related=_shipment_related,
    empty=_("No shipment yet: ship a confirmed order with “New shipment”."),
    export_name="shipments",
)


# --- returns ------------------------------------------------------------------------------------------------------

returns_view = DeskView(
    slug="returns",
    label=_("Returns"),
    singular=_("return"),
    model="logistics.shipmentreturn",
    permission="logistics.view_shipmentreturn",
    query=queries.returns,
    get=queries.access_return,
    filters=ReturnFilters,
    filter_labels={"sales_order": _("Sales order"), "credited": _("Credited")},
    columns=(
        Column("return_number", _("Number"), link=True),
        Column("return_date", _("Date"), kind="date", sort="return_date"),
        Column("shipment.shipment_number", _("Shipment")),
        Column("sales_order.order_number", _("Sales order")),
        Column("party.name", _("Customer")),
        Column("total_cost", _("Cost"), kind="amount"),
        Column("gross_amount", _("To credit"), kind="amount"),
    ),
    ordering=("-return_date",),
    title=str,
    status="status",
    header=(
        Column("shipment.shipment_number", _("Shipment")),
        Column("to_warehouse.code", _("Into warehouse")),
        Column("reason", _("Reason")),
        Column("total_cost", _("Cost"), kind="amount"),
        Column("net_amount", _("Net to credit"), kind="amount"),
        Column("tax_amount", _("Tax to credit"), kind="amount"),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda r: list(r.lines.all()),
        columns=(
            Column("line_no", _("Line"), kind="number"),
            Column("product.code", _("Product")),
            Column("quantity", _("Quantity"), kind="number"),
            Column("cost", _("Cost"), kind="amount"),
            Column("net_amount", _("Net"), kind="amount"),
            Column("tax_amount", _("Tax"), kind="amount"),
        ),
        totals=("cost", "net_amount", "tax_amount"),
    ),
    related=lambda r: [
        (_("Its shipment"), record_url("logistics", "shipments", r.shipment_id)),
        *([(_("Its order"), record_url("sales", "orders", r.sales_order_id))] if r.sales_order_id else []),
    ],
    empty=_("No return yet."),
    export_name="returns",
)

# An order's page shows its shipments and returns (sales names no logistics code).
SALES_ORDERS = ViewExtension(
    view="sales.orders",
    documents=(
        LineTable(
            label=_("Shipments"),
            rows=lambda o: queries.shipments_of_order(o.pk),
            columns=(
                Column("shipped_date", _("Date"), kind="date"),
                Column("shipment_number", _("Number")),
                Column("carrier.name", _("Carrier")),
                Column("status", _("Status"), kind="badge"),
            ),
            link="logistics.shipments",
            permission="logistics.view_shipment",
        ),
        LineTable(
            label=_("Returns"),
            rows=lambda o: list(queries.returns(sales_order=o.pk).order_by("return_date", "created_at")),
            columns=(
                Column("return_date", _("Date"), kind="date"),
                Column("return_number", _("Number")),
                Column("gross_amount", _("Value"), kind="amount", currency="currency.code"),
            ),
            link="logistics.returns",
            permission="logistics.view_shipmentreturn",
        ),
    ),
)

DESK = Desk(views=(shipments_view, returns_view, carriers_view), extends=(SALES_ORDERS,))
