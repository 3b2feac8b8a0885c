"""Logistics (entities §11): carriers, shipments of sales orders with their items, and the returns of delivered
shipments. Dispatching a shipment writes its OUT stock movements and its cost-of-goods-sold entry; a return writes
IN movements at the cost the goods left with, and keeps the quantities and values invoicing credits."""

from django.db import models
from django.db.models import Q

from comptoir.logistics.constants import (
    RETURN_TRANSITIONS,
    SHIPMENT_TRANSITIONS,
    ReturnStatus,
    ShipmentDirection,
    ShipmentStatus,
    TransportMode,
)
from comptoir.platform.models import PostableDocument, TenantModel

QTY = {"max_digits": 18, "decimal_places": 3}
RATE = {"max_digits": 18, "decimal_places": 4}
MONEY = {"max_digits": 18, "decimal_places": 2}
VALUE = {"max_digits": 20, "decimal_places": 4}  # stock values, as the stock ledger stores them


class Carrier(TenantModel):
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    phone = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=254, blank=True)
    gstin = models.CharField(max_length=15, blank=True, help_text="India: the transporter's GSTIN")
    transport_id = models.CharField(max_length=50, blank=True, help_text="e-way bill transporter id")
    tracking_url_template = models.CharField(max_length=500, blank=True, help_text="with {tracking_number}")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="carrier_code_unique")]
        indexes = [models.Index(fields=["organization", "is_active"], name="carrier_active")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Shipment(PostableDocument):
    """Goods of a sales order leaving a warehouse: DRAFT → READY → PICKED → IN_TRANSIT (dispatched: movements,
    cost of goods sold, reservations consumed, numbered DN-…) → OUT_FOR_DELIVERY → DELIVERED; CANCELLED before
    dispatch; RETURNED when all of it came back. No carrier: the company's own delivery."""

    TRANSITIONS = SHIPMENT_TRANSITIONS
    NUMBER_FIELD = "shipment_number"

    shipment_number = models.CharField(max_length=50, null=True, blank=True)
    direction = models.CharField(max_length=8, choices=ShipmentDirection.choices, default=ShipmentDirection.OUTBOUND)
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.SET_NULL, null=True, related_name="+")
    invoice_id = models.UUIDField(null=True, blank=True, help_text="the invoice of the shipment (invoicing's)")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="shipments")
    tracking_number = models.CharField(max_length=100, blank=True)
    shipping_method = models.CharField(max_length=100, blank=True)
    shipped_date = models.DateField(null=True, blank=True)
    expected_delivery = models.DateField(null=True, blank=True)
    actual_delivery = models.DateField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    from_warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    from_address = models.ForeignKey(
        "platform.OrganizationAddress", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_address = models.ForeignKey(
        "parties.PartyAddress", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_address_snapshot = models.JSONField(default=dict, blank=True)
    vehicle_number = models.CharField(max_length=50, blank=True)
    driver_name = models.CharField(max_length=100, blank=True)
    driver_phone = models.CharField(max_length=20, blank=True)
    eway_bill_number = models.CharField(max_length=50, blank=True, help_text="India: e-way bill number")
    eway_bill_date = models.DateField(null=True, blank=True)
    eway_bill_valid_until = models.DateField(null=True, blank=True)
    transport_mode = models.CharField(max_length=4, choices=TransportMode.choices, blank=True)
    transport_distance_km = models.PositiveIntegerField(null=True, blank=True)
    shipping_cost = models.DecimalField(**MONEY, default=0)
    journal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_cost = models.DecimalField(**VALUE, default=0, help_text="what the goods left the stock at")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "shipment_number"],
                condition=Q(shipment_number__isnull=False),
                name="shipment_number_unique",
            ),
            models.CheckConstraint(condition=Q(shipping_cost__gte=0), name="shipment_cost_non_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["DRAFT", "READY", "PICKED", "CANCELLED"]) | Q(shipped_date__isnull=False),
                name="shipment_dispatched_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="shipment_status"),
            models.Index(fields=["organization", "shipped_date"], name="shipment_shipped_date"),
            models.Index(fields=["organization", "sales_order"], name="shipment_order"),
            models.Index(fields=["organization", "invoice_id"], name="shipment_invoice"),
        ]

    def __str__(self) -> str:
        return self.shipment_number or f"Draft shipment {str(self.pk)[-6:]}"


class ShipmentItem(TenantModel):
    """A line of a shipment against an order line; `picks` lists the batches it left from (FEFO) with their
    quantities and values, written at dispatch."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items")
    line_no = models.PositiveIntegerField()
    order_item = models.ForeignKey("sales.OrderItem", on_delete=models.SET_NULL, null=True, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    uom = models.ForeignKey("platform.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey("inventory.StockBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    package_number = models.CharField(max_length=50, blank=True)
    invoice_line_id = models.UUIDField(null=True, blank=True)
    cost = models.DecimalField(**VALUE, default=0)
    picks = models.JSONField(default=list, blank=True)
    returned_quantity = models.DecimalField(**QTY, default=0)

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "shipment", "line_no"], name="shipment_item_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_item_quantity_positive"),
            models.CheckConstraint(
                condition=Q(returned_quantity__gte=0) & Q(returned_quantity__lte=models.F("quantity")),
                name="shipment_item_returned_within",
            ),
        ]
        indexes = [models.Index(fields=["organization", "product"], name="shipment_item_product")]


class ShipmentReturn(PostableDocument):
    """Goods of a delivered shipment that came back: IN movements at the cost they left with (Dr inventory, Cr cost
    of goods sold), the order lines' returned quantities, and what invoicing credits (`credit_note_id` once it
    has)."""

    TRANSITIONS = RETURN_TRANSITIONS
    NUMBER_FIELD = "return_number"

    return_number = models.CharField(max_length=50, null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="returns")
    sales_order = models.ForeignKey("sales.SalesOrder", on_delete=models.SET_NULL, null=True, related_name="+")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    return_date = models.DateField()
    to_warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    journal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_cost = models.DecimalField(**VALUE, default=0)
    net_amount = models.DecimalField(**MONEY, default=0)
    tax_amount = models.DecimalField(**MONEY, default=0)
    gross_amount = models.DecimalField(**MONEY, default=0)
    credit_note_id = models.UUIDField(null=True, blank=True, help_text="the credit note invoicing issued for it")

    class Meta:
        ordering = ["-return_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "return_number"],
                condition=Q(return_number__isnull=False),
                name="shipment_return_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "sales_order"], name="shipment_return_order"),
            models.Index(fields=["organization", "credit_note_id"], name="shipment_return_credit"),
        ]

    def __str__(self) -> str:
        return self.return_number or "Draft return"


class ShipmentReturnLine(TenantModel):
    """A returned quantity of a shipment item: its cost (`rate`, `cost`: as it left) and its selling value (the
    order line's net and tax for that quantity), for the credit note."""

    shipment_return = models.ForeignKey(ShipmentReturn, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    shipment_item = models.ForeignKey(ShipmentItem, on_delete=models.PROTECT, related_name="+")
    order_item = models.ForeignKey("sales.OrderItem", on_delete=models.SET_NULL, null=True, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    cost = models.DecimalField(**VALUE)
    unit_rate = models.DecimalField(**RATE, default=0)
    net_amount = models.DecimalField(**MONEY, default=0)
    tax_amount = models.DecimalField(**MONEY, default=0)

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "shipment_return", "line_no"], name="return_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity_positive"),
        ]
