"""The catalogue: a tree of categories, the products (never their stock: the inventory's ledger keeps it), and
price lists with their item prices."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q

from comptoir.catalog.constants import PRODUCT_TRANSITIONS, UNSTOCKED_TYPES, PriceListKind, ProductStatus, ProductType
from comptoir.platform.models import TenantModel

RATE = {"max_digits": 18, "decimal_places": 4}  # unit prices and costs (entities §0.2 `rate`)
QTY = {"max_digits": 18, "decimal_places": 3}  # quantities (entities §0.2 `qty`)


class SoftDeleted(models.Model):
    """A master deleted by marking it (G11): rows other records point to are never removed."""

    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class ProductCategory(SoftDeleted, TenantModel):
    """A node of the category tree; `path` lists the ids from the root down to it (/<root>/…/<self>/)."""

    code = models.CharField(max_length=50, null=True, blank=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=1000, db_collation="C")  # byte order: a parent sorts before its children
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "product category"
        verbose_name_plural = "product categories"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                condition=Q(deleted_at__isnull=True, code__isnull=False),
                name="product_category_code_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "parent", "name"],
                condition=Q(deleted_at__isnull=True),
                nulls_distinct=False,
                name="product_category_name_unique",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="product_category_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["organization", "parent"], name="product_category_parent"),
            models.Index(fields=["organization", "path"], name="product_category_path"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Product(SoftDeleted, TenantModel):
    """A product or stock item. Its stock (on hand, reserved) is never stored here: the inventory computes it."""

    code = models.CharField(max_length=100)
    sku = models.CharField(max_length=100, null=True, blank=True)
    barcode = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=12, choices=ProductType.choices, default=ProductType.PRODUCT)
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    uom = models.ForeignKey("platform.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=ProductStatus.choices, default=ProductStatus.ACTIVE)
    track_inventory = models.BooleanField(default=True)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    list_price = models.DecimalField(**RATE, default=0)
    standard_cost = models.DecimalField(**RATE, default=0)
    markup_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    tax_rate = models.ForeignKey(
        "accounting.TaxRate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vat_included = models.BooleanField(default=True)
    vat_exempt = models.BooleanField(default=False)
    hsn_code = models.CharField(max_length=10, blank=True)
    min_stock_level = models.DecimalField(**QTY, default=0)
    max_stock_level = models.DecimalField(**QTY, null=True, blank=True)
    reorder_point = models.DecimalField(**QTY, default=0)
    reorder_quantity = models.DecimalField(**QTY, default=0)
    weight = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True, help_text="kg")
    dimensions = models.JSONField(default=dict, blank=True, help_text="{length, width, height, unit}")
    color = models.CharField(max_length=50, blank=True)
    default_supplier = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead_time_days = models.PositiveIntegerField(null=True, blank=True)
    production_time = models.PositiveIntegerField(null=True, blank=True, help_text="minutes")
    requires_production = models.BooleanField(default=False)
    images = models.JSONField(default=list, blank=True)
    specifications = models.JSONField(default=dict, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)

    TRANSITIONS = PRODUCT_TRANSITIONS

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], condition=Q(deleted_at__isnull=True), name="product_code_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "sku"],
                condition=Q(deleted_at__isnull=True, sku__isnull=False),
                name="product_sku_unique",
            ),
            models.CheckConstraint(
                condition=~Q(type__in=sorted(UNSTOCKED_TYPES)) | Q(track_inventory=False),
                name="product_unstocked_types_untracked",
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0, standard_cost__gte=0), name="product_prices_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(min_stock_level__gte=0, reorder_point__gte=0, reorder_quantity__gte=0)
                & (Q(max_stock_level__isnull=True) | Q(max_stock_level__gte=F("min_stock_level"))),
                name="product_stock_levels",
            ),
            models.CheckConstraint(condition=~Q(sku=""), name="product_sku_null_not_blank"),
        ]
        indexes = [
            models.Index(fields=["organization", "sku"], name="product_sku"),
            models.Index(fields=["organization", "barcode"], name="product_barcode"),
            models.Index(fields=["organization", "type"], name="product_type"),
            models.Index(fields=["organization", "category"], name="product_category"),
            models.Index(fields=["organization", "status"], name="product_status"),
            models.Index(fields=["organization", "name"], name="product_name"),
            models.Index(fields=["organization", "default_supplier"], name="product_default_supplier"),
            GinIndex(fields=["tags"], name="product_tags"),
            GinIndex(fields=["specifications"], name="product_specifications"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def margin(self):
        return self.list_price - self.standard_cost

    @property
    def tag_list(self) -> str:
        return ", ".join(self.tags)


class PriceList(SoftDeleted, TenantModel):
    """Selling or buying prices in one currency, valid from a date (to another, included)."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=8, choices=PriceListKind.choices, default=PriceListKind.SELLING)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], condition=Q(deleted_at__isnull=True), name="price_list_name_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "kind", "currency"],
                condition=Q(is_default=True, is_active=True, deleted_at__isnull=True),
                name="price_list_one_default",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="price_list_valid_range"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "kind", "is_default"], name="price_list_default"),
            models.Index(fields=["organization", "valid_from", "valid_to"], name="price_list_validity"),
        ]

    def __str__(self) -> str:
        return self.name


class PriceListItem(TenantModel):
    """A product's price on a list from `min_quantity` up, valid from a date (to another, included). Windows of one
    (list, product, min_quantity) never overlap (checked by the service under the list's row lock)."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(**RATE)
    min_quantity = models.DecimalField(**QTY, default=1)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["product__code", "min_quantity", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "price_list", "product", "min_quantity", "valid_from"],
                name="price_list_item_unique",
            ),
            models.CheckConstraint(condition=Q(rate__gte=0), name="price_list_item_rate_non_negative"),
            models.CheckConstraint(condition=Q(min_quantity__gt=0), name="price_list_item_min_quantity_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="price_list_item_valid_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "product", "price_list", "valid_from"], name="price_list_item_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.price_list_id}:{self.product_id}≥{self.min_quantity}"


class PartyPriceList(TenantModel):
    """The list we sell to a party at (SELLING) or buy from it at (BUYING): at most one of each kind per party. The
    price resolution tries it before the default list (catalog.queries.pricing)."""

    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=PriceListKind.choices)
    price_list = models.ForeignKey(PriceList, on_delete=models.PROTECT, related_name="party_assignments")

    class Meta:
        ordering = ["party__name", "kind"]
        verbose_name = "party price list"
        constraints = [
            models.UniqueConstraint(fields=["organization", "party", "kind"], name="party_price_list_unique"),
        ]
        indexes = [models.Index(fields=["organization", "price_list"], name="party_price_list_list")]

    def __str__(self) -> str:
        return f"{self.party_id}:{self.kind}"
