"""Global masters shared by every tenant: currencies (ISO 4217), countries (ISO 3166-1), units of measure."""

from django.db import models

from comptoir.platform.models.base import GlobalModel


class Currency(GlobalModel):
    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=100)
    symbol = models.CharField(max_length=10, blank=True)
    decimal_places = models.PositiveSmallIntegerField(default=2)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "currencies"
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z]{3}$"), name="currency_code_iso4217"),
            models.CheckConstraint(condition=models.Q(decimal_places__lte=4), name="currency_decimals_lte_4"),
        ]

    def __str__(self) -> str:
        return self.code


class Country(GlobalModel):
    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)
    default_currency = models.ForeignKey(Currency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z]{2}$"), name="country_code_iso3166"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class UnitCategory(models.TextChoices):
    WEIGHT = "WEIGHT"
    LENGTH = "LENGTH"
    VOLUME = "VOLUME"
    QUANTITY = "QUANTITY"
    TIME = "TIME"
    AREA = "AREA"


class UnitOfMeasure(GlobalModel):
    symbol = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=50)
    category = models.CharField(max_length=10, choices=UnitCategory.choices)
    uqc_code = models.CharField("GST unit quantity code", max_length=10, blank=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = "unit of measure"
        verbose_name_plural = "units of measure"

    def __str__(self) -> str:
        return self.symbol
