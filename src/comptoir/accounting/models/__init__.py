from comptoir.accounting.models.bank import BankAccount, BankTransaction
from comptoir.accounting.models.budget import Budget
from comptoir.accounting.models.chart import Account, AccountGroup, CostCenter
from comptoir.accounting.models.journal import (
    AccountBalance,
    AccountDayBalance,
    CashFlowBalance,
    CashFlowDayBalance,
    JournalEntry,
    JournalLine,
    JournalType,
    OpenItem,
)
from comptoir.accounting.models.periods import FiscalPeriod, FiscalYear
from comptoir.accounting.models.tax import TaxRate

__all__ = [
    "Account",
    "AccountBalance",
    "AccountDayBalance",
    "AccountGroup",
    "BankAccount",
    "BankTransaction",
    "Budget",
    "CashFlowBalance",
    "CashFlowDayBalance",
    "CostCenter",
    "FiscalPeriod",
    "FiscalYear",
    "JournalEntry",
    "JournalLine",
    "JournalType",
    "OpenItem",
    "TaxRate",
]
