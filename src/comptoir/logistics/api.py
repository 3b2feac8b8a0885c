"""The logistics API at /api/v1/logistics. Thin: parse, authorise, call a service or a query, serialise."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.logistics import queries
from comptoir.logistics.schemas import (
    CarrierFilters,
    CarrierIn,
    CarrierOut,
    CarrierPage,
    CarrierPatch,
    DeliverIn,
    DispatchIn,
    ReasonIn,
    ReturnDetail,
    ReturnFilters,
    ReturnIn,
    ReturnOut,
    ReturnPage,
    ShipmentDetail,
    ShipmentFilters,
    ShipmentIn,
    ShipmentOut,
    ShipmentPage,
    ShipmentPatchIn,
)
from comptoir.logistics.services import carriers, returns, shipments
from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard

router = Router(tags=["logistics"], auth=ModuleGuard("logistics"))


# --- carriers -----------------------------------------------------------------------------------------------------


@router.get("/carriers", response=CarrierPage)
def list_carriers(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[CarrierFilters]):
    """The carriers, by code."""
    authorize(request, "logistics.view_carrier")
    return list_or_export(
        request, queries.carriers(**filters.dict()), page, export, allowed_ordering={"code", "name"},
        default_ordering=["code"], schema=CarrierOut, filename="carriers",
    )  # fmt: skip


@router.post("/carriers", response={201: CarrierOut})
def create_carrier(request, body: CarrierIn):
    """A carrier (a shipment without one is the company's own delivery)."""
    actor = authorize(request, "logistics.add_carrier")
    return Status(201, carriers.create_carrier(actor=actor.user, data=carriers.CarrierInput(**body.dict())))


@router.get("/carriers/{carrier_id}", response=CarrierOut)
def get_carrier(request, carrier_id: uuid.UUID):
    """One carrier."""
    authorize(request, "logistics.view_carrier")
    return queries.access_carrier(carrier_id)


@router.patch("/carriers/{carrier_id}", response=CarrierOut)
def update_carrier(request, carrier_id: uuid.UUID, body: CarrierPatch):
    """Change a carrier, or deactivate it."""
    actor = authorize(request, "logistics.change_carrier")
    queries.access_carrier(carrier_id)
    patch = carriers.CarrierPatch.from_schema(body)
    return carriers.update_carrier(actor=actor.user, carrier_id=carrier_id, patch=patch)


# --- shipments ----------------------------------------------------------------------------------------------------


@router.get("/shipments", response=ShipmentPage)
def list_shipments(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[ShipmentFilters]):
    """The shipments, latest first."""
    authorize(request, "logistics.view_shipment")
    return list_or_export(
        request, queries.shipments(**filters.dict()), page, export,
        allowed_ordering={"created_at", "shipped_date", "shipment_number"}, default_ordering=["-created_at"],
        schema=ShipmentOut, filename="shipments",
    )  # fmt: skip


@router.post("/shipments", response={201: ShipmentDetail})
def create_shipment(request, body: ShipmentIn):
    """A DRAFT shipment of an order's lines; `dispatch: true` sends it at once."""
    actor = authorize(request, "logistics.add_shipment")
    if body.dispatch:
        authorize(request, "logistics.dispatch_shipment")
    values = body.dict(exclude={"lines", "dispatch", "transport_mode"})
    lines = [shipments.ShipmentLineInput(**line.dict()) for line in body.lines]
    data = shipments.ShipmentInput(**values, transport_mode=body.transport_mode or "", lines=lines)
    row = shipments.create_shipment(actor=actor.user, data=data, dispatch=body.dispatch)
    return Status(201, queries.access_shipment(row.pk))


@router.get("/shipments/{shipment_id}", response=ShipmentDetail)
def get_shipment(request, shipment_id: uuid.UUID):
    """One shipment with its lines, the batches they left from and their cost."""
    authorize(request, "logistics.view_shipment")
    return queries.access_shipment(shipment_id)


@router.patch("/shipments/{shipment_id}", response=ShipmentDetail)
def update_shipment(request, shipment_id: uuid.UUID, body: ShipmentPatchIn):
    """The carrier and the tracking details (e-way bill, vehicle, driver) until delivered."""
    actor = authorize(request, "logistics.change_shipment")
    queries.access_shipment(shipment_id)
    shipments.update_shipment(
        actor=actor.user, shipment_id=shipment_id, patch=shipments.ShipmentPatch.from_schema(body)
    )
    return queries.access_shipment(shipment_id)


def _step(request, shipment_id, permission, run):
    actor = authorize(request, permission)
    queries.access_shipment(shipment_id)
    run(actor.user)
    return queries.access_shipment(shipment_id)


@router.post("/shipments/{shipment_id}/ready", response=ShipmentDetail)
def ready_shipment(request, shipment_id: uuid.UUID):
    """DRAFT → READY."""
    return _step(request, shipment_id, "logistics.change_shipment",
                 lambda user: shipments.mark_ready(actor=user, shipment_id=shipment_id))  # fmt: skip


@router.post("/shipments/{shipment_id}/pick", response=ShipmentDetail)
def pick_shipment(request, shipment_id: uuid.UUID):
    """READY → PICKED."""
    return _step(request, shipment_id, "logistics.change_shipment",
                 lambda user: shipments.mark_picked(actor=user, shipment_id=shipment_id))  # fmt: skip


@router.post("/shipments/{shipment_id}/dispatch", response=ShipmentDetail)
def dispatch_shipment(request, shipment_id: uuid.UUID, body: DispatchIn | None = None):
    """→ IN_TRANSIT: the stock leaves (movements, cost of goods sold), the reservations are consumed."""
    day = body.shipped_date if body else None

    def run(user):
        return shipments.dispatch_shipment(actor=user, shipment_id=shipment_id, shipped_date=day)

    return _step(request, shipment_id, "logistics.dispatch_shipment", run)


@router.post("/shipments/{shipment_id}/out-for-delivery", response=ShipmentDetail)
def out_for_delivery(request, shipment_id: uuid.UUID):
    """IN_TRANSIT → OUT_FOR_DELIVERY."""
    return _step(request, shipment_id, "logistics.deliver_shipment",
                 lambda user: shipments.mark_out_for_delivery(actor=user, shipment_id=shipment_id))  # fmt: skip


@router.post("/shipments/{shipment_id}/deliver", response=ShipmentDetail)
def deliver_shipment(request, shipment_id: uuid.UUID, body: DeliverIn | None = None):
    """→ DELIVERED: the order's delivered quantities rise."""
    day = body.delivered_date if body else None

    def run(user):
        return shipments.deliver_shipment(actor=user, shipment_id=shipment_id, delivered_date=day)

    return _step(request, shipment_id, "logistics.deliver_shipment", run)


@router.post("/shipments/{shipment_id}/cancel", response=ShipmentDetail)
def cancel_shipment(request, shipment_id: uuid.UUID, body: ReasonIn | None = None):
    """DRAFT/READY/PICKED → CANCELLED."""
    reason = body.reason if body else ""

    def run(user):
        return shipments.cancel_shipment(actor=user, shipment_id=shipment_id, reason=reason)

    return _step(request, shipment_id, "logistics.change_shipment", run)


@router.post("/shipments/{shipment_id}/return", response={201: ReturnDetail})
def return_shipment(request, shipment_id: uuid.UUID, body: ReturnIn | None = None):
    """Goods of a delivered shipment come back at the cost they left with; a return record for the credit note."""
    actor = authorize(request, "logistics.return_shipment")
    queries.access_shipment(shipment_id)
    body = body or ReturnIn()
    lines = [returns.ReturnLineInput(**line.dict()) for line in body.lines]
    data = returns.ReturnInput(**body.dict(exclude={"lines"}), lines=lines)
    row = returns.return_shipment(actor=actor.user, shipment_id=shipment_id, data=data)
    return Status(201, queries.access_return(row.pk))


# --- returns ------------------------------------------------------------------------------------------------------


@router.get("/returns", response=ReturnPage)
def list_returns(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[ReturnFilters]):
    """The returns of delivered shipments, latest first; `credited=false`: those to credit."""
    authorize(request, "logistics.view_shipmentreturn")
    return list_or_export(
        request, queries.returns(**filters.dict()), page, export, allowed_ordering={"return_date", "created_at"},
        default_ordering=["-return_date", "-created_at"], schema=ReturnOut, filename="returns",
    )  # fmt: skip


@router.get("/returns/{return_id}", response=ReturnDetail)
def get_return(request, return_id: uuid.UUID):
    """One return with its quantities, costs and selling values."""
    authorize(request, "logistics.view_shipmentreturn")
    return queries.access_return(return_id)
