"""Request and response shapes of budgets and of the chart's CSV import. Amounts are decimal strings."""

from __future__ import annotations

import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comptoir.accounting.constants import BudgetStatus
from comptoir.platform.money import AMOUNT_DIGITS
from comptoir.platform.schemas.base import AmountString, DecimalString, Input, Page


def _text(value) -> str | None:
    return None if value is None else str(value)


class BudgetIn(Input):
    name: str = Field(min_length=1, max_length=255)
    fiscal_year: str = Field(description="id or name of the fiscal year")
    quarter: int | None = Field(None, ge=1, le=4, description="1-4; empty = the whole year")
    account: str | None = Field(None, description="id or code of an income or expense account")
    category: str | None = Field(None, description="code (or id) of an income or expense account group")
    cost_center: str | None = Field(None, description="id or code")
    allocated_amount: Decimal = Field(max_digits=AMOUNT_DIGITS, description="at most the decimals of its currency")
    currency: str | None = Field(None, min_length=3, max_length=3, description="the base currency (default)")
    status: BudgetStatus = BudgetStatus.ACTIVE
    notes: str = Field("", max_length=5000)


class BudgetPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=255)
    fiscal_year: str | None = None
    quarter: int | None = Field(None, ge=1, le=4)
    account: str | None = None
    category: str | None = None
    cost_center: str | None = None
    allocated_amount: Decimal | None = Field(
        None, max_digits=AMOUNT_DIGITS, description="at most the decimals of its currency"
    )
    status: BudgetStatus | None = None
    notes: str | None = Field(None, max_length=5000)


class BudgetOut(Schema):
    id: uuid.UUID
    name: str
    fiscal_year: uuid.UUID
    fiscal_year_name: str
    quarter: int | None
    account: uuid.UUID | None
    account_code: str | None
    category: str
    cost_center: uuid.UUID | None
    cost_center_code: str | None
    allocated_amount: AmountString
    spent: AmountString
    remaining: AmountString
    utilisation: str | None = Field(description="spent / allocated, in percent")
    currency: str
    status: str
    notes: str
    version: int

    @staticmethod
    def resolve_fiscal_year(obj):
        return obj.fiscal_year_id

    @staticmethod
    def resolve_fiscal_year_name(obj):
        return obj.fiscal_year.name

    @staticmethod
    def resolve_account(obj):
        return obj.account_id

    @staticmethod
    def resolve_account_code(obj):
        return obj.account.code if obj.account_id else None

    @staticmethod
    def resolve_cost_center(obj):
        return obj.cost_center_id

    @staticmethod
    def resolve_cost_center_code(obj):
        return obj.cost_center.code if obj.cost_center_id else None

    @staticmethod
    def resolve_utilisation(obj):
        return _text(obj.utilisation)

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code


class BudgetPage(Page):
    items: list[BudgetOut]


class BudgetFilters(Schema):
    fiscal_year: str | None = None
    status: BudgetStatus | None = None
    account: str | None = None
    category: str | None = None
    cost_center: str | None = None


class BudgetTotals(Schema):
    allocated: AmountString
    spent: AmountString
    remaining: AmountString
    utilisation: DecimalString | None


class BudgetReport(Schema):
    fiscal_year: str
    rows: list[BudgetOut]
    totals: BudgetTotals

    @staticmethod
    def resolve_fiscal_year(obj):
        return obj["fiscal_year"].name


class ChartImportIn(Input):
    csv: str = Field(max_length=2_000_000, description="the chart as CSV text (the columns of the export)")


class ChartImportOut(Schema):
    dry_run: bool
    created_groups: list[str]
    created_accounts: list[str]
    renamed_groups: list[str]
    renamed_accounts: list[str]
    unchanged: int
