"""Kinds and statuses of the catalogue, and a product's allowed status changes, declared as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProductType(models.TextChoices):
    PRODUCT = "PRODUCT", _("Product")
    MATERIAL = "MATERIAL", _("Material")
    SERVICE = "SERVICE", _("Service")
    MANUFACTURED = "MANUFACTURED", _("Manufactured")
    BUNDLE = "BUNDLE", _("Bundle")
    DIGITAL = "DIGITAL", _("Digital")


# Types that are never counted in a warehouse: their products never track stock.
UNSTOCKED_TYPES = frozenset({ProductType.SERVICE, ProductType.DIGITAL})


class ProductStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("product", "Active")
    INACTIVE = "INACTIVE", pgettext_lazy("product", "Inactive")
    DISCONTINUED = "DISCONTINUED", pgettext_lazy("product", "Discontinued")


# A product is deactivated and reactivated at will; discontinued is final (it stays on old documents).
PRODUCT_TRANSITIONS = frozenset(
    {
        (ProductStatus.ACTIVE, ProductStatus.INACTIVE),
        (ProductStatus.INACTIVE, ProductStatus.ACTIVE),
        (ProductStatus.ACTIVE, ProductStatus.DISCONTINUED),
        (ProductStatus.INACTIVE, ProductStatus.DISCONTINUED),
    }
)


class PriceListKind(models.TextChoices):
    SELLING = "SELLING", _("Selling")
    BUYING = "BUYING", _("Buying")


class PriceSource(models.TextChoices):
    """Where a resolved price comes from, in the order the resolution tries them."""

    PARTY_LIST = "PARTY_LIST", _("The party's price list")
    DEFAULT_LIST = "DEFAULT_LIST", _("The default price list")
    PRODUCT = "PRODUCT", _("The product's own price")
