"""Sales orders and their lines (entities §7). Amounts per line follow G17: net = quantity × unit rate − discount,
tax on the net (or inside the gross when the order's prices include tax), gross = net + tax, each rounded half up
to the currency's decimals; the header's subtotal and tax are the sums of the lines. The lines' shipped, delivered,
invoiced and returned quantities are written by the services that move them (logistics, invoicing) through
`sales.services`, and the order's status rolls up from them."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from comptoir.platform.models import TenantDocument, TenantModel
from comptoir.sales.constants import ORDER_TRANSITIONS, OrderStatus, PaymentTerms, Priority

QTY = {"max_digits": 18, "decimal_places": 3}
RATE = {"max_digits": 18, "decimal_places": 4}
MONEY = {"max_digits": 18, "decimal_places": 2}
PCT = {"max_digits": 6, "decimal_places": 2}


class SalesOrder(TenantDocument):
    """A customer's order: DRAFT → PENDING → CONFIRMED (credit checked, stock reserved) → IN_PROGRESS → SHIPPED →
    DELIVERED → COMPLETED; ON_HOLD and back; CANCELLED while nothing shipped; RETURNED when all came back."""

    TRANSITIONS = ORDER_TRANSITIONS

    order_number = models.CharField(max_length=50)
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    parent_order = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_status = models.CharField(max_length=12, choices=OrderStatus.choices, blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    category = models.CharField(max_length=50, blank=True)
    order_date = models.DateField()
    required_date = models.DateField(null=True, blank=True)
    promised_date = models.DateField(null=True, blank=True)
    delivery_date = models.DateField(null=True, blank=True, help_text="expected delivery")
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    prices_include_tax = models.BooleanField(default=False)
    price_list = models.ForeignKey(
        "catalog.PriceList", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer_po_number = models.CharField(max_length=50, blank=True)
    payment_terms = models.CharField(max_length=10, choices=PaymentTerms.choices, blank=True)
    shipping_method = models.CharField(max_length=100, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subtotal = models.DecimalField(**MONEY, default=0)
    tax_amount = models.DecimalField(**MONEY, default=0)
    discount_amount = models.DecimalField(**MONEY, default=0, help_text="a discount on the whole order")
    shipping_cost = models.DecimalField(**MONEY, default=0)
    total_amount = models.GeneratedField(
        expression=F("subtotal") + F("tax_amount") + F("shipping_cost") - F("discount_amount"),
        output_field=models.DecimalField(**MONEY),
        db_persist=True,
    )
    approved_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    credit_override = models.BooleanField(default=False, help_text="confirmed beyond the credit limit")
    shipped_date = models.DateField(null=True, blank=True)
    delivered_date = models.DateField(null=True, blank=True)
    terms_and_conditions = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-order_date", "-order_number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "order_number"], name="sales_order_number_unique"),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0)
                & Q(tax_amount__gte=0)
                & Q(discount_amount__gte=0)
                & Q(shipping_cost__gte=0),
                name="sales_order_amounts_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "party", "status"], name="sales_order_party_status"),
            models.Index(fields=["organization", "order_date"], name="sales_order_date"),
            models.Index(fields=["organization", "status"], name="sales_order_status"),
            models.Index(fields=["organization", "workspace", "status", "order_date"], name="sales_order_ws"),
        ]

    def __str__(self) -> str:
        return self.order_number


class OrderItem(TenantModel):
    """A line of a sales order (entities §7 OrderItem; a purchase order's lines are purchasing's own table)."""

    sales_order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    product_code = models.CharField(max_length=100)
    product_name = models.CharField(max_length=500)
    description = models.CharField(max_length=255, blank=True)
    quantity = models.DecimalField(**QTY)
    uom = models.ForeignKey("platform.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    unit_rate = models.DecimalField(**RATE)
    price_source = models.CharField(max_length=20, blank=True)
    unit_cost = models.DecimalField(**RATE, null=True, blank=True, help_text="the cost it left the stock at")
    discount_pct = models.DecimalField(**PCT, default=0)
    discount_amount = models.DecimalField(**MONEY, default=0)
    tax_rate = models.ForeignKey(
        "accounting.TaxRate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tax_pct = models.DecimalField(**PCT, default=0)
    net_amount = models.DecimalField(**MONEY)
    tax_amount = models.DecimalField(**MONEY, default=0)
    gross_amount = models.DecimalField(**MONEY)
    is_goods = models.BooleanField(default=True, help_text="a good that ships and is invoiced as delivered")
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shipped_quantity = models.DecimalField(**QTY, default=0)
    delivered_quantity = models.DecimalField(**QTY, default=0)
    invoiced_quantity = models.DecimalField(**QTY, default=0)
    returned_quantity = models.DecimalField(**QTY, default=0)
    requires_production = models.BooleanField(default=False)
    production_notes = models.TextField(blank=True)
    specifications = models.JSONField(default=dict, blank=True)
    quality_requirements = models.JSONField(default=dict, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "sales_order", "line_no"], name="order_item_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_rate__gte=0), name="order_item_rate_non_negative"),
            models.CheckConstraint(
                condition=Q(discount_pct__gte=0) & Q(discount_pct__lte=100), name="order_item_discount_pct_range"
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0)
                & Q(delivered_quantity__gte=0)
                & Q(invoiced_quantity__gte=0)
                & Q(returned_quantity__gte=0),
                name="order_item_quantities_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=F("shipped_quantity"))
                & Q(returned_quantity__lte=F("delivered_quantity")),
                name="order_item_delivered_within_shipped",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "product"], name="order_item_product"),
            models.Index(fields=["organization", "product_code"], name="order_item_product_code"),
        ]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.product_code}"

    @property
    def open_quantity(self):
        """What is still to ship."""
        return max(self.quantity - self.shipped_quantity, 0)

    @property
    def invoiceable_quantity(self):
        """What may still be invoiced: goods as delivered and kept, services as ordered."""
        cap = self.delivered_quantity - self.returned_quantity if self.is_goods else self.quantity
        return max(cap - self.invoiced_quantity, 0)
