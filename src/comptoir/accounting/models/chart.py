"""The chart of accounts: a tree of groups whose leaves are the accounts that receive journal lines."""

from django.db import models
from django.db.models import Q

from comptoir.accounting.constants import AccountType, EntryType, Nature, ReportType
from comptoir.platform.models import TenantModel
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS


class AccountGroup(TenantModel):
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    nature = models.CharField(max_length=10, choices=Nature.choices)
    report_type = models.CharField(max_length=2, choices=ReportType.choices)
    path = models.CharField(max_length=255, help_text="materialized path of codes, e.g. /1000/1100/")
    is_system = models.BooleanField(default=False)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="account_group_code_unique")]
        indexes = [
            models.Index(fields=["organization", "parent"], name="account_group_parent"),
            models.Index(fields=["organization", "nature"], name="account_group_nature"),
            models.Index(fields=["organization", "path"], name="account_group_path"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CostCenter(TenantModel):
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="cost_center_code_unique")]
        indexes = [models.Index(fields=["organization", "is_active"], name="cost_center_active")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Account(TenantModel):
    """A ledger: the only thing journal lines post to. Its balance is computed from posted lines."""

    code = models.CharField(max_length=50)
    name = models.CharField(max_length=255)
    group = models.ForeignKey(AccountGroup, on_delete=models.PROTECT, related_name="accounts")
    account_type = models.CharField(max_length=24, choices=AccountType.choices, default=AccountType.GENERAL)
    currency = models.ForeignKey(
        "platform.Currency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="set for a foreign-currency account",
    )
    opening_balance = models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, default=0)
    opening_balance_type = models.CharField(max_length=2, choices=EntryType.choices, default=EntryType.DEBIT)
    opening_balance_fy = models.ForeignKey(
        "accounting.FiscalYear", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_bill_wise = models.BooleanField(default=False)
    is_cost_center_applicable = models.BooleanField(default=False)
    requires_reconciliation = models.BooleanField(default=False)
    is_system = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="account_code_unique"),
            models.CheckConstraint(condition=Q(opening_balance__gte=0), name="account_opening_balance_non_negative"),
        ]
        indexes = [
            models.Index(fields=["organization", "account_type"], name="account_type_idx"),
            models.Index(fields=["organization", "is_active"], name="account_active_idx"),
            models.Index(fields=["organization", "group"], name="account_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
