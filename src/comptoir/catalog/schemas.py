"""Request and response shapes of the catalogue API. Prices, costs and quantities are decimal strings; references
take an id or a code (a unit's symbol, a category's, a product's or a tax rate's code)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comptoir.catalog.constants import PriceListKind, ProductStatus, ProductType
from comptoir.platform.schemas.base import ClearableText, DecimalString, Input, Page

PRICE = {"ge": 0, "max_digits": 18, "decimal_places": 4}
QUANTITY = {"ge": 0, "max_digits": 18, "decimal_places": 3}
PERCENT = {"ge": 0, "le": 100, "max_digits": 6, "decimal_places": 2}
REF = "id or code"

# --- categories ---------------------------------------------------------------------------------------------------


class CategoryIn(Input):
    name: str = Field(min_length=1, max_length=255)
    code: str | None = Field(None, max_length=50)
    parent: str | None = Field(None, description="id or code of the parent category")
    description: str = Field("", max_length=5000)
    sort_order: int = Field(0, ge=-1_000_000, le=1_000_000)
    metadata: dict = Field(default_factory=dict)


class CategoryPatch(Input):
    name: str = Field(None, min_length=1, max_length=255)
    code: str | None = Field(None, max_length=50)
    parent: str | None = Field(None, description="id or code of the new parent; null makes it a root")
    description: ClearableText = Field(None, max_length=5000)
    sort_order: int = Field(None, ge=-1_000_000, le=1_000_000)
    metadata: dict = None
    is_active: bool = None


class CategoryFilters(Schema):
    search: str | None = None
    parent: str | None = Field(None, description="id or code: its direct children")
    is_active: bool | None = None


class CategoryOut(Schema):
    id: uuid.UUID
    code: str | None
    name: str
    description: str
    parent: uuid.UUID | None
    parent_name: str | None
    depth: int
    sort_order: int
    is_active: bool
    metadata: dict
    product_count: int = 0

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_parent_name(obj):
        return obj.parent.name if obj.parent_id else None


class CategoryPage(Page):
    items: list[CategoryOut]


# --- products -----------------------------------------------------------------------------------------------------


class Dimensions(Schema):
    length: DecimalString | None = Field(None, ge=0, max_digits=12, decimal_places=3)
    width: DecimalString | None = Field(None, ge=0, max_digits=12, decimal_places=3)
    height: DecimalString | None = Field(None, ge=0, max_digits=12, decimal_places=3)
    unit: str = Field("cm", max_length=10)


class ProductIn(Input):
    code: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=500)
    uom: str = Field(min_length=1, description="id or symbol of the unit (GET /api/v1/platform/units)")
    type: ProductType = ProductType.PRODUCT
    sku: str | None = Field(None, max_length=100)
    barcode: str = Field("", max_length=100)
    description: str = Field("", max_length=10_000)
    category: str | None = Field(None, description="id or code of the category")
    track_inventory: bool | None = Field(None, description="default: true, false for SERVICE and DIGITAL")
    currency: str | None = Field(None, min_length=3, max_length=3, description="default: the base currency")
    list_price: Decimal = Field(Decimal(0), **PRICE)
    standard_cost: Decimal = Field(Decimal(0), **PRICE)
    markup_percent: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)
    tax_rate: str | None = Field(None, description="id or code of the tax rate in force today")
    vat_included: bool = True
    vat_exempt: bool = False
    hsn_code: str = Field("", max_length=10)
    min_stock_level: Decimal = Field(Decimal(0), **QUANTITY)
    max_stock_level: Decimal | None = Field(None, **QUANTITY)
    reorder_point: Decimal = Field(Decimal(0), **QUANTITY)
    reorder_quantity: Decimal = Field(Decimal(0), **QUANTITY)
    weight: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=3, description="kg")
    dimensions: Dimensions | None = None
    color: str = Field("", max_length=50)
    lead_time_days: int | None = Field(None, ge=0, le=3650)
    production_time: int | None = Field(None, ge=0, le=1_000_000, description="minutes")
    requires_production: bool = False
    images: list[str] = Field(default_factory=list, max_length=50)
    specifications: dict = Field(default_factory=dict)
    custom_fields: dict = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list, max_length=50)
    default_supplier: str | None = Field(None, description="id or number of the supplier")

    def input_values(self) -> dict:
        """The fields as the service's input takes them (dimensions as a plain object, tags as a tuple)."""
        values = self.dict(exclude={"dimensions", "tags"})
        values["dimensions"] = self.dimensions.dict(exclude_none=True) if self.dimensions else {}
        return {**values, "tags": tuple(self.tags)}


class ProductPatch(Input):
    """The fields to change; an omitted field is kept."""

    code: str = Field(None, min_length=1, max_length=100)
    name: str = Field(None, min_length=1, max_length=500)
    uom: str = Field(None, min_length=1)
    type: ProductType = None
    sku: str | None = Field(None, max_length=100)
    barcode: ClearableText = Field(None, max_length=100)
    description: ClearableText = Field(None, max_length=10_000)
    category: str | None = None
    track_inventory: bool = None
    currency: str = Field(None, min_length=3, max_length=3)
    list_price: Decimal = Field(None, **PRICE)
    standard_cost: Decimal = Field(None, **PRICE)
    markup_percent: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)
    tax_rate: str | None = None
    vat_included: bool = None
    vat_exempt: bool = None
    hsn_code: ClearableText = Field(None, max_length=10)
    min_stock_level: Decimal = Field(None, **QUANTITY)
    max_stock_level: Decimal | None = Field(None, **QUANTITY)
    reorder_point: Decimal = Field(None, **QUANTITY)
    reorder_quantity: Decimal = Field(None, **QUANTITY)
    weight: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=3)
    dimensions: Dimensions | None = None
    color: ClearableText = Field(None, max_length=50)
    lead_time_days: int | None = Field(None, ge=0, le=3650)
    production_time: int | None = Field(None, ge=0, le=1_000_000)
    requires_production: bool = None
    images: list[str] = Field(None, max_length=50)
    specifications: dict = None
    custom_fields: dict = None
    tags: list[str] = Field(None, max_length=50)
    default_supplier: str | None = Field(None, description="id or number of the supplier; null clears it")

    def patch_values(self) -> dict:
        values = self.model_dump(exclude_unset=True)
        if "dimensions" in values:
            values["dimensions"] = self.dimensions.dict(exclude_none=True) if self.dimensions else {}
        return values


class ProductFilters(Schema):
    search: str | None = Field(None, description="start of the code, SKU or barcode, or part of the name")
    type: ProductType | None = None
    status: ProductStatus | None = None
    category: str | None = Field(None, description="id or code; includes its sub-categories")
    track_inventory: bool | None = None
    tag: str | None = None
    barcode: str | None = None
    supplier: str | None = Field(None, description="id or number of the default supplier")


class ProductOut(Schema):
    id: uuid.UUID
    code: str
    sku: str | None
    barcode: str
    name: str
    description: str
    type: str
    status: str
    category: uuid.UUID | None
    category_name: str | None
    uom: str
    track_inventory: bool
    currency: str
    list_price: DecimalString
    standard_cost: DecimalString
    margin: DecimalString
    markup_percent: DecimalString | None
    tax_rate: str | None
    vat_included: bool
    vat_exempt: bool
    hsn_code: str
    min_stock_level: DecimalString
    max_stock_level: DecimalString | None
    reorder_point: DecimalString
    reorder_quantity: DecimalString
    weight: DecimalString | None
    dimensions: dict
    color: str
    lead_time_days: int | None
    production_time: int | None
    requires_production: bool
    images: list
    specifications: dict
    custom_fields: dict
    tags: list[str]
    default_supplier: uuid.UUID | None
    default_supplier_name: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_category(obj):
        return obj.category_id

    @staticmethod
    def resolve_category_name(obj):
        return obj.category.name if obj.category_id else None

    @staticmethod
    def resolve_uom(obj):
        return obj.uom.symbol

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code

    @staticmethod
    def resolve_tax_rate(obj):
        return obj.tax_rate.code if obj.tax_rate_id else None

    @staticmethod
    def resolve_default_supplier(obj):
        return obj.default_supplier_id

    @staticmethod
    def resolve_default_supplier_name(obj):
        return obj.default_supplier.name if obj.default_supplier_id else None


class ProductPage(Page):
    items: list[ProductOut]


class ReasonIn(Input):
    reason: str = Field("", max_length=500)


# --- price lists --------------------------------------------------------------------------------------------------


class PriceListIn(Input):
    name: str = Field(min_length=1, max_length=100)
    kind: PriceListKind = PriceListKind.SELLING
    currency: str | None = Field(None, min_length=3, max_length=3, description="default: the base currency")
    is_default: bool = False
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    description: str = Field("", max_length=5000)


class PriceListPatch(Input):
    name: str = Field(None, min_length=1, max_length=100)
    is_default: bool = None
    is_active: bool = None
    valid_from: datetime.date = None
    valid_to: datetime.date | None = None
    description: ClearableText = Field(None, max_length=5000)


class PriceListFilters(Schema):
    kind: PriceListKind | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    is_active: bool | None = None
    is_default: bool | None = None
    on_date: datetime.date | None = None


class PriceListOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    currency: str
    is_default: bool
    is_active: bool
    valid_from: datetime.date
    valid_to: datetime.date | None
    description: str
    item_count: int = 0

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code


class PriceListPage(Page):
    items: list[PriceListOut]


class PriceIn(Input):
    product: str = Field(min_length=1, description="id or code of the product")
    rate: Decimal = Field(**PRICE)
    min_quantity: Decimal = Field(Decimal(1), gt=0, max_digits=18, decimal_places=3)
    valid_from: datetime.date | None = Field(None, description="default: the list's start")
    valid_to: datetime.date | None = None


class PricePatch(Input):
    rate: Decimal = Field(None, **PRICE)
    valid_to: datetime.date | None = None


class PriceFilters(Schema):
    product: str | None = Field(None, description="id or code")
    on_date: datetime.date | None = None


class PriceOut(Schema):
    id: uuid.UUID
    product: uuid.UUID
    product_code: str
    product_name: str
    rate: DecimalString
    min_quantity: DecimalString
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_product(obj):
        return obj.product_id

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code

    @staticmethod
    def resolve_product_name(obj):
        return obj.product.name


class PricePage(Page):
    items: list[PriceOut]


class ResolveParams(Schema):
    product: str = Field(min_length=1, description="id or code of the product")
    party: str | None = Field(None, description="id or number of the customer (SELLING) or the supplier (BUYING)")
    date: datetime.date | None = Field(None, description="default: today")
    quantity: Decimal = Field(Decimal(1), gt=0, max_digits=18, decimal_places=3)
    kind: PriceListKind = PriceListKind.SELLING
    currency: str | None = Field(None, min_length=3, max_length=3, description="of the default list; default: base")


class ResolvedPriceOut(Schema):
    product: uuid.UUID
    rate: DecimalString
    currency: str
    source: str
    price_list: uuid.UUID | None
    price_list_name: str
    item: uuid.UUID | None
    min_quantity: DecimalString | None

    @staticmethod
    def resolve_product(obj):
        return obj.product_id

    @staticmethod
    def resolve_price_list(obj):
        return obj.price_list_id

    @staticmethod
    def resolve_item(obj):
        return obj.item_id


class PartyPriceListIn(Input):
    party: str = Field(min_length=1, description="id or number of the party")
    kind: PriceListKind = PriceListKind.SELLING
    price_list: str = Field(min_length=1, description="id or name of the price list")


class PartyPriceListFilters(Schema):
    party: str | None = Field(None, description="id or number")
    kind: PriceListKind | None = None
    price_list: uuid.UUID | None = None


class PartyPriceListOut(Schema):
    id: uuid.UUID
    party: uuid.UUID
    party_name: str
    kind: str
    price_list: uuid.UUID
    price_list_name: str
    currency: str

    @staticmethod
    def resolve_party(obj):
        return obj.party_id

    @staticmethod
    def resolve_party_name(obj):
        return obj.party.name

    @staticmethod
    def resolve_price_list(obj):
        return obj.price_list_id

    @staticmethod
    def resolve_price_list_name(obj):
        return obj.price_list.name

    @staticmethod
    def resolve_currency(obj):
        return obj.price_list.currency.code


class PartyPriceListPage(Page):
    items: list[PartyPriceListOut]


# --- import -------------------------------------------------------------------------------------------------------


class RowErrorOut(Schema):
    field: str
    code: str
    message: str


class ImportRowOut(Schema):
    index: int
    line: int
    key: str
    action: str
    errors: list[RowErrorOut]


class ImportReportOut(Schema):
    dry_run: bool
    created: int
    updated: int
    refused: int
    rows: list[ImportRowOut]
