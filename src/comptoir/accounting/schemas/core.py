"""Request and response shapes of the accounting API. Amounts are decimal strings."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

from comptoir.accounting.constants import AccountType, EntryStatus, EntryType, Nature
from comptoir.platform.money import AMOUNT_DIGITS
from comptoir.platform.schemas.base import AmountString, DecimalString, Input, Page


class AccountGroupIn(Input):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    nature: Nature | None = None
    parent: str | None = Field(None, description="id or code of the parent group")


class AccountGroupPatch(Input):
    """The fields to change; an omitted field is kept. `parent: null` makes the group a root."""

    name: str = Field(None, min_length=1, max_length=100)
    parent: str | None = Field(None, description="id or code of the new parent group")


class AccountGroupOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    nature: str
    report_type: str
    parent: uuid.UUID | None
    path: str
    is_system: bool

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id


class AccountGroupPage(Page):
    items: list[AccountGroupOut]


class AccountIn(Input):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=255)
    group: str = Field(description="id or code of the group")
    account_type: AccountType = AccountType.GENERAL
    is_cost_center_applicable: bool = False
    is_bill_wise: bool = False


class AccountPatch(Input):
    """The fields to change; an omitted field is kept. `account_type` changes only while the account has no journal
    lines; with lines, `group` must keep the nature. Deactivate with POST …/deactivate."""

    name: str = Field(None, min_length=1, max_length=255)
    group: str = Field(None, description="id or code of the group")
    account_type: AccountType = None
    is_cost_center_applicable: bool = None
    is_bill_wise: bool = None


class AccountOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    group: uuid.UUID
    group_code: str
    account_type: str
    is_active: bool
    is_system: bool
    is_cost_center_applicable: bool
    is_bill_wise: bool

    @staticmethod
    def resolve_group(obj):
        return obj.group_id

    @staticmethod
    def resolve_group_code(obj):
        return obj.group.code


class AccountPage(Page):
    items: list[AccountOut]


class AccountFilters(Schema):
    group: str | None = None
    account_type: AccountType | None = None
    is_active: bool | None = None


class CostCenterIn(Input):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)


class CostCenterOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    is_active: bool


class CostCenterPage(Page):
    items: list[CostCenterOut]


class ReasonIn(Input):
    reason: str = Field("", max_length=500, description="why (kept in the audit log)")


class ReopenIn(Input):
    reason: str = Field(min_length=1, max_length=500, description="why the closed books open again (audited)")

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("Say why the books reopen"))
        return value.strip()


class FiscalYearIn(Input):
    name: str = Field(min_length=1, max_length=20)
    start_date: datetime.date
    end_date: datetime.date
    is_current: bool = False


class PeriodOut(Schema):
    id: uuid.UUID
    period_no: int
    start_date: datetime.date
    end_date: datetime.date
    status: str


class FiscalYearOut(Schema):
    id: uuid.UUID
    name: str
    start_date: datetime.date
    end_date: datetime.date
    is_current: bool
    is_closed: bool


class FiscalYearDetail(FiscalYearOut):
    closed_at: datetime.datetime | None
    closing_entry: uuid.UUID | None
    periods: list[PeriodOut]

    @staticmethod
    def resolve_closing_entry(obj):
        return obj.closing_entry_id

    @staticmethod
    def resolve_periods(obj):
        return list(obj.periods.all())


class FiscalYearCloseIn(Input):
    retained_earnings_account: str | None = Field(
        None, description="id or code of the equity account the year's result goes to; default: retained earnings"
    )


class FiscalYearPage(Page):
    items: list[FiscalYearOut]


class LineIn(Input):
    account: str = Field(description="id or code")
    entry_type: EntryType
    amount: Decimal = Field(max_digits=AMOUNT_DIGITS, description="at most the decimals of its currency")
    currency: str | None = Field(None, min_length=3, max_length=3)
    exchange_rate: Decimal | None = Field(None, max_digits=18, decimal_places=8)
    cost_center: str | None = Field(None, description="id or code")
    against_entry: uuid.UUID | None = Field(None, description="the bill (posted entry) this line settles")
    due_date: datetime.date | None = Field(None, description="on a bill's receivable/payable line")
    remarks: str = Field("", max_length=255)


class JournalEntryIn(Input):
    date: datetime.date
    journal_type: str = "JV"
    narration: str = Field("", max_length=5000)
    reference_number: str = Field("", max_length=50)
    lines: list[LineIn] = Field(min_length=1, max_length=1000)
    post: bool = False


class ReverseIn(Input):
    date: datetime.date
    narration: str = Field("", max_length=5000)


class LineOut(Schema):
    id: uuid.UUID
    line_no: int
    account: uuid.UUID
    account_code: str
    entry_type: str
    amount: AmountString
    currency: str
    exchange_rate: DecimalString
    base_amount: AmountString
    cost_center: str | None
    against_entry: uuid.UUID | None
    due_date: datetime.date | None
    remarks: str

    @staticmethod
    def resolve_account(obj):
        return obj.account_id

    @staticmethod
    def resolve_account_code(obj):
        return obj.account.code

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code

    @staticmethod
    def resolve_cost_center(obj):
        return obj.cost_center.code if obj.cost_center_id else None

    @staticmethod
    def resolve_against_entry(obj):
        return obj.against_entry_id


class JournalEntryOut(Schema):
    id: uuid.UUID
    entry_number: str
    date: datetime.date
    journal_type: str
    status: str
    narration: str
    total_debit: AmountString
    total_credit: AmountString
    fiscal_period: uuid.UUID
    reversed_entry: uuid.UUID | None
    posted_at: datetime.datetime | None

    @staticmethod
    def resolve_journal_type(obj):
        return getattr(obj, "journal_type_code", None) or obj.journal_type.code  # the list annotates the code

    @staticmethod
    def resolve_fiscal_period(obj):
        return obj.fiscal_period_id

    @staticmethod
    def resolve_reversed_entry(obj):
        return obj.reversed_entry_id


class JournalEntryDetail(JournalEntryOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class JournalEntryPage(Page):
    items: list[JournalEntryOut]


class JournalEntryFilters(Schema):
    status: EntryStatus | None = None
    journal_type: str | None = Field(None, description="journal type code")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    account: str | None = Field(None, description="id or code: entries with a line on this account")
    amount_min: Decimal | None = Field(None, ge=0, max_digits=AMOUNT_DIGITS, description="total debit at least")
    amount_max: Decimal | None = Field(None, ge=0, max_digits=AMOUNT_DIGITS, description="total debit at most")
