"""Fiscal years and their monthly periods: a posting date must fall in an OPEN period of an open year."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext

from comptoir.accounting.constants import PeriodStatus
from comptoir.platform.models import TenantModel


class FiscalYear(TenantModel):
    name = models.CharField(max_length=20)
    start_date = models.DateField()
    end_date = models.DateField()
    is_current = models.BooleanField(default=False)
    is_closed = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    closing_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(start_date__lt=F("end_date")), name="fiscal_year_start_before_end"),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(is_current=True), name="fiscal_year_one_current"
            ),
            models.UniqueConstraint(fields=["organization", "name"], name="fiscal_year_name_unique"),
        ]
        indexes = [models.Index(fields=["organization", "start_date", "end_date"], name="fiscal_year_range")]

    def __str__(self) -> str:
        return self.name


class FiscalPeriod(TenantModel):
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="periods")
    period_no = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=6, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "fiscal_year", "period_no"], name="period_no_unique"),
            models.CheckConstraint(condition=Q(start_date__lte=F("end_date")), name="period_start_before_end"),
        ]
        indexes = [models.Index(fields=["organization", "start_date", "end_date"], name="period_range")]

    def __str__(self) -> str:
        return gettext("period %(no)s (%(month)s)") % {"no": self.period_no, "month": f"{self.start_date:%Y-%m}"}
