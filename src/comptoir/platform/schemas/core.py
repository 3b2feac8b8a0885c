"""Shapes of the organization, workspace and reference-data endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field

from comptoir.platform.constants import OrganizationSize, OrganizationStatus, WorkspaceStatus, WorkspaceType
from comptoir.platform.schemas.base import ClearableText, Input, Page, blank_if_null


class CurrencyOut(Schema):
    code: str
    name: str
    symbol: str
    decimal_places: int


class CurrencyPage(Page):
    items: list[CurrencyOut]


class CountryOut(Schema):
    code: str
    name: str
    default_currency: str | None = None

    @staticmethod
    def resolve_default_currency(obj) -> str | None:
        return obj.default_currency.code if obj.default_currency_id else None


class CountryPage(Page):
    items: list[CountryOut]


class UnitOut(Schema):
    symbol: str
    name: str
    category: str
    uqc_code: str


class UnitPage(Page):
    items: list[UnitOut]


class WorkspaceIn(Input):
    name: str = Field(min_length=1, max_length=255)
    type: WorkspaceType = WorkspaceType.MAIN
    description: str = Field("", max_length=5000)


class WorkspacePatch(Input):
    name: str = Field(None, min_length=1, max_length=255)
    type: WorkspaceType = None
    description: ClearableText = Field(None, max_length=5000)
    status: WorkspaceStatus = None


class WorkspaceOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    type: str
    status: str
    is_default: bool
    version: int
    created_at: datetime
    updated_at: datetime


class WorkspacePage(Page):
    items: list[WorkspaceOut]


class WorkspaceFilters(Schema):
    status: WorkspaceStatus | None = None
    type: WorkspaceType | None = None
    search: str | None = Field(None, max_length=100)


class OrganizationOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    legal_name: str
    kind: str
    company_type: str
    industry: str
    size: str
    employee_count: int | None
    annual_revenue: Decimal | None
    country: str = Field(alias="country.code")
    base_currency: str = Field(alias="base_currency.code")
    bin: str
    tax_id: str
    registration_number: str
    gstin: str
    pan: str
    email: str
    phone: str
    website: str
    timezone: str
    language: str
    status: str
    settings: dict
    version: int
    created_at: datetime


class OrganizationPatch(Input):
    """Only the fields sent change; null clears an optional text field and is refused on a required one."""

    name: str = Field(None, min_length=1, max_length=255)
    legal_name: ClearableText = Field(None, max_length=255)
    company_type: ClearableText = Field(None, max_length=50)
    industry: ClearableText = Field(None, max_length=100)
    size: Annotated[
        Literal[
            OrganizationSize.SMALL, OrganizationSize.MEDIUM, OrganizationSize.LARGE, OrganizationSize.ENTERPRISE, ""
        ]
        | None,
        AfterValidator(blank_if_null),
    ] = None
    employee_count: int | None = Field(None, ge=0)
    annual_revenue: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    country: str = Field(None, min_length=2, max_length=2)
    base_currency: str = Field(None, min_length=3, max_length=3)
    bin: ClearableText = Field(None, pattern=r"^(\d{12})?$")
    tax_id: ClearableText = Field(None, max_length=50)
    registration_number: ClearableText = Field(None, max_length=50)
    gstin: ClearableText = Field(None, pattern=r"^([0-9A-Z]{15})?$")
    pan: ClearableText = Field(None, pattern=r"^([A-Z]{5}[0-9]{4}[A-Z])?$")
    email: ClearableText = Field(None, max_length=254)
    phone: ClearableText = Field(None, max_length=30)
    website: ClearableText = Field(None, max_length=200)
    timezone: str = Field(None, max_length=50)
    language: str = Field(None, max_length=20)
    status: Literal[OrganizationStatus.ACTIVE, OrganizationStatus.INACTIVE] = Field(
        None, description="SUSPENDED is set by the operator in the admin, not through the API"
    )
    settings: dict = None
