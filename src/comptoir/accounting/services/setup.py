"""What a new organization gets from accounting: a small generic IFRS-style chart of accounts, the seeded journal
types and a current fiscal year (the calendar year of today). Registered with the platform's organization
initializers in AccountingConfig.ready()."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from comptoir.accounting.constants import REPORT_TYPE_OF_NATURE, AccountType, JournalCategory, Nature
from comptoir.accounting.models import Account, AccountGroup, JournalType
from comptoir.accounting.services.periods import FiscalYearInput, create_fiscal_year
from comptoir.platform.constants import AuditAction
from comptoir.platform.services.audit import record_audit
from comptoir.platform.tenancy import require_org_id

A, L, E, INC, EXP = Nature.ASSET, Nature.LIABILITY, Nature.EQUITY, Nature.INCOME, Nature.EXPENSE

# (code, name, nature, parent code)
DEFAULT_GROUPS = [
    ("1", "Assets", A, None),
    ("11", "Current assets", A, "1"),
    ("12", "Non-current assets", A, "1"),
    ("2", "Liabilities", L, None),
    ("21", "Current liabilities", L, "2"),
    ("3", "Equity", E, None),
    ("4", "Income", INC, None),
    ("5", "Expenses", EXP, None),
    ("51", "Cost of sales", EXP, "5"),
    ("52", "Operating expenses", EXP, "5"),
]

# (code, name, group code, account type, cost-center applicable)
DEFAULT_ACCOUNTS = [
    ("1000", "Cash", "11", AccountType.CASH, False),
    ("1100", "Bank", "11", AccountType.BANK, False),
    ("1200", "Accounts receivable", "11", AccountType.CUSTOMER, False),
    ("1300", "Inventory", "11", AccountType.STOCK, False),
    ("1400", "Tax receivable", "11", AccountType.TAX, False),
    ("1500", "Property, plant and equipment", "12", AccountType.FIXED_ASSET, False),
    ("1590", "Accumulated depreciation", "12", AccountType.ACCUMULATED_DEPRECIATION, False),
    ("2000", "Accounts payable", "21", AccountType.SUPPLIER, False),
    ("2100", "Tax payable", "21", AccountType.TAX, False),
    ("2200", "Salaries payable", "21", AccountType.EMPLOYEE, False),
    ("2300", "Goods received not invoiced", "21", AccountType.GENERAL, False),
    ("3000", "Share capital", "3", AccountType.EQUITY, False),
    ("3100", "Retained earnings", "3", AccountType.EQUITY, False),
    ("4000", "Revenue", "4", AccountType.INCOME, True),
    ("4800", "Exchange gains", "4", AccountType.INCOME, False),
    ("4900", "Other income", "4", AccountType.INCOME, True),
    ("5000", "Cost of goods sold", "51", AccountType.EXPENSE, True),
    ("5100", "Stock adjustments", "51", AccountType.EXPENSE, True),
    ("6000", "Salaries and wages", "52", AccountType.EXPENSE, True),
    ("6100", "Rent", "52", AccountType.EXPENSE, True),
    ("6200", "Depreciation expense", "52", AccountType.EXPENSE, True),
    ("6700", "Exchange losses", "52", AccountType.EXPENSE, False),
    ("6900", "General expenses", "52", AccountType.EXPENSE, True),
]

# (code, name, category)
DEFAULT_JOURNAL_TYPES = [
    ("JV", "Journal voucher", JournalCategory.JOURNAL),
    ("PAY", "Payment", JournalCategory.PAYMENT),
    ("RCP", "Receipt", JournalCategory.RECEIPT),
    ("CONTRA", "Contra", JournalCategory.CONTRA),
    ("SALES", "Sales", JournalCategory.SALES),
    ("PURCHASE", "Purchase", JournalCategory.PURCHASE),
    ("CN", "Credit note", JournalCategory.CREDIT_NOTE),
    ("DN", "Debit note", JournalCategory.DEBIT_NOTE),
    ("STOCK", "Stock journal", JournalCategory.STOCK_JOURNAL),
    ("MFG", "Manufacturing", JournalCategory.MANUFACTURING),
    ("OPENING", "Opening balances", JournalCategory.OPENING),
    ("CLOSING", "Year closing", JournalCategory.CLOSING),
    ("DEPRECIATION", "Depreciation", JournalCategory.DEPRECIATION),
    ("PAYROLL", "Payroll", JournalCategory.PAYROLL),
]


def install_default_chart(*, actor) -> None:
    """Install the default groups, accounts (all system rows) and journal types in the organization in context.
    Rows whose code exists already are left alone, so running it again adds only what a newer chart has (the
    audit row lists what was added)."""
    org_id = require_org_id()
    with transaction.atomic():
        existing = set(AccountGroup.objects.values_list("code", flat=True))
        groups = {g.code: g for g in AccountGroup.objects.all()}
        for code, name, nature, parent in DEFAULT_GROUPS:
            if code in existing:
                continue
            parent_row = groups[parent] if parent else None
            groups[code] = AccountGroup(
                organization_id=org_id,
                code=code,
                name=name,
                parent=parent_row,
                nature=nature,
                report_type=REPORT_TYPE_OF_NATURE[nature],
                path=f"{parent_row.path if parent_row else '/'}{code}/",
                is_system=True,
                created_by=actor,
                updated_by=actor,
            )
        new_groups = AccountGroup.objects.bulk_create([g for c, g in groups.items() if c not in existing])
        accounts = set(Account.objects.values_list("code", flat=True))
        new_accounts = Account.objects.bulk_create(
            Account(
                organization_id=org_id,
                code=code,
                name=name,
                group=groups[group],
                account_type=kind,
                is_cost_center_applicable=cc,
                is_system=True,
                created_by=actor,
                updated_by=actor,
            )
            for code, name, group, kind, cc in DEFAULT_ACCOUNTS
            if code not in accounts
        )
        journal_types = set(JournalType.objects.values_list("code", flat=True))
        new_journal_types = JournalType.objects.bulk_create(
            JournalType(
                organization_id=org_id,
                code=code,
                name=name,
                category=category,
                prefix=code,
                is_inventory=category == JournalCategory.STOCK_JOURNAL,
                is_system=True,
                created_by=actor,
                updated_by=actor,
            )
            for code, name, category in DEFAULT_JOURNAL_TYPES
            if code not in journal_types
        )
        if new_groups or new_accounts or new_journal_types:
            record_audit(
                actor=actor,
                action=AuditAction.CREATE,
                object_type="accounting.account",
                object_repr="default chart of accounts",
                metadata={
                    "groups": [g.code for g in new_groups],
                    "accounts": [a.code for a in new_accounts],
                    "journal_types": [j.code for j in new_journal_types],
                },
            )


def on_organization_created(*, organization, actor) -> None:
    """The platform's organization initializer: the default chart, journal types and the current fiscal year."""
    install_default_chart(actor=actor)
    year = timezone.now().date().year
    create_fiscal_year(
        actor=actor,
        data=FiscalYearInput(
            name=str(year),
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
            is_current=True,
        ),
    )
