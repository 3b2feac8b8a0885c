"""Request and response shapes of bank accounts, statements and reconciliation. Amounts are decimal strings; an
account number is never returned, only its last four characters."""

from __future__ import annotations

import datetime
import uuid

from ninja import Schema
from pydantic import Field

from comptoir.accounting.constants import BankAccountKind, BankTransactionStatus
from comptoir.platform.schemas.base import AmountString, Input, Page


class BankAccountIn(Input):
    account: str = Field(description="id or code of a BANK or CASH ledger account")
    account_name: str = Field(min_length=1, max_length=255)
    account_number: str = Field(min_length=1, max_length=80, description="stored encrypted; never returned")
    bank_name: str = Field("", max_length=255)
    branch: str = Field("", max_length=255)
    iban: str = Field("", max_length=34)
    swift: str = Field("", max_length=11)
    ifsc: str = Field("", max_length=11)
    kind: BankAccountKind = BankAccountKind.CURRENT
    currency: str | None = Field(None, min_length=3, max_length=3, description="default: the account's currency")


class BankAccountPatch(Input):
    account_name: str | None = Field(None, min_length=1, max_length=255)
    account_number: str | None = Field(None, min_length=1, max_length=80)
    bank_name: str | None = Field(None, max_length=255)
    branch: str | None = Field(None, max_length=255)
    iban: str | None = Field(None, max_length=34)
    swift: str | None = Field(None, max_length=11)
    ifsc: str | None = Field(None, max_length=11)
    kind: BankAccountKind | None = None
    is_active: bool | None = Field(None, description="false deactivates (no more imports), true reactivates")


class BankAccountOut(Schema):
    id: uuid.UUID
    account: uuid.UUID
    account_code: str
    account_name: str
    account_number_last4: str
    bank_name: str
    branch: str
    iban: str = Field(description="masked: country, check digits and last 4 (stored encrypted)")
    swift: str
    ifsc: str
    kind: str
    currency: str
    is_active: bool

    @staticmethod
    def resolve_account(obj):
        return obj.account_id

    @staticmethod
    def resolve_account_code(obj):
        return obj.account.code

    @staticmethod
    def resolve_iban(obj):
        return obj.iban_masked

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code


class BankAccountPage(Page):
    items: list[BankAccountOut]


class BankAccountFilters(Schema):
    is_active: bool | None = None


class StatementMapping(Input):
    date: str = Field(min_length=1, description="column of the date")
    amount: str | None = Field(None, description="column of the signed amount: + deposit, − withdrawal")
    debit: str | None = Field(None, description="column of withdrawals (money out), with credit instead of amount")
    credit: str | None = Field(None, description="column of deposits (money in), with debit instead of amount")
    description: str | None = None
    reference: str | None = None
    balance: str | None = Field(None, description="column of the balance after the line")
    date_format: str = Field("%Y-%m-%d", max_length=40, description="strptime format")
    decimal_separator: str = Field(".", pattern=r"^[.,]$")
    delimiter: str = Field(",", min_length=1, max_length=1)


class StatementImportIn(Input):
    csv_text: str = Field(min_length=1, max_length=10_000_000)
    mapping: StatementMapping
    skip_duplicates: bool = False


class StatementImportOut(Schema):
    batch_id: uuid.UUID
    rows: int
    imported: int
    skipped_duplicates: int


class BankTransactionOut(Schema):
    id: uuid.UUID
    bank_account: uuid.UUID
    transaction_type: str
    amount: AmountString
    transaction_date: datetime.date
    description: str
    reference_number: str
    balance_after: AmountString | None
    status: str
    matched_line: uuid.UUID | None
    matched_entry: uuid.UUID | None
    matched_entry_number: str | None
    reconciled_at: datetime.datetime | None
    import_batch: uuid.UUID | None

    @staticmethod
    def resolve_bank_account(obj):
        return obj.bank_account_id

    @staticmethod
    def resolve_matched_line(obj):
        return obj.matched_line_id

    @staticmethod
    def resolve_matched_entry(obj):
        return obj.matched_line.entry_id if obj.matched_line_id else None

    @staticmethod
    def resolve_matched_entry_number(obj):
        return obj.matched_line.entry.entry_number if obj.matched_line_id else None


class BankTransactionPage(Page):
    items: list[BankTransactionOut]


class BankTransactionFilters(Schema):
    status: BankTransactionStatus | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class SuggestionParams(Schema):
    days: int = Field(7, ge=0, le=366, description="how many days either side of the statement date")


class SuggestionOut(Schema):
    journal_line: uuid.UUID
    entry: uuid.UUID
    entry_number: str
    date: datetime.date
    entry_type: str
    amount: AmountString
    reference_number: str
    narration: str
    remarks: str
    reference_match: bool
    days_apart: int

    @staticmethod
    def resolve_journal_line(obj):
        return obj.pk

    @staticmethod
    def resolve_entry(obj):
        return obj.entry_id

    @staticmethod
    def resolve_entry_number(obj):
        return obj.entry.entry_number

    @staticmethod
    def resolve_date(obj):
        return obj.entry_date

    @staticmethod
    def resolve_reference_number(obj):
        return obj.entry.reference_number

    @staticmethod
    def resolve_narration(obj):
        return obj.entry.narration


class MatchIn(Input):
    journal_line: uuid.UUID


class ReconcileIn(Input):
    statement_date: datetime.date


class ReconciliationOut(Schema):
    bank_account: uuid.UUID
    currency: str
    as_of: datetime.date
    ledger_balance: AmountString
    statement_balance: AmountString | None
    statement_date: datetime.date | None
    unmatched_statement_total: AmountString
    unmatched_statement_count: int
    unmatched_ledger_total: AmountString
    unmatched_ledger_count: int
    difference: AmountString | None


class ReconcileOut(Schema):
    reconciled: int
    summary: ReconciliationOut


class AsOfParams(Schema):
    as_of: datetime.date


class UnreconciledParams(Schema):
    as_of: datetime.date | None = None


class UnreconciledItemOut(Schema):
    source: str = Field(description="STATEMENT (a bank line) or LEDGER (a journal line)")
    id: uuid.UUID
    date: datetime.date
    amount: AmountString = Field(description="+ money in, − money out")
    reference: str
    description: str
    entry_number: str


class UnreconciledOut(Schema):
    bank_account: uuid.UUID
    as_of: datetime.date | None
    items: list[UnreconciledItemOut]
