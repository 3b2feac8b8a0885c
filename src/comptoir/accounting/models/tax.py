"""Tax rates, possibly composite (GST 18 = CGST 9 + SGST 9), with output/input accounts and validity dates."""

from django.db import models
from django.db.models import F, Q

from comptoir.accounting.constants import TaxType
from comptoir.platform.models import TenantModel


class TaxRate(TenantModel):
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    tax_type = models.CharField(max_length=12, choices=TaxType.choices)
    rate = models.DecimalField(max_digits=6, decimal_places=2)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="components")
    output_account = models.ForeignKey(
        "accounting.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="tax payable, on sales",
    )
    input_account = models.ForeignKey(
        "accounting.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="tax receivable, on purchases",
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code", "effective_from"], name="tax_rate_code_from_unique"
            ),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=100), name="tax_rate_pct_range"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="tax_rate_effective_range",
            ),
        ]
        indexes = [models.Index(fields=["organization", "code", "effective_from"], name="tax_rate_lookup")]

    def __str__(self) -> str:
        return f"{self.code} {self.rate}%"
