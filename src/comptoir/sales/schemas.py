"""Request and response shapes of the sales API. Quantities, rates and amounts are decimal strings; references
take an id or a code (a party's number, a product's, a warehouse's or a tax rate's code)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comptoir.platform.schemas.base import AmountString, DecimalString, Input, Page
from comptoir.sales.constants import OrderStatus, PaymentTerms, Priority

QUANTITY = {"gt": 0, "max_digits": 18, "decimal_places": 3}
RATE = {"ge": 0, "max_digits": 18, "decimal_places": 4}
PCT = {"ge": 0, "le": 100, "max_digits": 6, "decimal_places": 2}
AMOUNT = {"ge": 0, "max_digits": 18, "decimal_places": 2}


class OrderLineIn(Input):
    product: str = Field(min_length=1, description="id or code")
    quantity: Decimal = Field(**QUANTITY)
    unit_rate: Decimal | None = Field(None, description="default: the catalog's price for the party", **RATE)
    discount_pct: Decimal = Field(Decimal(0), **PCT)
    tax_rate: str | None = Field(None, description="id or code; default: the product's")
    description: str = Field("", max_length=255)
    warehouse: str | None = Field(None, description="id or code; default: the order's")
    notes: str = Field("", max_length=5000)


class _OrderFields(Input):
    warehouse: str | None = Field(None, description="id or code of the warehouse the goods leave from")
    currency: str | None = Field(None, min_length=3, max_length=3, description="ISO code; default: the party's")
    prices_include_tax: bool = False
    priority: Priority = Priority.NORMAL
    category: str = Field("", max_length=50)
    required_date: datetime.date | None = None
    promised_date: datetime.date | None = None
    delivery_date: datetime.date | None = None
    customer_po_number: str = Field("", max_length=50)
    payment_terms: PaymentTerms | None = None
    shipping_method: str = Field("", max_length=100)
    shipping_cost: Decimal = Field(Decimal(0), **AMOUNT)
    discount_amount: Decimal = Field(Decimal(0), **AMOUNT)
    terms_and_conditions: str = Field("", max_length=10000)
    notes: str = Field("", max_length=5000)
    internal_notes: str = Field("", max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=20)


class OrderIn(_OrderFields):
    party: str = Field(min_length=1, description="id or number of a customer")
    order_date: datetime.date
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)


class OrderPatchIn(Input):
    order_date: datetime.date = None
    warehouse: str | None = None
    currency: str = Field(None, min_length=3, max_length=3)
    prices_include_tax: bool = None
    priority: Priority = None
    category: str = Field(None, max_length=50)
    required_date: datetime.date | None = None
    promised_date: datetime.date | None = None
    delivery_date: datetime.date | None = None
    customer_po_number: str = Field(None, max_length=50)
    payment_terms: PaymentTerms = None
    shipping_method: str = Field(None, max_length=100)
    shipping_cost: Decimal = Field(None, **AMOUNT)
    discount_amount: Decimal = Field(None, **AMOUNT)
    terms_and_conditions: str = Field(None, max_length=10000)
    notes: str = Field(None, max_length=5000)
    internal_notes: str = Field(None, max_length=5000)
    tags: list[str] = Field(None, max_length=20)
    lines: list[OrderLineIn] = Field(None, min_length=1, max_length=500)


class ConfirmIn(Input):
    override_credit_limit: bool = Field(False, description="needs sales.override_credit_limit")


class ReasonIn(Input):
    reason: str = Field("", max_length=1000)


class OrderFilters(Schema):
    status: OrderStatus | None = None
    party: str | None = Field(None, description="id or number")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str | None = Field(None, description="part of the number, the party's name or the customer's PO number")


class OrderLineOut(Schema):
    id: uuid.UUID
    line_no: int
    product: uuid.UUID
    product_code: str
    product_name: str
    description: str
    quantity: DecimalString
    uom: str
    unit_rate: DecimalString
    price_source: str
    discount_pct: DecimalString
    discount_amount: AmountString
    tax_rate: str | None
    tax_pct: DecimalString
    net_amount: AmountString
    tax_amount: AmountString
    gross_amount: AmountString
    warehouse: str | None
    shipped_quantity: DecimalString
    delivered_quantity: DecimalString
    invoiced_quantity: DecimalString
    returned_quantity: DecimalString
    unit_cost: DecimalString | None
    is_goods: bool

    @staticmethod
    def resolve_product(obj):
        return obj.product_id

    @staticmethod
    def resolve_uom(obj):
        return obj.uom.symbol

    @staticmethod
    def resolve_tax_rate(obj):
        return obj.tax_rate.code if obj.tax_rate_id else None

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.code if obj.warehouse_id else None


class OrderOut(Schema):
    id: uuid.UUID
    order_number: str
    status: str
    party: uuid.UUID
    party_name: str
    order_date: datetime.date
    currency: str
    warehouse: str | None
    priority: str
    subtotal: AmountString
    tax_amount: AmountString
    discount_amount: AmountString
    shipping_cost: AmountString
    total_amount: AmountString
    customer_po_number: str
    shipped_date: datetime.date | None
    delivered_date: datetime.date | None
    version: int

    @staticmethod
    def resolve_party(obj):
        return obj.party_id

    @staticmethod
    def resolve_party_name(obj):
        return obj.party.name

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code

    @staticmethod
    def resolve_warehouse(obj):
        return obj.warehouse.code if obj.warehouse_id else None


class OrderDetail(OrderOut):
    held_status: str
    prices_include_tax: bool
    category: str
    required_date: datetime.date | None
    promised_date: datetime.date | None
    delivery_date: datetime.date | None
    payment_terms: str
    shipping_method: str
    shipping_address: dict
    billing_address: dict
    approved_at: datetime.datetime | None
    credit_override: bool
    terms_and_conditions: str
    notes: str
    internal_notes: str
    tags: list[str]
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class OrderPage(Page):
    items: list[OrderOut]


class InvoiceableOut(Schema):
    order_item_id: uuid.UUID
    line_no: int
    product_code: str
    description: str
    is_goods: bool
    ordered: DecimalString
    delivered: DecimalString
    returned: DecimalString
    invoiced: DecimalString
    invoiceable: DecimalString
    unit_rate: DecimalString
    discount_pct: DecimalString
    tax_pct: DecimalString
