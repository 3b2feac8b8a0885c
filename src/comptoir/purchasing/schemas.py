"""The API's shapes: inputs (reference fields take an id or a code; quantities and amounts are decimal strings)
and outputs."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Field, Schema

from comptoir.platform.schemas.base import AmountString, ClearableText, DecimalString, Input, Page
from comptoir.purchasing.constants import OrderStatus, Priority, ReceiptStatus, RequisitionStatus

QUANTITY = {"gt": 0, "max_digits": 18, "decimal_places": 3}
RATE = {"ge": 0, "max_digits": 18, "decimal_places": 4}
PCT = {"ge": 0, "le": 100, "max_digits": 6, "decimal_places": 2}
MONEY = {"ge": 0, "max_digits": 20, "decimal_places": 4}


class ReasonIn(Input):
    reason: str = Field("", max_length=1000)


# --- requisitions -------------------------------------------------------------------------------------------------


class RequisitionLineIn(Input):
    quantity: Decimal = Field(**QUANTITY)
    product: str | None = Field(None, description="id or code")
    item_name: str = Field("", max_length=255)
    description: str = Field("", max_length=5000)
    unit_price: Decimal = Field(Decimal(0), **RATE)


class RequisitionIn(Input):
    request_date: datetime.date
    lines: list[RequisitionLineIn] = Field(min_length=1, max_length=500)
    supplier: str | None = Field(None, description="id or number of a suggested supplier")
    required_date: datetime.date | None = None
    priority: Priority = Priority.NORMAL
    description: str = Field("", max_length=5000)


class ConversionIn(Input):
    order_date: datetime.date
    warehouse: str = Field(min_length=1, description="id or code")
    party: str | None = Field(None, description="id or number; default: the requisition's supplier")
    use_estimates: bool = False


class RequisitionFilters(Schema):
    status: RequisitionStatus | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str | None = None


class RequisitionLineOut(Schema):
    line_no: int
    product: uuid.UUID | None = Field(None, alias="product_id")
    item_name: str
    description: str
    quantity: DecimalString
    unit_price: DecimalString
    total_price: AmountString


class RequisitionOut(Schema):
    id: uuid.UUID
    requisition_number: str
    status: str
    requested_by: uuid.UUID = Field(alias="requested_by_id")
    supplier: uuid.UUID | None = Field(None, alias="supplier_id")
    request_date: datetime.date
    required_date: datetime.date | None
    priority: str
    description: str
    approved_by: uuid.UUID | None = Field(None, alias="approved_by_id")
    approved_at: datetime.datetime | None
    purchase_order: uuid.UUID | None = Field(None, alias="purchase_order_id")
    total_amount: AmountString


class RequisitionDetail(RequisitionOut):
    lines: list[RequisitionLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class RequisitionPage(Page):
    items: list[RequisitionOut]


# --- orders -------------------------------------------------------------------------------------------------------


class OrderLineIn(Input):
    product: str = Field(min_length=1, description="id or code")
    quantity: Decimal = Field(**QUANTITY)
    unit_rate: Decimal | None = Field(None, description="default: the supplier's buying price", **RATE)
    discount_pct: Decimal = Field(Decimal(0), **PCT)
    tax_rate: str | None = Field(None, description="id or code")
    warehouse: str | None = Field(None, description="id or code; default: the order's")
    description: str = Field("", max_length=255)


class OrderIn(Input):
    party: str = Field(min_length=1, description="id or number of a supplier")
    order_date: datetime.date
    warehouse: str = Field(min_length=1, description="id or code of the delivery warehouse")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=1000)
    currency: str | None = Field(None, min_length=3, max_length=3)
    exchange_rate: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=8)
    expected_date: datetime.date | None = None
    supplier_quote_ref: str = Field("", max_length=50)
    shipping_cost: Decimal = Field(Decimal(0), **MONEY)
    terms_and_conditions: str = Field("", max_length=10000)
    notes: str = Field("", max_length=10000)


class OrderPatchIn(Input):
    party: str = Field(None, min_length=1)
    order_date: datetime.date = None
    warehouse: str = Field(None, min_length=1)
    lines: list[OrderLineIn] = Field(None, min_length=1, max_length=1000)
    exchange_rate: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=8)
    expected_date: datetime.date | None = None
    supplier_quote_ref: str = Field(None, max_length=50)
    shipping_cost: Decimal = Field(None, **MONEY)
    terms_and_conditions: ClearableText = Field(None, max_length=10000)
    notes: ClearableText = Field(None, max_length=10000)


class OrderFilters(Schema):
    status: OrderStatus | None = None
    party: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str | None = None


class OrderItemOut(Schema):
    id: uuid.UUID
    line_no: int
    product: uuid.UUID = Field(alias="product_id")
    product_code: str
    product_name: str
    description: str
    uom: str
    quantity: DecimalString
    unit_rate: DecimalString
    discount_pct: DecimalString
    discount_amount: AmountString
    tax_rate: str | None
    tax_pct: DecimalString
    net_amount: AmountString
    tax_amount: AmountString
    gross_amount: AmountString
    warehouse: str
    received_quantity: DecimalString
    billed_quantity: DecimalString
    returned_quantity: DecimalString

    @staticmethod
    def resolve_uom(obj):
        return obj.uom.symbol

    @staticmethod
    def resolve_tax_rate(obj):
        return obj.tax_rate.code if obj.tax_rate_id else None

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.code


class OrderOut(Schema):
    id: uuid.UUID
    order_number: str
    status: str
    party: uuid.UUID = Field(alias="party_id")
    party_name: str
    order_date: datetime.date
    expected_date: datetime.date | None
    currency: str
    exchange_rate: DecimalString
    warehouse: str
    supplier_quote_ref: str
    requisition: uuid.UUID | None = Field(None, alias="requisition_id")
    subtotal: AmountString
    tax_amount: AmountString
    discount_amount: AmountString
    shipping_cost: AmountString
    total_amount: AmountString
    approved_by: uuid.UUID | None = Field(None, alias="approved_by_id")
    approved_at: datetime.datetime | None
    created_by: uuid.UUID | None = Field(None, alias="created_by_id")
    notes: str
    terms_and_conditions: str
    version: int

    @staticmethod
    def resolve_party_name(obj):
        return obj.party.name

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.code


class OrderDetail(OrderOut):
    lines: list[OrderItemOut]
    receipts: list[uuid.UUID]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.items.all())

    @staticmethod
    def resolve_receipts(obj):
        return [r.pk for r in obj.receipts.all()]


class OrderPage(Page):
    items: list[OrderOut]


# --- receipts -----------------------------------------------------------------------------------------------------


class ReceiptLineIn(Input):
    order_item: uuid.UUID
    quantity: Decimal = Field(**QUANTITY)
    batch: str | None = Field(None, description="id or number of a batch of the item's product")


class ReceiptIn(Input):
    date: datetime.date
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=1000)
    supplier_delivery_note: str = Field("", max_length=100)
    notes: str = Field("", max_length=5000)


class ReceiptCancelIn(Input):
    reason: str = Field("", max_length=1000)
    date: datetime.date | None = None


class ReceiptFilters(Schema):
    status: ReceiptStatus | None = None
    order: uuid.UUID | None = None
    party: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class ReceiptLineOut(Schema):
    id: uuid.UUID
    line_no: int
    order_item: uuid.UUID = Field(alias="order_item_id")
    product: uuid.UUID = Field(alias="product_id")
    product_code: str
    warehouse: str
    batch: str | None
    quantity: DecimalString
    unit_cost: DecimalString
    value: AmountString
    returned_quantity: DecimalString

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.code

    @staticmethod
    def resolve_batch(obj):
        return obj.batch.batch_number if obj.batch_id else None


class ReceiptOut(Schema):
    id: uuid.UUID
    receipt_number: str | None
    status: str
    order: uuid.UUID = Field(alias="order_id")
    order_number: str
    party: uuid.UUID = Field(alias="party_id")
    date: datetime.date
    supplier_delivery_note: str
    journal_entry: uuid.UUID | None = Field(None, alias="journal_entry_id")
    reversal_entry: uuid.UUID | None = Field(None, alias="reversal_entry_id")
    total_value: AmountString

    @staticmethod
    def resolve_order_number(obj):
        return obj.order.order_number


class ReceiptDetail(ReceiptOut):
    lines: list[ReceiptLineOut]
    returns: list[uuid.UUID]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_returns(obj):
        return [r.pk for r in obj.returns.all()]


class ReceiptPage(Page):
    items: list[ReceiptOut]


# --- supplier returns ---------------------------------------------------------------------------------------------


class ReturnLineIn(Input):
    receipt_line: uuid.UUID
    quantity: Decimal = Field(**QUANTITY)


class ReturnIn(Input):
    date: datetime.date
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=1000)
    reason: str = Field("", max_length=5000)


class ReturnFilters(Schema):
    order: uuid.UUID | None = None
    receipt: uuid.UUID | None = None
    party: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class ReturnLineOut(Schema):
    line_no: int
    receipt_line: uuid.UUID = Field(alias="receipt_line_id")
    order_item: uuid.UUID = Field(alias="order_item_id")
    product_code: str
    quantity: DecimalString
    billed_quantity: DecimalString
    value: AmountString

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code


class ReturnOut(Schema):
    id: uuid.UUID
    return_number: str | None
    status: str
    receipt: uuid.UUID = Field(alias="receipt_id")
    order: uuid.UUID = Field(alias="order_id")
    party: uuid.UUID = Field(alias="party_id")
    date: datetime.date
    reason: str
    journal_entry: uuid.UUID | None = Field(None, alias="journal_entry_id")
    total_value: AmountString
    debit_note_amount: AmountString
    debit_note_pending: bool


class ReturnDetail(ReturnOut):
    lines: list[ReturnLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class ReturnPage(Page):
    items: list[ReturnOut]


class BillableLineOut(Schema):
    order_item: uuid.UUID = Field(alias="order_item_id")
    line_no: int
    product_code: str
    quantity: DecimalString
    received_quantity: DecimalString
    billed_quantity: DecimalString
    billable_quantity: DecimalString
    unit_rate: DecimalString
    net_unit_price: DecimalString
    tax_pct: DecimalString
    received_value: AmountString
    unit_cost: DecimalString
