"""Natures, types and statuses of the books, and their allowed transitions, declared as data.

Labels are translatable (gettext_lazy). A label whose Russian depends on what it qualifies takes a context naming it
(pgettext_lazy): a status agrees with its record's gender, an audit action is a noun, not the button's verb."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Nature(models.TextChoices):
    ASSET = "ASSET", _("Asset")
    LIABILITY = "LIABILITY", _("Liability")
    EQUITY = "EQUITY", _("Equity")
    INCOME = "INCOME", _("Income")
    EXPENSE = "EXPENSE", _("Expense")


class ReportType(models.TextChoices):
    BALANCE_SHEET = "BS", _("Balance sheet")
    PROFIT_AND_LOSS = "PL", _("Profit and loss")


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
    BANK = "BANK", _("Bank")
    CASH = "CASH", _("Cash")
    CUSTOMER = "CUSTOMER", _("Customer")
    SUPPLIER = "SUPPLIER", _("Supplier")
    EMPLOYEE = "EMPLOYEE", _("Employee")
    TAX = "TAX", _("Tax")
    STOCK = "STOCK", _("Stock")
    FIXED_ASSET = "FIXED_ASSET", _("Fixed asset")
    ACCUMULATED_DEPRECIATION = "ACCUMULATED_DEPRECIATION", _("Accumulated depreciation")
    INCOME = "INCOME", _("Income")
    EXPENSE = "EXPENSE", _("Expense")
    EQUITY = "EQUITY", _("Equity")
    GENERAL = "GENERAL", _("General")


class EntryType(models.TextChoices):
    DEBIT = "DR", _("Debit")
    CREDIT = "CR", _("Credit")


class PeriodStatus(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("fiscal period", "Open")
    CLOSED = "CLOSED", pgettext_lazy("fiscal period", "Closed")


PERIOD_TRANSITIONS = {(PeriodStatus.OPEN, PeriodStatus.CLOSED), (PeriodStatus.CLOSED, PeriodStatus.OPEN)}


class JournalCategory(models.TextChoices):
    JOURNAL = "JOURNAL", _("Journal")
    PAYMENT = "PAYMENT", _("Payment")
    RECEIPT = "RECEIPT", _("Receipt")
    CONTRA = "CONTRA", _("Contra")
    SALES = "SALES", _("Sales")
    PURCHASE = "PURCHASE", _("Purchase")
    CREDIT_NOTE = "CREDIT_NOTE", _("Credit note")
    DEBIT_NOTE = "DEBIT_NOTE", _("Debit note")
    STOCK_JOURNAL = "STOCK_JOURNAL", _("Stock journal")
    DELIVERY_NOTE = "DELIVERY_NOTE", _("Delivery note")
    RECEIPT_NOTE = "RECEIPT_NOTE", _("Receipt note")
    MANUFACTURING = "MANUFACTURING", _("Manufacturing")
    PAYROLL = "PAYROLL", _("Payroll")
    DEPRECIATION = "DEPRECIATION", _("Depreciation")
    OPENING = "OPENING", _("Opening")
    CLOSING = "CLOSING", _("Closing")


class EntryStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("journal entry", "Draft")
    POSTED = "POSTED", pgettext_lazy("journal entry", "Posted")
    CANCELLED = "CANCELLED", pgettext_lazy("journal entry", "Cancelled")
    REVERSED = "REVERSED", pgettext_lazy("journal entry", "Reversed")


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
    VAT = "VAT", _("VAT")
    GST = "GST", _("GST")
    CGST = "CGST", _("CGST")
    SGST = "SGST", _("SGST")
    IGST = "IGST", _("IGST")
    CESS = "CESS", _("Cess")
    SALES_TAX = "SALES_TAX", _("Sales tax")
    WITHHOLDING = "WITHHOLDING", _("Withholding tax")
    OTHER = "OTHER", _("Other")


class BankAccountKind(models.TextChoices):
    CURRENT = "CURRENT", pgettext_lazy("bank account", "Current")
    SAVINGS = "SAVINGS", pgettext_lazy("bank account", "Savings")
    CARD = "CARD", pgettext_lazy("bank account", "Card")
    CASH = "CASH", pgettext_lazy("bank account", "Cash")
    OTHER = "OTHER", pgettext_lazy("bank account", "Other")


class BankTransactionType(models.TextChoices):
    CREDIT = "CREDIT", pgettext_lazy("bank transaction", "Credit")
    DEBIT = "DEBIT", pgettext_lazy("bank transaction", "Debit")


class BankTransactionStatus(models.TextChoices):
    UNMATCHED = "UNMATCHED", pgettext_lazy("statement line", "Unmatched")
    MATCHED = "MATCHED", pgettext_lazy("statement line", "Matched")
    RECONCILED = "RECONCILED", pgettext_lazy("statement line", "Reconciled")
    IGNORED = "IGNORED", pgettext_lazy("statement line", "Ignored")


BANK_TRANSACTION_TRANSITIONS = {
    (BankTransactionStatus.UNMATCHED, BankTransactionStatus.MATCHED),
    (BankTransactionStatus.MATCHED, BankTransactionStatus.UNMATCHED),
    (BankTransactionStatus.MATCHED, BankTransactionStatus.RECONCILED),
    (BankTransactionStatus.UNMATCHED, BankTransactionStatus.IGNORED),
    (BankTransactionStatus.IGNORED, BankTransactionStatus.UNMATCHED),
}


class BudgetStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("budget", "Draft")
    ACTIVE = "ACTIVE", pgettext_lazy("budget", "Active")
    CLOSED = "CLOSED", pgettext_lazy("budget", "Closed")


BUDGET_TRANSITIONS = {(BudgetStatus.DRAFT, BudgetStatus.ACTIVE), (BudgetStatus.ACTIVE, BudgetStatus.CLOSED)}

# Concurrent postings to one account spread their balance updates over this many cache rows per period,
# so they never queue behind one hot row (DESIGN §6). Reports sum the slots.
BALANCE_SLOTS = 8

# Entries whose lines are in the ledger (and in the balance caches): a reversal is its own posted entry.
LEDGER_STATUSES = [EntryStatus.POSTED.value, EntryStatus.REVERSED.value]
# Accounts whose movements are cash (the cash flow statement).
CASH_TYPES = [AccountType.CASH.value, AccountType.BANK.value]
# The accounts with open items (bills and their settlements, the aging), and each one's bill side.
OPEN_ITEM_SIDES = {AccountType.CUSTOMER.value: "DR", AccountType.SUPPLIER.value: "CR"}
