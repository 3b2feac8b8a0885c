"""Request and response shapes of the logistics API. Quantities and amounts are decimal strings; a carrier is named
by its id or code, an order by its id or number, a warehouse by its id or code."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comptoir.logistics.constants import ShipmentStatus, TransportMode
from comptoir.platform.schemas.base import AmountString, ClearableText, DecimalString, Input, Page

QUANTITY = {"gt": 0, "max_digits": 18, "decimal_places": 3}
AMOUNT = {"ge": 0, "max_digits": 18, "decimal_places": 2}


class CarrierIn(Input):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    gstin: str = Field("", max_length=15)
    transport_id: str = Field("", max_length=50)
    tracking_url_template: str = Field("", max_length=500)


class CarrierPatch(Input):
    code: str = Field(None, min_length=1, max_length=50)
    name: str = Field(None, min_length=1, max_length=100)
    phone: ClearableText = Field(None, max_length=50)
    email: ClearableText = Field(None, max_length=254)
    gstin: ClearableText = Field(None, max_length=15)
    transport_id: ClearableText = Field(None, max_length=50)
    tracking_url_template: ClearableText = Field(None, max_length=500)
    is_active: bool = None


class CarrierFilters(Schema):
    search: str | None = None
    is_active: bool | None = None


class CarrierOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    phone: str
    email: str
    gstin: str
    transport_id: str
    tracking_url_template: str
    is_active: bool


class CarrierPage(Page):
    items: list[CarrierOut]


class _Tracking(Input):
    tracking_number: str = Field("", max_length=100)
    shipping_method: str = Field("", max_length=100)
    expected_delivery: datetime.date | None = None
    vehicle_number: str = Field("", max_length=50)
    driver_name: str = Field("", max_length=100)
    driver_phone: str = Field("", max_length=20)
    eway_bill_number: str = Field("", max_length=50, description="India: e-way bill number")
    eway_bill_date: datetime.date | None = None
    eway_bill_valid_until: datetime.date | None = None
    transport_mode: TransportMode | None = None
    transport_distance_km: int | None = Field(None, ge=0)
    shipping_cost: Decimal = Field(Decimal(0), **AMOUNT)
    notes: str = Field("", max_length=5000)


class ShipmentLineIn(Input):
    order_item: str = Field(min_length=1, description="id of a line of the order")
    quantity: Decimal = Field(**QUANTITY)
    package_number: str = Field("", max_length=50)


class ShipmentIn(_Tracking):
    sales_order: str = Field(min_length=1, description="id or number")
    shipped_date: datetime.date | None = None
    carrier: str | None = Field(None, description="id or code; none: the company's own delivery")
    from_warehouse: str | None = Field(None, description="id or code; default: the order's")
    lines: list[ShipmentLineIn] = Field(min_length=1, max_length=500)
    dispatch: bool = False


class ShipmentPatchIn(Input):
    carrier: str | None = None
    shipped_date: datetime.date | None = None
    tracking_number: ClearableText = Field(None, max_length=100)
    shipping_method: ClearableText = Field(None, max_length=100)
    expected_delivery: datetime.date | None = None
    vehicle_number: ClearableText = Field(None, max_length=50)
    driver_name: ClearableText = Field(None, max_length=100)
    driver_phone: ClearableText = Field(None, max_length=20)
    eway_bill_number: ClearableText = Field(None, max_length=50)
    eway_bill_date: datetime.date | None = None
    eway_bill_valid_until: datetime.date | None = None
    transport_mode: TransportMode | None = None
    transport_distance_km: int | None = Field(None, ge=0)
    shipping_cost: Decimal = Field(None, **AMOUNT)
    notes: ClearableText = Field(None, max_length=5000)


class DispatchIn(Input):
    shipped_date: datetime.date | None = None


class DeliverIn(Input):
    delivered_date: datetime.date | None = None


class ReasonIn(Input):
    reason: str = Field("", max_length=1000)


class ReturnLineIn(Input):
    shipment_item: str = Field(min_length=1, description="id of a line of the shipment")
    quantity: Decimal = Field(**QUANTITY)


class ReturnIn(Input):
    return_date: datetime.date | None = None
    to_warehouse: str | None = Field(None, description="id or code; default: the one it left from")
    reason: str = Field("", max_length=2000)
    lines: list[ReturnLineIn] = Field(default_factory=list, max_length=500, description="none: everything")


class ShipmentFilters(Schema):
    status: ShipmentStatus | None = None
    sales_order: str | None = Field(None, description="id or number")
    carrier: str | None = Field(None, description="id or code")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class ShipmentItemOut(Schema):
    id: uuid.UUID
    line_no: int
    order_item: uuid.UUID | None
    product: uuid.UUID
    product_code: str
    quantity: DecimalString
    uom: str
    batch: str | None
    package_number: str
    cost: AmountString
    picks: list[dict]
    returned_quantity: DecimalString

    @staticmethod
    def resolve_order_item(obj):
        return obj.order_item_id

    @staticmethod
    def resolve_product(obj):
        return obj.product_id

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code

    @staticmethod
    def resolve_uom(obj):
        return obj.uom.symbol

    @staticmethod
    def resolve_batch(obj):
        return obj.batch.batch_number if obj.batch_id else None


class ShipmentOut(Schema):
    id: uuid.UUID
    shipment_number: str | None
    status: str
    direction: str
    sales_order: uuid.UUID | None
    order_number: str | None
    party_name: str | None
    carrier: str | None
    from_warehouse: str
    shipped_date: datetime.date | None
    expected_delivery: datetime.date | None
    actual_delivery: datetime.date | None
    tracking_number: str
    total_cost: AmountString

    @staticmethod
    def resolve_sales_order(obj):
        return obj.sales_order_id

    @staticmethod
    def resolve_order_number(obj):
        return obj.sales_order.order_number if obj.sales_order_id else None

    @staticmethod
    def resolve_party_name(obj):
        return obj.sales_order.party.name if obj.sales_order_id else None

    @staticmethod
    def resolve_carrier(obj):
        return obj.carrier.code if obj.carrier_id else None

    @staticmethod
    def resolve_from_warehouse(obj):
        return obj.from_warehouse.code


class ShipmentDetail(ShipmentOut):
    shipping_method: str
    vehicle_number: str
    driver_name: str
    driver_phone: str
    eway_bill_number: str
    eway_bill_date: datetime.date | None
    eway_bill_valid_until: datetime.date | None
    transport_mode: str
    transport_distance_km: int | None
    shipping_cost: AmountString
    to_address_snapshot: dict
    journal_entry: uuid.UUID | None
    notes: str
    lines: list[ShipmentItemOut]
    returns: list[uuid.UUID]

    @staticmethod
    def resolve_journal_entry(obj):
        return obj.journal_entry_id

    @staticmethod
    def resolve_lines(obj):
        return list(obj.items.all())

    @staticmethod
    def resolve_returns(obj):
        return [r.pk for r in obj.returns.all()]


class ShipmentPage(Page):
    items: list[ShipmentOut]


class ReturnLineOut(Schema):
    line_no: int
    shipment_item: uuid.UUID
    order_item: uuid.UUID | None
    product_code: str
    quantity: DecimalString
    cost: AmountString
    unit_rate: DecimalString
    net_amount: AmountString
    tax_amount: AmountString

    @staticmethod
    def resolve_shipment_item(obj):
        return obj.shipment_item_id

    @staticmethod
    def resolve_order_item(obj):
        return obj.order_item_id

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code


class ReturnOut(Schema):
    id: uuid.UUID
    return_number: str | None
    status: str
    shipment: uuid.UUID
    sales_order: uuid.UUID | None
    return_date: datetime.date
    to_warehouse: str
    reason: str
    total_cost: AmountString
    net_amount: AmountString
    tax_amount: AmountString
    gross_amount: AmountString
    currency: str
    journal_entry: uuid.UUID | None
    credit_note_id: uuid.UUID | None

    @staticmethod
    def resolve_shipment(obj):
        return obj.shipment_id

    @staticmethod
    def resolve_sales_order(obj):
        return obj.sales_order_id

    @staticmethod
    def resolve_to_warehouse(obj):
        return obj.to_warehouse.code

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code

    @staticmethod
    def resolve_journal_entry(obj):
        return obj.journal_entry_id


class ReturnDetail(ReturnOut):
    lines: list[ReturnLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class ReturnFilters(Schema):
    sales_order: str | None = None
    credited: bool | None = None


class ReturnPage(Page):
    items: list[ReturnOut]
