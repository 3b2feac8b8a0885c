"""Shapes of the financial reports (amounts are decimal strings) and the columns of their CSV/XLSX exports, shared
by the API and the report pages."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from comptoir.platform.schemas.base import AmountString


class TrialBalanceRow(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    group: str
    group_name: str
    nature: str
    debit: AmountString
    credit: AmountString
    balance: AmountString


class GroupSubtotal(Schema):
    group: str
    name: str
    path: str
    nature: str
    depth: int
    debit: AmountString
    credit: AmountString
    balance: AmountString


class DebitCredit(Schema):
    debit: AmountString
    credit: AmountString


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
    amount: AmountString


class ProfitAndLossOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    income: AmountString
    expense: AmountString
    net_profit: AmountString
    rows: list[StatementRow]


class BalanceSheetOut(Schema):
    as_of: datetime.date
    assets: AmountString
    liabilities: AmountString
    equity: AmountString
    current_earnings: AmountString
    rows: list[StatementRow]


class LedgerLine(Schema):
    date: datetime.date
    entry_id: uuid.UUID
    entry_number: str
    narration: str
    remarks: str
    debit: AmountString
    credit: AmountString
    balance: AmountString


class GeneralLedgerOut(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    date_from: datetime.date
    date_to: datetime.date
    opening_balance: AmountString
    total_debit: AmountString
    total_credit: AmountString
    closing_balance: AmountString
    lines: list[LedgerLine]
    next_cursor: str | None


class AgingRow(Schema):
    entry_id: uuid.UUID
    entry_number: str
    date: datetime.date
    due_date: datetime.date
    account: str
    account_name: str
    amount: AmountString
    outstanding: AmountString
    days_overdue: int
    bucket: str


class AgingOut(Schema):
    kind: str
    as_of: datetime.date
    rows: list[AgingRow]
    buckets: dict[str, AmountString]
    total: AmountString


class CashFlowRow(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    group: str
    category: str
    activity: str
    amount: AmountString


class CashFlowCategory(Schema):
    category: str
    activity: str
    amount: AmountString


class CashFlowOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    opening_cash: AmountString
    net_change: AmountString
    closing_cash: AmountString
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


def _columns(*names: str, totals: tuple[str, ...] = ()) -> list[tuple[str, str, bool]]:
    return [(name, name, name in totals) for name in names]


# report slug → (rows key of the report, export columns; those in `totals` get a total in XLSX)
EXPORTS: dict[str, tuple[str, list[tuple[str, str, bool]]]] = {
    "trial-balance": (
        "rows",
        _columns("account", "name", "group", "debit", "credit", "balance", totals=("debit", "credit", "balance")),
    ),
    "profit-and-loss": ("rows", _columns("account", "name", "group", "nature", "amount")),
    "balance-sheet": ("rows", _columns("account", "name", "group", "nature", "amount")),
    "general-ledger": (
        "lines",
        _columns(
            "date", "entry_number", "narration", "remarks", "debit", "credit", "balance", totals=("debit", "credit")
        ),
    ),
    "aging": (
        "rows",
        _columns(
            "entry_number",
            "date",
            "due_date",
            "account",
            "amount",
            "outstanding",
            "days_overdue",
            "bucket",
            totals=("amount", "outstanding"),
        ),
    ),
    "cash-flow": ("rows", _columns("account", "name", "group", "category", "activity", "amount", totals=("amount",))),
}
