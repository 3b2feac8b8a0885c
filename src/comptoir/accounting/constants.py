"""Natures, types and statuses of the books, and their allowed transitions, declared as data."""

from django.db import models


class Nature(models.TextChoices):
    ASSET = "ASSET"
    LIABILITY = "LIABILITY"
    EQUITY = "EQUITY"
    INCOME = "INCOME"
    EXPENSE = "EXPENSE"


class ReportType(models.TextChoices):
    BALANCE_SHEET = "BS"
    PROFIT_AND_LOSS = "PL"


REPORT_TYPE_OF_NATURE = {
    Nature.ASSET: ReportType.BALANCE_SHEET,
    Nature.LIABILITY: ReportType.BALANCE_SHEET,
    Nature.EQUITY: ReportType.BALANCE_SHEET,
    Nature.INCOME: ReportType.PROFIT_AND_LOSS,
    Nature.EXPENSE: ReportType.PROFIT_AND_LOSS,
}
# Natures whose balance is normally a debit (assets, expenses); the others are normally credits.
DEBIT_NATURES = frozenset({Nature.ASSET, Nature.EXPENSE})


class AccountType(models.TextChoices):
    BANK = "BANK"
    CASH = "CASH"
    CUSTOMER = "CUSTOMER"
    SUPPLIER = "SUPPLIER"
    EMPLOYEE = "EMPLOYEE"
    TAX = "TAX"
    STOCK = "STOCK"
    FIXED_ASSET = "FIXED_ASSET"
    ACCUMULATED_DEPRECIATION = "ACCUMULATED_DEPRECIATION"
    INCOME = "INCOME"
    EXPENSE = "EXPENSE"
    EQUITY = "EQUITY"
    GENERAL = "GENERAL"


class EntryType(models.TextChoices):
    DEBIT = "DR"
    CREDIT = "CR"


class PeriodStatus(models.TextChoices):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


PERIOD_TRANSITIONS = {(PeriodStatus.OPEN, PeriodStatus.CLOSED), (PeriodStatus.CLOSED, PeriodStatus.OPEN)}


class JournalCategory(models.TextChoices):
    JOURNAL = "JOURNAL"
    PAYMENT = "PAYMENT"
    RECEIPT = "RECEIPT"
    CONTRA = "CONTRA"
    SALES = "SALES"
    PURCHASE = "PURCHASE"
    CREDIT_NOTE = "CREDIT_NOTE"
    DEBIT_NOTE = "DEBIT_NOTE"
    STOCK_JOURNAL = "STOCK_JOURNAL"
    DELIVERY_NOTE = "DELIVERY_NOTE"
    RECEIPT_NOTE = "RECEIPT_NOTE"
    MANUFACTURING = "MANUFACTURING"
    PAYROLL = "PAYROLL"
    DEPRECIATION = "DEPRECIATION"
    OPENING = "OPENING"
    CLOSING = "CLOSING"


class EntryStatus(models.TextChoices):
    DRAFT = "DRAFT"
    POSTED = "POSTED"
    CANCELLED = "CANCELLED"
    REVERSED = "REVERSED"


ENTRY_TRANSITIONS = frozenset(
    {
        (EntryStatus.DRAFT, EntryStatus.POSTED),
        (EntryStatus.DRAFT, EntryStatus.CANCELLED),
        (EntryStatus.POSTED, EntryStatus.REVERSED),
    }
)
# An entry is live until it is cancelled or reversed: a source (invoice, payroll run…) has at most one live entry.
LIVE_ENTRY_STATUSES = [EntryStatus.DRAFT.value, EntryStatus.POSTED.value]


class TaxType(models.TextChoices):
    VAT = "VAT"
    GST = "GST"
    CGST = "CGST"
    SGST = "SGST"
    IGST = "IGST"
    CESS = "CESS"
    SALES_TAX = "SALES_TAX"
    WITHHOLDING = "WITHHOLDING"
    OTHER = "OTHER"


class BankAccountKind(models.TextChoices):
    CURRENT = "CURRENT"
    SAVINGS = "SAVINGS"
    CARD = "CARD"
    CASH = "CASH"
    OTHER = "OTHER"


class BankTransactionType(models.TextChoices):
    CREDIT = "CREDIT"
    DEBIT = "DEBIT"


class BankTransactionStatus(models.TextChoices):
    UNMATCHED = "UNMATCHED"
    MATCHED = "MATCHED"
    RECONCILED = "RECONCILED"
    IGNORED = "IGNORED"


BANK_TRANSACTION_TRANSITIONS = {
    (BankTransactionStatus.UNMATCHED, BankTransactionStatus.MATCHED),
    (BankTransactionStatus.MATCHED, BankTransactionStatus.UNMATCHED),
    (BankTransactionStatus.MATCHED, BankTransactionStatus.RECONCILED),
    (BankTransactionStatus.UNMATCHED, BankTransactionStatus.IGNORED),
    (BankTransactionStatus.IGNORED, BankTransactionStatus.UNMATCHED),
}


class BudgetStatus(models.TextChoices):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


BUDGET_TRANSITIONS = {(BudgetStatus.DRAFT, BudgetStatus.ACTIVE), (BudgetStatus.ACTIVE, BudgetStatus.CLOSED)}

# Concurrent postings to one account spread their balance updates over this many cache rows per period,
# so they never queue behind one hot row (DESIGN §6). Reports sum the slots.
BALANCE_SLOTS = 8

# Entries whose lines are in the ledger (and in the balance caches): a reversal is its own posted entry.
LEDGER_STATUSES = [EntryStatus.POSTED.value, EntryStatus.REVERSED.value]
