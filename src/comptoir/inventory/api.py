"""The inventory API at /api/v1/inventory. Thin: parse, authorise, call a service or a query, serialise."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone
from ninja import Query, Router, Status

from comptoir.inventory.queries import reports
from comptoir.inventory.queries import stock as queries
from comptoir.inventory.schemas import (
    BalanceFilters,
    BalanceOut,
    BalancePage,
    BatchFilters,
    BatchIn,
    BatchOut,
    BatchPage,
    CountsIn,
    ExpiryOut,
    ExpiryParams,
    LedgerOut,
    LedgerParams,
    MovementFilters,
    MovementOut,
    MovementPage,
    OnHandOut,
    OnHandParams,
    ReasonIn,
    ReorderOut,
    ReservationFilters,
    ReservationIn,
    ReservationOut,
    ReservationPage,
    StatusOut,
    StatusParams,
    StockCountDetail,
    StockCountFilters,
    StockCountIn,
    StockCountOut,
    StockCountPage,
    StockEntryDetail,
    StockEntryFilters,
    StockEntryIn,
    StockEntryOut,
    StockEntryPage,
    WarehouseFilters,
    WarehouseIn,
    WarehouseOut,
    WarehousePage,
    WarehousePatch,
)
from comptoir.inventory.services import counts, entries, reservations, warehouses
from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard

router = Router(tags=["inventory"], auth=ModuleGuard("inventory"))


# --- warehouses ---------------------------------------------------------------------------------------------------


@router.get("/warehouses", response=WarehousePage)
def list_warehouses(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[WarehouseFilters]):
    """The warehouses in tree order (a warehouse before its bins)."""
    authorize(request, "inventory.view_warehouse")
    return list_or_export(
        request,
        queries.warehouses(**filters.dict()),
        page,
        export,
        allowed_ordering={"path", "code", "name"},
        default_ordering=["path"],
        schema=WarehouseOut,
        filename="warehouses",
    )


@router.post("/warehouses", response={201: WarehouseOut})
def create_warehouse(request, body: WarehouseIn):
    """A warehouse, or a bin under `parent`."""
    actor = authorize(request, "inventory.add_warehouse")
    row = warehouses.create_warehouse(actor=actor.user, data=warehouses.WarehouseInput(**body.dict()))
    return Status(201, queries.access_warehouse(row.pk))


@router.get("/warehouses/{warehouse_id}", response=WarehouseOut)
def get_warehouse(request, warehouse_id: uuid.UUID):
    """One warehouse."""
    authorize(request, "inventory.view_warehouse")
    return queries.access_warehouse(warehouse_id)


@router.patch("/warehouses/{warehouse_id}", response=WarehouseOut)
def update_warehouse(request, warehouse_id: uuid.UUID, body: WarehousePatch):
    """Change the fields sent: a move under its own subtree (`cycle`), deactivating it with stock
    (`stock_on_hand`) and changing the account of a warehouse with movements (`account_in_use`) are refused."""
    actor = authorize(request, "inventory.change_warehouse")
    queries.access_warehouse(warehouse_id)
    changes = warehouses.WarehousePatch.from_schema(body)
    warehouses.update_warehouse(actor=actor.user, warehouse_id=warehouse_id, changes=changes)
    return queries.access_warehouse(warehouse_id)


# --- batches ------------------------------------------------------------------------------------------------------


@router.get("/batches", response=BatchPage)
def list_batches(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[BatchFilters]):
    """The batches, first-expiring first."""
    authorize(request, "inventory.view_stockbatch")
    return list_or_export(
        request,
        queries.batches(**filters.dict()),
        page,
        export,
        allowed_ordering={"exp_date", "batch_number"},
        default_ordering=["exp_date", "batch_number"],
        schema=BatchOut,
        filename="batches",
    )


@router.post("/batches", response={201: BatchOut})
def create_batch(request, body: BatchIn):
    """A batch of a product; its number is unique per product."""
    actor = authorize(request, "inventory.add_stockbatch")
    row = warehouses.create_batch(actor=actor.user, data=warehouses.BatchInput(**body.dict()))
    return Status(201, queries.access_batch(row.pk))


# --- stock entries ------------------------------------------------------------------------------------------------


@router.get("/stock-entries", response=StockEntryPage)
def list_stock_entries(
    request, page: Query[PageParams], export: Query[ExportParams], filters: Query[StockEntryFilters]
):
    """The stock entries, latest first."""
    authorize(request, "inventory.view_stockentry")
    return list_or_export(
        request,
        queries.stock_entries(**filters.dict()),
        page,
        export,
        allowed_ordering={"date", "number", "created_at"},
        default_ordering=["-date", "-created_at"],
        schema=StockEntryOut,
        filename="stock-entries",
    )


@router.post("/stock-entries", response={201: StockEntryDetail})
def create_stock_entry(request, body: StockEntryIn):
    """A DRAFT stock entry; `post: true` posts it at once (its movements and its journal entry)."""
    actor = authorize(request, "inventory.add_stockentry")
    if body.post:
        authorize(request, "inventory.post_stockentry")
    values = body.dict(exclude={"lines"})
    lines = [entries.StockEntryLineInput(**line.dict()) for line in body.lines]
    row = entries.create_stock_entry(actor=actor.user, data=entries.StockEntryInput(**values, lines=lines))
    return Status(201, queries.access_stock_entry(row.pk))


@router.get("/stock-entries/{entry_id}", response=StockEntryDetail)
def get_stock_entry(request, entry_id: uuid.UUID):
    """One stock entry with its lines."""
    authorize(request, "inventory.view_stockentry")
    return queries.access_stock_entry(entry_id)


@router.post("/stock-entries/{entry_id}/post", response=StockEntryDetail)
def post_stock_entry(request, entry_id: uuid.UUID):
    """DRAFT → POSTED: its movements, its journal entry and its number."""
    actor = authorize(request, "inventory.post_stockentry")
    queries.access_stock_entry(entry_id)
    entries.post_stock_entry(actor=actor.user, entry_id=entry_id)
    return queries.access_stock_entry(entry_id)


@router.post("/stock-entries/{entry_id}/cancel", response=StockEntryDetail)
def cancel_stock_entry(request, entry_id: uuid.UUID, body: ReasonIn | None = None):
    """DRAFT → CANCELLED."""
    actor = authorize(request, "inventory.change_stockentry")
    queries.access_stock_entry(entry_id)
    entries.cancel_stock_entry(actor=actor.user, entry_id=entry_id, reason=body.reason if body else "")
    return queries.access_stock_entry(entry_id)


# --- the ledger and the balances ----------------------------------------------------------------------------------


@router.get("/movements", response=MovementPage)
def list_movements(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[MovementFilters]):
    """The stock ledger, oldest first."""
    authorize(request, "inventory.view_stockmovement")
    return list_or_export(
        request,
        queries.movements(**filters.dict()),
        page,
        export,
        allowed_ordering={"movement_date"},
        default_ordering=["movement_date"],
        schema=MovementOut,
        filename="stock-movements",
    )


@router.get("/stock-balance", response=BalancePage)
def stock_balance(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[BalanceFilters]):
    """On hand, reserved, available and value per (product, warehouse, batch)."""
    authorize(request, "inventory.view_stockbalance")
    return list_or_export(
        request,
        queries.stock_balance(**filters.dict()),
        page,
        export,
        allowed_ordering={"product__code", "warehouse__path"},
        default_ordering=["product__code", "warehouse__path"],
        schema=BalanceOut,
        filename="stock-balance",
    )


# --- reservations -------------------------------------------------------------------------------------------------


@router.get("/reservations", response=ReservationPage)
def list_reservations(
    request, page: Query[PageParams], export: Query[ExportParams], filters: Query[ReservationFilters]
):
    """The reservations, latest first."""
    authorize(request, "inventory.view_stockreservation")
    return list_or_export(
        request,
        queries.reservations(**filters.dict()),
        page,
        export,
        allowed_ordering={"created_at"},
        default_ordering=["-created_at"],
        schema=ReservationOut,
        filename="reservations",
    )


@router.post("/reservations", response={201: ReservationOut})
def reserve_stock(request, body: ReservationIn):
    """Hold stock for a document: 409 `insufficient_stock` when less is available."""
    actor = authorize(request, "inventory.add_stockreservation")
    row = reservations.reserve_stock(actor=actor.user, data=reservations.ReservationInput(**body.dict()))
    return Status(201, queries.access_reservation(row.pk))


@router.post("/reservations/{reservation_id}/release", response=ReservationOut)
def release_reservation(request, reservation_id: uuid.UUID, body: ReasonIn | None = None):
    """ACTIVE → RELEASED: the stock is available again."""
    actor = authorize(request, "inventory.change_stockreservation")
    queries.access_reservation(reservation_id)
    reservations.release_reservation(
        actor=actor.user, reservation_id=reservation_id, reason=body.reason if body else ""
    )
    return queries.access_reservation(reservation_id)


@router.post("/reservations/{reservation_id}/consume", response=ReservationOut)
def consume_reservation(request, reservation_id: uuid.UUID):
    """ACTIVE → CONSUMED: the stock leaves with its document."""
    actor = authorize(request, "inventory.change_stockreservation")
    queries.access_reservation(reservation_id)
    reservations.consume_reservation(actor=actor.user, reservation_id=reservation_id)
    return queries.access_reservation(reservation_id)


# --- stock counts -------------------------------------------------------------------------------------------------


@router.get("/stock-counts", response=StockCountPage)
def list_stock_counts(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[StockCountFilters]):
    """The stock counts, latest first."""
    authorize(request, "inventory.view_stockcount")
    return list_or_export(
        request,
        queries.stock_counts(**filters.dict()),
        page,
        export,
        allowed_ordering={"count_date", "created_at"},
        default_ordering=["-count_date", "-created_at"],
        schema=StockCountOut,
        filename="stock-counts",
    )


@router.post("/stock-counts", response={201: StockCountDetail})
def create_stock_count(request, body: StockCountIn):
    """A DRAFT count of a warehouse."""
    actor = authorize(request, "inventory.add_stockcount")
    row = counts.create_stock_count(actor=actor.user, data=counts.StockCountInput(**body.dict()))
    return Status(201, queries.access_stock_count(row.pk))


@router.get("/stock-counts/{count_id}", response=StockCountDetail)
def get_stock_count(request, count_id: uuid.UUID):
    """One count with its lines: the snapshot, what was counted and the difference."""
    authorize(request, "inventory.view_stockcount")
    return queries.access_stock_count(count_id)


@router.post("/stock-counts/{count_id}/start", response=StockCountDetail)
def start_stock_count(request, count_id: uuid.UUID):
    """DRAFT → IN_PROGRESS: what the books hold at the warehouse, snapshotted."""
    actor = authorize(request, "inventory.change_stockcount")
    queries.access_stock_count(count_id)
    counts.start_stock_count(actor=actor.user, count_id=count_id)
    return queries.access_stock_count(count_id)


@router.post("/stock-counts/{count_id}/counts", response=StockCountDetail)
def record_counts(request, count_id: uuid.UUID, body: CountsIn):
    """Record what was counted (a product not on the list is added)."""
    actor = authorize(request, "inventory.change_stockcount")
    queries.access_stock_count(count_id)
    lines = [counts.CountedLine(**line.dict()) for line in body.lines]
    counts.record_counts(actor=actor.user, count_id=count_id, lines=lines)
    return queries.access_stock_count(count_id)


@router.post("/stock-counts/{count_id}/complete", response=StockCountDetail)
def complete_stock_count(request, count_id: uuid.UUID):
    """IN_PROGRESS → COMPLETED: every difference posted as an adjustment, in one journal entry."""
    actor = authorize(request, "inventory.complete_stockcount")
    queries.access_stock_count(count_id)
    counts.complete_stock_count(actor=actor.user, count_id=count_id)
    return queries.access_stock_count(count_id)


@router.post("/stock-counts/{count_id}/cancel", response=StockCountDetail)
def cancel_stock_count(request, count_id: uuid.UUID, body: ReasonIn | None = None):
    """DRAFT or IN_PROGRESS → CANCELLED."""
    actor = authorize(request, "inventory.change_stockcount")
    queries.access_stock_count(count_id)
    counts.cancel_stock_count(actor=actor.user, count_id=count_id, reason=body.reason if body else "")
    return queries.access_stock_count(count_id)


# --- reports ------------------------------------------------------------------------------------------------------


@router.get("/reports/stock-ledger", response=LedgerOut)
def stock_ledger(request, params: Query[LedgerParams]):
    """One product's movements between two dates, after its opening figures, with running quantity and value."""
    authorize(request, "inventory.view_stockmovement")
    return reports.stock_ledger(**params.dict())


@router.get("/reports/stock-on-hand", response=OnHandOut)
def stock_on_hand(request, params: Query[OnHandParams]):
    """Quantity and value per product and warehouse as of a date (the stock valuation)."""
    authorize(request, "inventory.view_stockbalance")
    return reports.stock_on_hand(**params.dict())


@router.get("/reports/reorder", response=ReorderOut)
def reorder_report(request):
    """Products at or below their reorder point, with the quantity to order."""
    authorize(request, "inventory.view_stockbalance")
    return {"rows": reports.reorder_report()}


@router.get("/reports/expiry", response=ExpiryOut)
def expiry_report(request, params: Query[ExpiryParams]):
    """Stock in batches expiring before a date."""
    authorize(request, "inventory.view_stockbalance")
    before = params.before or timezone.localdate() + datetime.timedelta(days=30)
    return {"before": before, "rows": reports.expiry_report(before=before)}


@router.get("/reports/inventory-status", response=StatusOut)
def inventory_status(request, params: Query[StatusParams]):
    """The inventory_status view: stock level, reservations, status, margin and value at standard cost."""
    authorize(request, "inventory.view_stockbalance")
    return {"rows": reports.inventory_status(**params.dict())}
