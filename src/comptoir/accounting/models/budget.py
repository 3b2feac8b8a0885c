"""Budgets by fiscal year or quarter, on a cost center (a department's), an account or a category."""

from django.db import models
from django.db.models import Q

from comptoir.accounting.constants import BudgetStatus
from comptoir.platform.models import TenantDocument
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS


class Budget(TenantDocument):
    name = models.CharField(max_length=255)
    fiscal_year = models.ForeignKey("accounting.FiscalYear", on_delete=models.PROTECT, related_name="+")
    quarter = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1-4; empty = the whole year")
    cost_center = models.ForeignKey(
        "accounting.CostCenter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category = models.CharField(max_length=100, blank=True, help_text="an account group code")
    allocated_amount = models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=BudgetStatus.choices, default=BudgetStatus.ACTIVE)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year", "quarter", "cost_center", "account", "category"],
                nulls_distinct=False,
                condition=Q(deleted_at__isnull=True),
                name="budget_scope_unique",
            ),
            models.CheckConstraint(condition=Q(allocated_amount__gte=0), name="budget_allocated_non_negative"),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="budget_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return self.name
