"""Exchange rates: request and response shapes."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comptoir.platform.schemas.base import Input, Page


class ExchangeRateIn(Input):
    from_currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code")
    to_currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code")
    rate: Decimal = Field(gt=0, max_digits=18, decimal_places=8, description="one unit of from_currency")
    rate_date: datetime.date
    source: str = Field("", max_length=50, description="where the rate comes from (a central bank, a broker…)")


class ExchangeRatePatchIn(Input):
    rate: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=8)
    source: str | None = Field(None, max_length=50)


class ExchangeRateFilters(Schema):
    from_currency: str | None = None
    to_currency: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class ExchangeRateOut(Schema):
    id: uuid.UUID
    from_currency: str
    to_currency: str
    rate: str = Field(description="a decimal string, without trailing zeros")
    rate_date: datetime.date
    source: str

    @staticmethod
    def resolve_from_currency(obj) -> str:
        return obj.from_currency.code

    @staticmethod
    def resolve_to_currency(obj) -> str:
        return obj.to_currency.code

    @staticmethod
    def resolve_rate(obj) -> str:
        return f"{Decimal(obj.rate).normalize():f}"


class ExchangeRatePage(Page):
    items: list[ExchangeRateOut]
