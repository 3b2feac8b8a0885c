"""Shapes of the financial reports (amounts are decimal strings) and the columns of their CSV/XLSX exports, shared
by the API and the report pages."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from comptoir.platform.schemas.base import DecimalString


class TrialBalanceRow(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    group: str
    group_name: str
    nature: str
    debit: DecimalString
    credit: DecimalString
    balance: DecimalString


class GroupSubtotal(Schema):
    group: str
    name: str
    path: str
    nature: str
    depth: int
    debit: DecimalString
    credit: DecimalString
    balance: DecimalString


class DebitCredit(Schema):
    debit: DecimalString
    credit: DecimalString


class TrialBalanceOut(Schema):
    as_of: datetime.date
    rows: list[TrialBalanceRow]
    totals: DebitCredit
    groups: list[GroupSubtotal] | None = None


class StatementRow(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    group: str
    nature: str
    amount: DecimalString


class ProfitAndLossOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    income: DecimalString
    expense: DecimalString
    net_profit: DecimalString
    rows: list[StatementRow]


class BalanceSheetOut(Schema):
    as_of: datetime.date
    assets: DecimalString
    liabilities: DecimalString
    equity: DecimalString
    current_earnings: DecimalString
    rows: list[StatementRow]


class LedgerLine(Schema):
    date: datetime.date
    entry_id: uuid.UUID
    entry_number: str
    narration: str
    remarks: str
    debit: DecimalString
    credit: DecimalString
    balance: DecimalString


class GeneralLedgerOut(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    date_from: datetime.date
    date_to: datetime.date
    opening_balance: DecimalString
    total_debit: DecimalString
    total_credit: DecimalString
    closing_balance: DecimalString
    lines: list[LedgerLine]
    next_cursor: str | None


class AgingRow(Schema):
    entry_id: uuid.UUID
    entry_number: str
    date: datetime.date
    due_date: datetime.date
    account: str
    account_name: str
    amount: DecimalString
    outstanding: DecimalString
    days_overdue: int
    bucket: str


class AgingOut(Schema):
    kind: str
    as_of: datetime.date
    rows: list[AgingRow]
    buckets: dict[str, DecimalString]
    total: DecimalString


class CashFlowRow(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    group: str
    category: str
    activity: str
    amount: DecimalString


class CashFlowCategory(Schema):
    category: str
    activity: str
    amount: DecimalString


class CashFlowOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    opening_cash: DecimalString
    net_change: DecimalString
    closing_cash: DecimalString
    categories: list[CashFlowCategory]
    rows: list[CashFlowRow]


class AsOfParams(Schema):
    as_of: str = Field(description="YYYY-MM-DD", json_schema_extra={"example": "2026-12-31"})


class RangeParams(Schema):
    date_from: str = Field(description="YYYY-MM-DD", json_schema_extra={"example": "2026-01-01"})
    date_to: str = Field(description="YYYY-MM-DD, on or after date_from", json_schema_extra={"example": "2026-12-31"})


class ExportFormat(Schema):
    format: Literal["csv", "xlsx"] | None = None


class LedgerParams(RangeParams):
    account: str = Field(description="id or code of the account")
    cursor: str | None = None
    limit: int = 500


def _columns(*names: str) -> list[tuple[str, str]]:
    return [(name, name) for name in names]


# report slug → (rows key of the report, export columns)
EXPORTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "trial-balance": ("rows", _columns("account", "name", "group", "debit", "credit", "balance")),
    "profit-and-loss": ("rows", _columns("account", "name", "group", "nature", "amount")),
    "balance-sheet": ("rows", _columns("account", "name", "group", "nature", "amount")),
    "general-ledger": (
        "lines",
        _columns("date", "entry_number", "narration", "remarks", "debit", "credit", "balance"),
    ),
    "aging": (
        "rows",
        _columns("entry_number", "date", "due_date", "account", "amount", "outstanding", "days_overdue", "bucket"),
    ),
    "cash-flow": ("rows", _columns("account", "name", "group", "category", "activity", "amount")),
}
