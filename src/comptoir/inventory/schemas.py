"""Request and response shapes of the inventory API. Quantities, costs and amounts are decimal strings; references
take an id or a code (a warehouse's, a product's or an account's code; a batch's number)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comptoir.inventory.constants import (
    InventoryStatus,
    MovementType,
    ReservationStatus,
    StockCountStatus,
    StockEntryStatus,
    StockEntryType,
    WarehouseType,
)
from comptoir.platform.schemas.base import AmountString, ClearableText, DecimalString, Input, Page

QUANTITY = {"gt": 0, "max_digits": 18, "decimal_places": 3}
COST = {"ge": 0, "max_digits": 18, "decimal_places": 4}
CAPACITY = {"ge": 0, "max_digits": 15, "decimal_places": 2}

# --- warehouses ---------------------------------------------------------------------------------------------------


class WarehouseIn(Input):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    type: WarehouseType = WarehouseType.MAIN
    parent: str | None = Field(None, description="id or code of the parent warehouse (a bin's warehouse)")
    inventory_account: str | None = Field(None, description="id or code of a STOCK account; default: the system one")
    capacity: Decimal | None = Field(None, **CAPACITY)
    description: str = Field("", max_length=5000)


class WarehousePatch(Input):
    code: str = Field(None, min_length=1, max_length=50)
    name: str = Field(None, min_length=1, max_length=100)
    type: WarehouseType = None
    parent: str | None = Field(None, description="id or code of the new parent; null makes it a root")
    inventory_account: str | None = None
    capacity: Decimal | None = Field(None, **CAPACITY)
    description: ClearableText = Field(None, max_length=5000)
    is_active: bool = None


class WarehouseFilters(Schema):
    search: str | None = Field(None, description="start of the code or part of the name")
    type: WarehouseType | None = None
    parent: str | None = Field(None, description="id or code: its direct children")
    is_active: bool | None = None


class WarehouseOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    type: str
    parent: uuid.UUID | None
    depth: int
    inventory_account: str | None
    capacity: DecimalString | None
    description: str
    is_active: bool

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_inventory_account(obj):
        return obj.inventory_account.code if obj.inventory_account_id else None


class WarehousePage(Page):
    items: list[WarehouseOut]


# --- batches ------------------------------------------------------------------------------------------------------


class BatchIn(Input):
    product: str = Field(min_length=1, description="id or code of the product")
    batch_number: str = Field(min_length=1, max_length=100)
    mfg_date: datetime.date | None = None
    exp_date: datetime.date | None = None


class BatchFilters(Schema):
    product: str | None = None
    expires_before: datetime.date | None = None


class BatchOut(Schema):
    id: uuid.UUID
    product: uuid.UUID
    product_code: str
    batch_number: str
    mfg_date: datetime.date | None
    exp_date: datetime.date | None
    is_active: bool

    @staticmethod
    def resolve_product(obj):
        return obj.product_id

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code


class BatchPage(Page):
    items: list[BatchOut]


# --- stock entries ------------------------------------------------------------------------------------------------


class StockEntryLineIn(Input):
    product: str = Field(min_length=1, description="id or code")
    quantity: Decimal = Field(**QUANTITY)
    from_warehouse: str | None = Field(None, description="id or code; issues, transfers, adjustments out")
    to_warehouse: str | None = Field(None, description="id or code; receipts, transfers, adjustments in")
    unit_cost: Decimal | None = Field(None, description="incoming lines; default: the standard cost", **COST)
    batch: str | None = Field(None, description="id or number; an outgoing line without one is picked FEFO")


class StockEntryIn(Input):
    entry_type: StockEntryType
    date: datetime.date
    lines: list[StockEntryLineIn] = Field(min_length=1, max_length=1000)
    account: str | None = Field(None, description="id or code of the account on the other side of the books")
    reference: str = Field("", max_length=100)
    notes: str = Field("", max_length=5000)
    post: bool = False


class StockEntryFilters(Schema):
    entry_type: StockEntryType | None = None
    status: StockEntryStatus | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class StockEntryLineOut(Schema):
    line_no: int
    product: uuid.UUID
    product_code: str
    quantity: DecimalString
    from_warehouse: str | None
    to_warehouse: str | None
    unit_cost: DecimalString | None
    batch: str | None
    value: AmountString

    @staticmethod
    def resolve_product(obj):
        return obj.product_id

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code

    @staticmethod
    def resolve_from_warehouse(obj):
        return obj.from_warehouse.code if obj.from_warehouse_id else None

    @staticmethod
    def resolve_to_warehouse(obj):
        return obj.to_warehouse.code if obj.to_warehouse_id else None

    @staticmethod
    def resolve_batch(obj):
        return obj.batch.batch_number if obj.batch_id else None


class StockEntryOut(Schema):
    id: uuid.UUID
    number: str | None
    entry_type: str
    status: str
    date: datetime.date
    account: str | None
    reference: str
    notes: str
    journal_entry: uuid.UUID | None
    journal_entry_number: str | None
    total_value: AmountString

    @staticmethod
    def resolve_account(obj):
        return obj.account.code if obj.account_id else None

    @staticmethod
    def resolve_journal_entry(obj):
        return obj.journal_entry_id

    @staticmethod
    def resolve_journal_entry_number(obj):
        return obj.journal_entry.entry_number if obj.journal_entry_id else None


class StockEntryDetail(StockEntryOut):
    lines: list[StockEntryLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class StockEntryPage(Page):
    items: list[StockEntryOut]


class ReasonIn(Input):
    reason: str = Field("", max_length=1000)


# --- the ledger and the balances ----------------------------------------------------------------------------------


class MovementFilters(Schema):
    product: str | None = None
    warehouse: str | None = None
    movement_type: MovementType | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class MovementOut(Schema):
    id: uuid.UUID
    movement_date: datetime.date
    movement_type: str
    product: str
    from_warehouse: str | None
    to_warehouse: str | None
    batch: str | None
    quantity: DecimalString
    rate: DecimalString
    value: AmountString
    source_type: str
    source_id: uuid.UUID
    journal_entry: uuid.UUID | None

    @staticmethod
    def resolve_product(obj):
        return obj.product.code

    @staticmethod
    def resolve_from_warehouse(obj):
        return obj.from_warehouse.code if obj.from_warehouse_id else None

    @staticmethod
    def resolve_to_warehouse(obj):
        return obj.to_warehouse.code if obj.to_warehouse_id else None

    @staticmethod
    def resolve_batch(obj):
        return obj.batch.batch_number if obj.batch_id else None

    @staticmethod
    def resolve_journal_entry(obj):
        return obj.journal_entry_id


class MovementPage(Page):
    items: list[MovementOut]


class BalanceFilters(Schema):
    product: str | None = Field(None, description="id or code")
    warehouse: str | None = Field(None, description="id or code; includes its bins")


class BalanceOut(Schema):
    product: uuid.UUID
    product_code: str
    warehouse: uuid.UUID
    warehouse_code: str
    batch: str | None
    on_hand: DecimalString
    reserved: DecimalString
    available: DecimalString
    value: AmountString

    @staticmethod
    def resolve_product(obj):
        return obj.product_id

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse_id

    @staticmethod
    def resolve_warehouse_code(obj):
        return obj.warehouse.code

    @staticmethod
    def resolve_batch(obj):
        return obj.batch.batch_number if obj.batch_id else None

    @staticmethod
    def resolve_on_hand(obj):
        return obj.quantity

    @staticmethod
    def resolve_reserved(obj):
        return obj.reserved_quantity

    @staticmethod
    def resolve_available(obj):
        return obj.quantity - obj.reserved_quantity


class BalancePage(Page):
    items: list[BalanceOut]


# --- reservations -------------------------------------------------------------------------------------------------


class ReservationIn(Input):
    product: str = Field(min_length=1, description="id or code")
    warehouse: str = Field(min_length=1, description="id or code")
    quantity: Decimal = Field(**QUANTITY)
    batch: str | None = None
    expires_at: datetime.datetime | None = None
    source_type: str = Field("", max_length=50)
    source_id: uuid.UUID | None = None


class ReservationFilters(Schema):
    product: str | None = None
    warehouse: str | None = None
    status: ReservationStatus | None = None


class ReservationOut(Schema):
    id: uuid.UUID
    product: str
    warehouse: str
    batch: str | None
    quantity: DecimalString
    status: str
    expires_at: datetime.datetime | None
    source_type: str
    source_id: uuid.UUID | None

    @staticmethod
    def resolve_product(obj):
        return obj.product.code

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.code

    @staticmethod
    def resolve_batch(obj):
        return obj.batch.batch_number if obj.batch_id else None


class ReservationPage(Page):
    items: list[ReservationOut]


# --- stock counts -------------------------------------------------------------------------------------------------


class StockCountIn(Input):
    warehouse: str = Field(min_length=1, description="id or code")
    count_date: datetime.date
    notes: str = Field("", max_length=5000)


class CountedLineIn(Input):
    product: str = Field(min_length=1, description="id or code")
    counted_quantity: Decimal = Field(ge=0, max_digits=18, decimal_places=3)
    batch: str | None = None


class CountsIn(Input):
    lines: list[CountedLineIn] = Field(min_length=1, max_length=5000)


class StockCountFilters(Schema):
    status: StockCountStatus | None = None
    warehouse: str | None = None


class StockCountLineOut(Schema):
    product: str
    batch: str | None
    system_quantity: DecimalString
    counted_quantity: DecimalString | None
    difference: DecimalString | None

    @staticmethod
    def resolve_product(obj):
        return obj.product.code

    @staticmethod
    def resolve_batch(obj):
        return obj.batch.batch_number if obj.batch_id else None


class StockCountOut(Schema):
    id: uuid.UUID
    count_number: str | None
    warehouse: str
    count_date: datetime.date
    status: str
    journal_entry: uuid.UUID | None
    notes: str

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.code

    @staticmethod
    def resolve_journal_entry(obj):
        return obj.journal_entry_id


class StockCountDetail(StockCountOut):
    lines: list[StockCountLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class StockCountPage(Page):
    items: list[StockCountOut]


# --- reports ------------------------------------------------------------------------------------------------------


class LedgerParams(Schema):
    product: str = Field(description="id or code")
    warehouse: str | None = Field(None, description="id or code; includes its bins; default: every warehouse")
    date_from: datetime.date
    date_to: datetime.date


class Figures(Schema):
    quantity: DecimalString
    value: AmountString


class LedgerRow(Schema):
    date: datetime.date
    movement_type: str
    from_warehouse: str | None
    to_warehouse: str | None
    batch: str | None
    quantity: DecimalString
    rate: DecimalString
    value: AmountString
    running_quantity: DecimalString
    running_value: AmountString
    source_type: str
    source_id: uuid.UUID


class LedgerOut(Schema):
    product: str
    date_from: datetime.date
    date_to: datetime.date
    opening: Figures
    movements: list[LedgerRow]
    closing: Figures


class OnHandParams(Schema):
    as_of: datetime.date | None = Field(None, description="default: today (from the balance cache)")
    warehouse: str | None = None
    product: str | None = None


class OnHandRow(Schema):
    product: str
    product_name: str
    warehouse: str
    quantity: DecimalString
    value: AmountString


class OnHandOut(Schema):
    as_of: datetime.date
    rows: list[OnHandRow]
    total_value: AmountString


class ReorderRow(Schema):
    product: str
    name: str
    on_hand: DecimalString
    reserved: DecimalString
    available: DecimalString
    reorder_point: DecimalString
    to_order: DecimalString


class ReorderOut(Schema):
    rows: list[ReorderRow]


class ExpiryParams(Schema):
    before: datetime.date | None = Field(None, description="default: 30 days from today")


class ExpiryRow(Schema):
    product: str
    warehouse: str
    batch: str
    exp_date: datetime.date
    quantity: DecimalString
    value: AmountString


class ExpiryOut(Schema):
    before: datetime.date
    rows: list[ExpiryRow]


class StatusParams(Schema):
    status: InventoryStatus | None = None


class StatusRow(Schema):
    id: uuid.UUID
    code: str
    name: str
    type: str
    status: str
    stock_level: DecimalString
    reserved_quantity: DecimalString
    available_quantity: DecimalString
    min_stock_level: DecimalString
    reorder_point: DecimalString
    inventory_status: str
    price: DecimalString
    cost: DecimalString
    margin: DecimalString
    margin_percent: DecimalString
    inventory_value: DecimalString


class StatusOut(Schema):
    rows: list[StatusRow]
