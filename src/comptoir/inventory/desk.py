"""The inventory in the desk (DESIGN §9): warehouses (list in tree order, detail, create and edit), stock entries
(list, detail with its lines and movements' values, a form with a line grid that saves a draft or posts, post and
cancel), stock counts (create, start, record a count, complete, cancel), the stock on hand per product, warehouse and
batch, and the stock ledger. Forms parse the API's input schemas and call what the API calls."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
from comptoir.inventory.constants import StockCountStatus, StockEntryStatus, StockEntryType, WarehouseType
from comptoir.inventory.queries import stock as queries
from comptoir.inventory.schemas import (
    BalanceFilters,
    CountedLineIn,
    MovementFilters,
    ReasonIn,
    StockCountFilters,
    StockCountIn,
    StockEntryFilters,
    StockEntryIn,
    WarehouseFilters,
    WarehouseIn,
    WarehousePatch,
)
from comptoir.inventory.services import counts, entries, warehouses

WAREHOUSES = "inventory.warehouses"
PRODUCTS = "catalog.products"


def find_warehouses(query: str, limit: int) -> list[SearchHit]:
    """Warehouses whose code starts with the query, or whose name contains it."""
    rows = queries.warehouses(search=query).order_by("code")[:limit]
    return [
        SearchHit(_("Warehouse"), f"{w.code} {w.name}", str(w.get_type_display()),
                  record_url("inventory", "warehouses", w.pk), w.code)
        for w in rows
    ]  # fmt: skip


# --- warehouses ---------------------------------------------------------------------------------------------------

WAREHOUSE_FIELDS = (
    Field("code", _("Code"), required=True),
    Field("name", _("Name"), required=True, wide=True),
    Field("type", _("Type"), widget="select", required=True, choices=choices_of(WarehouseType)),
    Field("parent", _("Inside warehouse"), widget="picker", picker=WAREHOUSES),
    Field("inventory_account", _("Inventory account"), help=_("Code of a stock account; empty: the system one.")),
    Field("capacity", _("Capacity"), widget="decimal"),
    Field("description", _("Description"), widget="textarea", wide=True),
)


def _warehouse_initial(w) -> dict:
    if w is None:
        return {"type": WarehouseType.MAIN}
    return {
        "code": w.code,
        "name": w.name,
        "type": w.type,
        "parent": w.parent.code if w.parent_id else "",
        "inventory_account": w.inventory_account.code if w.inventory_account_id else "",
        "capacity": "" if w.capacity is None else w.capacity,
        "description": w.description,
    }


warehouses_view = DeskView(
    slug="warehouses",
    label=_("Warehouses"),
    singular=_("warehouse"),
    model="inventory.warehouse",
    permission="inventory.view_warehouse",
    query=queries.warehouses,
    get=queries.access_warehouse,
    filters=WarehouseFilters,
    filter_labels={
        "search": _("Code or name"),
        "type": _("Type"),
        "parent": _("Inside warehouse (code)"),
        "is_active": _("Active"),
    },
    columns=(
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("type", _("Type"), kind="choice"),
        Column("parent.code", _("Inside")),
        Column("inventory_account.code", _("Inventory account")),
        Column("is_active", _("Active"), kind="bool"),
    ),
    ordering=("path",),
    title=lambda w: f"{w.code} {w.name}",
    header=(
        Column("type", _("Type"), kind="choice"),
        Column("parent.name", _("Inside")),
        Column("inventory_account.code", _("Inventory account")),
        Column("capacity", _("Capacity"), kind="number"),
        Column("is_active", _("Active"), kind="bool"),
        Column("description", _("Description")),
    ),
    create=FormSpec(
        schema=WarehouseIn,
        fields=WAREHOUSE_FIELDS,
        permission="inventory.add_warehouse",
        initial=_warehouse_initial,
        prepare=blank_is_none,
        save=lambda actor, body, obj: warehouses.create_warehouse(
            actor=actor.user, data=warehouses.WarehouseInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=WarehousePatch,
        fields=WAREHOUSE_FIELDS,
        permission="inventory.change_warehouse",
        initial=_warehouse_initial,
        save=lambda actor, body, obj: warehouses.update_warehouse(
            actor=actor.user, warehouse_id=obj.pk, changes=warehouses.WarehousePatch.from_schema(body)
        ),
    ),
    related=lambda w: [(_("Stock held here"), f"/inventory/stock/?warehouse={w.code}")],
    empty=_("No warehouse yet: create the first one, then its bins inside it."),
    export_name="warehouses",
)


# --- stock entries ------------------------------------------------------------------------------------------------

ENTRY_LINES = LineGrid(
    name="lines",
    label=_("Lines"),
    fields=(
        Field("product", _("Product"), widget="picker", picker=PRODUCTS, required=True),
        Field("quantity", _("Quantity"), widget="decimal", required=True),
        Field("from_warehouse", _("From warehouse"), widget="picker", picker=WAREHOUSES),
        Field("to_warehouse", _("To warehouse"), widget="picker", picker=WAREHOUSES),
        Field("unit_cost", _("Unit cost"), widget="decimal"),
        Field("batch", _("Batch")),
    ),
    min_rows=1,
)


def _save_entry(actor, body):
    values = body.dict(exclude={"lines"})
    lines = [entries.StockEntryLineInput(**line.dict()) for line in body.lines]
    return entries.create_stock_entry(actor=actor.user, data=entries.StockEntryInput(**values, lines=lines))


stock_entries_view = DeskView(
    slug="stock-entries",
    label=_("Stock entries"),
    singular=_("stock entry"),
    model="inventory.stockentry",
    permission="inventory.view_stockentry",
    query=queries.stock_entries,
    get=queries.access_stock_entry,
    filters=StockEntryFilters,
    filter_labels={"entry_type": _("Kind"), "status": _("Status"), "date_from": _("From"), "date_to": _("To")},
    columns=(
        Column("number", _("Number"), sort="number"),
        Column("date", _("Date"), kind="date", sort="date"),
        Column("entry_type", _("Kind"), kind="choice"),
        Column("reference", _("Reference")),
        Column("total_value", _("Value"), kind="amount"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-date",),
    title=lambda e: (
        e.number or _("Draft %(kind)s of %(date)s") % {"kind": e.get_entry_type_display(), "date": e.date.isoformat()}
    ),
    status="status",
    header=(
        Column("entry_type", _("Kind"), kind="choice"),
        Column("date", _("Date"), kind="date"),
        Column("reference", _("Reference")),
        Column("account.code", _("Other account")),
        Column("total_value", _("Value"), kind="amount"),
        Column("journal_entry.entry_number", _("Journal entry")),
        Column("notes", _("Notes")),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda e: list(e.lines.all()),
        columns=(
            Column("product.code", _("Product")),
            Column("quantity", _("Quantity"), kind="number"),
            Column("from_warehouse.code", _("From warehouse")),
            Column("to_warehouse.code", _("To warehouse")),
            Column("batch.batch_number", _("Batch")),
            Column("unit_cost", _("Unit cost"), kind="number"),
            Column("value", _("Value"), kind="amount"),
        ),
        totals=("value",),
    ),
    create=FormSpec(
        schema=StockEntryIn,
        fields=(
            Field("entry_type", _("Kind"), widget="select", required=True, choices=choices_of(StockEntryType)),
            Field("date", _("Date"), widget="date", required=True),
            Field("reference", _("Reference")),
            Field("account", _("Other account"), help=_("Code; empty: the account of the kind (settings).")),
            Field("notes", _("Notes"), widget="textarea", wide=True),
        ),
        lines=ENTRY_LINES,
        permission="inventory.add_stockentry",
        initial=lambda e: {"entry_type": StockEntryType.RECEIPT, "date": timezone.localdate().isoformat()},
        prepare=blank_is_none,
        buttons=((_("Save and post"), {"post": True}), (_("Save draft"), {"post": False})),
        save=lambda actor, body, obj: _save_entry(actor, body),
    ),
    actions=(
        Action(
            "post",
            _("Post"),
            "inventory.post_stockentry",
            run=lambda actor, obj, body: entries.post_stock_entry(actor=actor.user, entry_id=obj.pk),
            when=lambda e: e.status == StockEntryStatus.DRAFT,
            bulk=True,
        ),
        Action(
            "cancel",
            _("Cancel"),
            "inventory.change_stockentry",
            run=lambda actor, obj, body: entries.cancel_stock_entry(actor=actor.user, entry_id=obj.pk),
            when=lambda e: e.status == StockEntryStatus.DRAFT,
            confirm=_("Cancel this draft stock entry?"),
            style="danger",
        ),
    ),
    related=lambda e: (
        [(_("Its journal entry"), record_url("accounting", "journal-entries", e.journal_entry_id))]
        if e.journal_entry_id
        else []
    ),
    empty=_("No stock entry yet: receive stock with “New stock entry”."),
    export_name="stock-entries",
)


# --- stock counts -------------------------------------------------------------------------------------------------


def _record(actor, count, body):
    line = counts.CountedLine(**body.dict())
    return counts.record_counts(actor=actor.user, count_id=count.pk, lines=[line])


stock_counts_view = DeskView(
    slug="stock-counts",
    label=_("Stock counts"),
    singular=_("stock count"),
    model="inventory.stockcount",
    permission="inventory.view_stockcount",
    query=queries.stock_counts,
    get=queries.access_stock_count,
    filters=StockCountFilters,
    filter_labels={"status": _("Status"), "warehouse": _("Warehouse (code)")},
    columns=(
        Column("count_number", _("Number")),
        Column("count_date", _("Date"), kind="date", sort="count_date"),
        Column("warehouse.code", _("Warehouse")),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-count_date",),
    title=lambda c: (
        c.count_number
        or _("Count of %(warehouse)s on %(date)s") % {"warehouse": c.warehouse.code, "date": c.count_date.isoformat()}
    ),  # fmt: skip
    status="status",
    header=(
        Column("warehouse.name", _("Warehouse")),
        Column("count_date", _("Date"), kind="date"),
        Column("journal_entry.entry_number", _("Journal entry")),
        Column("notes", _("Notes")),
    ),
    lines=LineTable(
        label=_("Lines"),
        rows=lambda c: list(c.lines.all()),
        columns=(
            Column("product.code", _("Product")),
            Column("batch.batch_number", _("Batch")),
            Column("system_quantity", _("In the books"), kind="number"),
            Column("counted_quantity", _("Counted"), kind="number"),
            Column("difference", _("Difference"), kind="number"),
        ),
    ),
    create=FormSpec(
        schema=StockCountIn,
        fields=(
            Field("warehouse", _("Warehouse"), widget="picker", picker=WAREHOUSES, required=True),
            Field("count_date", _("Date"), widget="date", required=True),
            Field("notes", _("Notes"), widget="textarea", wide=True),
        ),
        permission="inventory.add_stockcount",
        initial=lambda c: {"count_date": timezone.localdate().isoformat()},
        save=lambda actor, body, obj: counts.create_stock_count(
            actor=actor.user, data=counts.StockCountInput(**body.dict())
        ),
    ),
    actions=(
        Action(
            "start",
            _("Start counting"),
            "inventory.change_stockcount",
            run=lambda actor, obj, body: counts.start_stock_count(actor=actor.user, count_id=obj.pk),
            when=lambda c: c.status == StockCountStatus.DRAFT,
        ),
        Action(
            "record",
            _("Record a count"),
            "inventory.change_stockcount",
            run=_record,
            when=lambda c: c.status == StockCountStatus.IN_PROGRESS,
            fields=(
                Field("product", _("Product"), widget="picker", picker=PRODUCTS, required=True),
                Field("batch", _("Batch")),
                Field("counted_quantity", _("Counted"), widget="decimal", required=True),
            ),
            schema=CountedLineIn,
        ),
        Action(
            "complete",
            _("Complete and post the differences"),
            "inventory.complete_stockcount",
            run=lambda actor, obj, body: counts.complete_stock_count(actor=actor.user, count_id=obj.pk),
            when=lambda c: c.status == StockCountStatus.IN_PROGRESS,
            confirm=_("Post every difference as an adjustment?"),
        ),
        Action(
            "cancel",
            _("Cancel"),
            "inventory.change_stockcount",
            run=lambda actor, obj, body: counts.cancel_stock_count(
                actor=actor.user, count_id=obj.pk, reason=body.reason if body else ""
            ),
            when=lambda c: c.status in (StockCountStatus.DRAFT, StockCountStatus.IN_PROGRESS),
            fields=(Field("reason", _("Reason"), widget="textarea", wide=True),),
            schema=ReasonIn,
            style="danger",
        ),
    ),
    empty=_("No stock count yet: count a warehouse with “New stock count”."),
    export_name="stock-counts",
)


# --- stock on hand and the ledger ---------------------------------------------------------------------------------

stock_view = DeskView(
    slug="stock",
    label=_("Stock on hand"),
    singular=_("stock balance"),
    model="inventory.stockbalance",
    permission="inventory.view_stockbalance",
    query=queries.stock_balance,
    get=queries.access_balance,
    filters=BalanceFilters,
    filter_labels={"product": _("Product (code)"), "warehouse": _("Warehouse (code), with its bins")},
    columns=(
        Column("product.code", _("Product"), sort="product__code"),
        Column("product.name", _("Name")),
        Column("warehouse.code", _("Warehouse"), sort="warehouse__path"),
        Column("batch.batch_number", _("Batch")),
        Column("quantity", _("On hand"), kind="number"),
        Column("reserved_quantity", _("Reserved"), kind="number"),
        Column("available", _("Available"), kind="number"),
        Column("value", _("Value"), kind="amount"),
    ),
    ordering=("product__code", "warehouse__path"),
    title=lambda b: f"{b.product.code} · {b.warehouse.code}",
    header=(
        Column("product.name", _("Product")),
        Column("warehouse.name", _("Warehouse")),
        Column("batch.batch_number", _("Batch")),
        Column("quantity", _("On hand"), kind="number"),
        Column("reserved_quantity", _("Reserved"), kind="number"),
        Column("available", _("Available"), kind="number"),
        Column("value", _("Value"), kind="amount"),
    ),
    related=lambda b: [
        (_("Its movements"), f"/inventory/movements/?product={b.product.code}&warehouse={b.warehouse.code}")
    ],
    history=False,
    empty=_("No stock yet: post a receipt."),
    export_name="stock-balance",
)

movements_view = DeskView(
    slug="movements",
    label=_("Stock ledger"),
    singular=_("movement"),
    model="inventory.stockmovement",
    permission="inventory.view_stockmovement",
    query=queries.movements,
    get=queries.access_movement,
    filters=MovementFilters,
    filter_labels={
        "product": _("Product (code)"),
        "warehouse": _("Warehouse (code)"),
        "movement_type": _("Kind"),
        "date_from": _("From"),
        "date_to": _("To"),
    },
    columns=(
        Column("movement_date", _("Date"), kind="date", sort="movement_date"),
        Column("movement_type", _("Kind"), kind="choice"),
        Column("product.code", _("Product")),
        Column("from_warehouse.code", _("From warehouse")),
        Column("to_warehouse.code", _("To warehouse")),
        Column("batch.batch_number", _("Batch")),
        Column("quantity", _("Quantity"), kind="number"),
        Column("rate", _("Unit rate"), kind="number"),
        Column("value", _("Value"), kind="amount"),
    ),
    ordering=("movement_date",),
    title=lambda m: f"{m.get_movement_type_display()} {m.product.code} {m.movement_date.isoformat()}",
    header=(
        Column("movement_type", _("Kind"), kind="choice"),
        Column("movement_date", _("Date"), kind="date"),
        Column("product.name", _("Product")),
        Column("quantity", _("Quantity"), kind="number"),
        Column("value", _("Value"), kind="amount"),
        Column("journal_entry.entry_number", _("Journal entry")),
    ),
    history=False,
    empty=_("No movement yet."),
    export_name="stock-movements",
)


DESK = Desk(
    views=(warehouses_view, stock_entries_view, stock_counts_view, stock_view, movements_view),
    search=(SearchSource(WAREHOUSES.split(".")[1], _("Warehouses"), "inventory.view_warehouse", find_warehouses),),
)
