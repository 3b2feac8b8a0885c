"""Shapes of the financial reports (amounts are decimal strings) and the columns of their CSV/XLSX exports, shared
by the API and the report pages."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, PlainSerializer

Money = Annotated[Decimal, PlainSerializer(lambda v: str(v), return_type=str)]


class TrialBalanceRow(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    group: str
    group_name: str
    nature: str
    debit: Money
    credit: Money
    balance: Money


class GroupSubtotal(Schema):
    group: str
    name: str
    path: str
    nature: str
    depth: int
    debit: Money
    credit: Money
    balance: Money


class DebitCredit(Schema):
    debit: Money
    credit: Money


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
    amount: Money


class ProfitAndLossOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    income: Money
    expense: Money
    net_profit: Money
    rows: list[StatementRow]


class BalanceSheetOut(Schema):
    as_of: datetime.date
    assets: Money
    liabilities: Money
    equity: Money
    current_earnings: Money
    rows: list[StatementRow]


class LedgerLine(Schema):
    date: datetime.date
    entry_id: uuid.UUID
    entry_number: str
    narration: str
    remarks: str
    debit: Money
    credit: Money
    balance: Money


class GeneralLedgerOut(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    date_from: datetime.date
    date_to: datetime.date
    opening_balance: Money
    total_debit: Money
    total_credit: Money
    closing_balance: Money
    lines: list[LedgerLine]
    next_cursor: str | None


class AgingRow(Schema):
    entry_id: uuid.UUID
    entry_number: str
    date: datetime.date
    due_date: datetime.date
    account: str
    account_name: str
    amount: Money
    outstanding: Money
    days_overdue: int
    bucket: str


class AgingOut(Schema):
    kind: str
    as_of: datetime.date
    rows: list[AgingRow]
    buckets: dict[str, Money]
    total: Money


class CashFlowRow(Schema):
    account: str
    account_id: uuid.UUID
    name: str
    group: str
    category: str
    activity: str
    amount: Money


class CashFlowCategory(Schema):
    category: str
    activity: str
    amount: Money


class CashFlowOut(Schema):
    date_from: datetime.date
    date_to: datetime.date
    opening_cash: Money
    net_change: Money
    closing_cash: Money
    categories: list[CashFlowCategory]
    rows: list[CashFlowRow]


class AsOfParams(Schema):
    as_of: str | None = None


class RangeParams(Schema):
    date_from: str | None = None
    date_to: str | None = None


class ExportFormat(Schema):
    format: Literal["csv", "xlsx"] | None = None


class LedgerParams(RangeParams):
    account: str | None = Field(None, description="id or code of the account")
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
