"""Request and response shapes of tax rates and the tax computation. Amounts and rates are decimal strings."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comptoir.accounting.constants import TaxType
from comptoir.platform.money import AMOUNT_DIGITS
from comptoir.platform.schemas.base import AmountString, DecimalString, Input, Page


class TaxComponentIn(Input):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    tax_type: TaxType = TaxType.OTHER
    rate: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    output_account: str | None = Field(None, description="id or code of the tax payable account")
    input_account: str | None = Field(None, description="id or code of the tax receivable account")


class TaxRateIn(TaxComponentIn):
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    description: str = Field("", max_length=2000)
    components: list[TaxComponentIn] = Field(default_factory=list, max_length=10)


class TaxRatePatch(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=2000)
    effective_to: datetime.date | None = None
    output_account: str | None = None
    input_account: str | None = None


class TaxRateFilters(Schema):
    code: str | None = None
    is_active: bool | None = None
    on_date: datetime.date | None = None


class TaxComponentOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    tax_type: str
    rate: DecimalString
    output_account: uuid.UUID | None
    input_account: uuid.UUID | None

    @staticmethod
    def resolve_output_account(obj):
        return obj.output_account_id

    @staticmethod
    def resolve_input_account(obj):
        return obj.input_account_id


class TaxRateOut(TaxComponentOut):
    parent: uuid.UUID | None
    effective_from: datetime.date
    effective_to: datetime.date | None
    is_active: bool
    description: str
    components: list[TaxComponentOut]

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id

    @staticmethod
    def resolve_components(obj):
        return list(obj.components.all())


class TaxRatePage(Page):
    items: list[TaxRateOut]


class TaxComputeIn(Input):
    amount: Decimal = Field(max_digits=AMOUNT_DIGITS, description="at most the decimals of its currency")
    tax_rate: str = Field(description="id, or code of the rate in force on `on_date`")
    inclusive: bool = False
    currency: str | None = Field(None, min_length=3, max_length=3, description="default: the base currency")
    on_date: datetime.date | None = Field(None, description="default: today")


class ComponentTaxOut(Schema):
    tax_rate: uuid.UUID
    code: str
    rate: DecimalString
    amount: AmountString
    output_account: uuid.UUID | None
    input_account: uuid.UUID | None

    @staticmethod
    def resolve_tax_rate(obj):
        return obj.tax_rate_id

    @staticmethod
    def resolve_output_account(obj):
        return obj.output_account_id

    @staticmethod
    def resolve_input_account(obj):
        return obj.input_account_id


class TaxBreakdownOut(Schema):
    net: AmountString
    tax: AmountString
    gross: AmountString
    rate: DecimalString
    inclusive: bool
    currency: str
    components: list[ComponentTaxOut]
