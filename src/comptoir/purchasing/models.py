"""Purchasing (entities §8): requisitions and their lines, purchase orders and their items, goods receipts (each a
STOCK journal entry with IN movements) and supplier returns (OUT movements at the receipt's cost).

An order item counts what was received (`received_quantity`, net of returns and cancelled receipts) and what was
billed (`billed_quantity`, written by invoicing through `services.billing`); the order's status rolls up from
them. Amounts are in the order's currency (net / tax / gross per line, G17); values of receipts in the base
currency, as the stock ledger holds them."""

from django.db import models
from django.db.models import F, Q

from comptoir.platform.models import PostableDocument, TenantDocument, TenantModel
from comptoir.purchasing.constants import (
    ORDER_TRANSITIONS,
    RECEIPT_TRANSITIONS,
    REQUISITION_TRANSITIONS,
    RETURN_TRANSITIONS,
    OrderStatus,
    Priority,
    RequisitionStatus,
)

QTY = {"max_digits": 18, "decimal_places": 3}
RATE = {"max_digits": 18, "decimal_places": 4}
MONEY = {"max_digits": 20, "decimal_places": 4}
PCT = {"max_digits": 6, "decimal_places": 2}
FX = {"max_digits": 18, "decimal_places": 8}


class PurchaseRequisition(TenantDocument):
    """A request to buy (entities §8, 000 Procurement): DRAFT → SUBMITTED → APPROVED (by someone other than the
    requester) → ORDERED (only by conversion into a purchase order); SUBMITTED → REJECTED; cancelled before it is
    ordered. `requested_by` is a user (the HR module that would hold employees and departments is not built)."""

    TRANSITIONS = REQUISITION_TRANSITIONS

    requisition_number = models.CharField(max_length=50)
    requested_by = models.ForeignKey("identity.User", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    request_date = models.DateField()
    required_date = models.DateField(null=True, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RequisitionStatus.choices, default=RequisitionStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    purchase_order = models.ForeignKey(
        "purchasing.PurchaseOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_amount = models.DecimalField(**MONEY, default=0)

    class Meta:
        ordering = ["-request_date", "-requisition_number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "requisition_number"], name="requisition_number_unique"),
        ]
        indexes = [models.Index(fields=["organization", "status", "request_date"], name="requisition_status_date")]

    def __str__(self) -> str:
        return self.requisition_number


class PurchaseRequisitionLine(TenantModel):
    requisition = models.ForeignKey(PurchaseRequisition, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    item_name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(**QTY)
    unit_price = models.DecimalField(**RATE, default=0)
    total_price = models.DecimalField(**MONEY, default=0)  # quantity × unit_price (an estimate)

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "requisition", "line_no"], name="requisition_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="requisition_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="requisition_line_price_non_negative"),
        ]


class PurchaseOrder(TenantDocument):
    """An order to a supplier (SUPPLIER or BOTH, not blacklisted). DRAFT (editable) → PENDING (submitted) →
    CONFIRMED (approved first when its total is above the threshold) → IN_PROGRESS (partly received) → COMPLETED
    (received) → BILLED; CLOSED by hand; ON_HOLD ↔; cancelled while nothing is received."""

    TRANSITIONS = ORDER_TRANSITIONS

    order_number = models.CharField(max_length=50)
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    requisition = models.ForeignKey(
        PurchaseRequisition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    status_before_hold = models.CharField(max_length=12, blank=True)
    order_date = models.DateField()
    expected_date = models.DateField(null=True, blank=True)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.DecimalField(**FX, default=1)
    supplier_quote_ref = models.CharField(max_length=50, blank=True)
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    subtotal = models.DecimalField(**MONEY, default=0)
    tax_amount = models.DecimalField(**MONEY, default=0)
    discount_amount = models.DecimalField(**MONEY, default=0)
    shipping_cost = models.DecimalField(**MONEY, default=0)
    total_amount = models.GeneratedField(
        expression=F("subtotal") + F("tax_amount") + F("shipping_cost") - F("discount_amount"),
        output_field=models.DecimalField(**MONEY),
        db_persist=True,
    )
    terms_and_conditions = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-order_date", "-order_number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "order_number"], name="purchase_order_number_unique"),
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="purchase_order_rate_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "party", "status"], name="purchase_order_party_status"),
            models.Index(fields=["organization", "order_date"], name="purchase_order_date"),
            models.Index(fields=["organization", "status"], name="purchase_order_status"),
        ]

    def __str__(self) -> str:
        return self.order_number


class PurchaseOrderItem(TenantModel):
    """An order line: net = quantity × unit_rate − discount; tax from its rate (accounting's one computation);
    gross = net + tax (G17). `received_quantity` and `billed_quantity` roll the order's status up."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="items")
    line_no = models.PositiveIntegerField()
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    product_code = models.CharField(max_length=100)
    product_name = models.CharField(max_length=500)
    description = models.CharField(max_length=255, blank=True)
    uom = models.ForeignKey("platform.UnitOfMeasure", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    unit_rate = models.DecimalField(**RATE)
    discount_pct = models.DecimalField(**PCT, default=0)
    discount_amount = models.DecimalField(**MONEY, default=0)
    tax_rate = models.ForeignKey(
        "accounting.TaxRate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tax_pct = models.DecimalField(**PCT, default=0)
    tax_amount = models.DecimalField(**MONEY, default=0)
    net_amount = models.DecimalField(**MONEY, default=0)
    gross_amount = models.DecimalField(**MONEY, default=0)  # net_amount + tax_amount
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    received_quantity = models.DecimalField(**QTY, default=0)
    billed_quantity = models.DecimalField(**QTY, default=0)
    returned_quantity = models.DecimalField(**QTY, default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "order", "line_no"], name="purchase_order_item_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="purchase_order_item_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_rate__gte=0), name="purchase_order_item_rate_non_negative"),
            models.CheckConstraint(condition=Q(received_quantity__gte=0), name="purchase_order_item_received_ge0"),
            models.CheckConstraint(condition=Q(billed_quantity__gte=0), name="purchase_order_item_billed_ge0"),
        ]
        indexes = [models.Index(fields=["organization", "product"], name="purchase_order_item_product")]


class GoodsReceipt(PostableDocument):
    """Goods received against an order: POSTED at once (IN movements at the order's price in base currency, one
    STOCK entry Dr inventory, Cr goods received not billed; numbered GRN-…), CANCELLED by the opposite movements
    and the reversal of its entry while nothing of it is billed or issued further."""

    TRANSITIONS = RECEIPT_TRANSITIONS
    NUMBER_FIELD = "receipt_number"

    receipt_number = models.CharField(max_length=50, null=True, blank=True)
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    supplier_delivery_note = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    journal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_value = models.DecimalField(**MONEY, default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "receipt_number"],
                condition=Q(receipt_number__isnull=False),
                name="goods_receipt_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "order"], name="goods_receipt_order"),
            models.Index(fields=["organization", "date"], name="goods_receipt_date"),
        ]

    def __str__(self) -> str:
        return self.receipt_number or str(self.date)


class GoodsReceiptLine(TenantModel):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    order_item = models.ForeignKey(PurchaseOrderItem, on_delete=models.PROTECT, related_name="receipt_lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey("inventory.StockBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(**QTY)
    unit_cost = models.DecimalField(**RATE)  # the order's net unit price in base currency
    value = models.DecimalField(**MONEY, default=0)
    returned_quantity = models.DecimalField(**QTY, default=0)
    movement = models.ForeignKey(
        "inventory.StockMovement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "receipt", "line_no"], name="goods_receipt_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="goods_receipt_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(returned_quantity__gte=0) & Q(returned_quantity__lte=F("quantity")),
                name="goods_receipt_line_returned_in_range",
            ),
        ]


class SupplierReturn(PostableDocument):
    """Goods sent back against a receipt: OUT movements at the receipt's cost and one STOCK entry Dr goods received
    not billed (or the supplier's account for what was already billed: `debit_note_amount`, what a debit note
    should claim), Cr inventory."""

    TRANSITIONS = RETURN_TRANSITIONS
    NUMBER_FIELD = "return_number"

    return_number = models.CharField(max_length=50, null=True, blank=True)
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.PROTECT, related_name="returns")
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="returns")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    reason = models.TextField(blank=True)
    journal_entry = models.ForeignKey(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total_value = models.DecimalField(**MONEY, default=0)
    debit_note_amount = models.DecimalField(**MONEY, default=0)  # the billed part, owed back by the supplier
    debit_note_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "return_number"],
                condition=Q(return_number__isnull=False),
                name="supplier_return_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["organization", "receipt"], name="supplier_return_receipt")]

    def __str__(self) -> str:
        return self.return_number or str(self.date)


class SupplierReturnLine(TenantModel):
    supplier_return = models.ForeignKey(SupplierReturn, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    receipt_line = models.ForeignKey(GoodsReceiptLine, on_delete=models.PROTECT, related_name="return_lines")
    order_item = models.ForeignKey(PurchaseOrderItem, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QTY)
    billed_quantity = models.DecimalField(**QTY, default=0)  # of `quantity`, the part already billed
    value = models.DecimalField(**MONEY, default=0)

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "supplier_return", "line_no"], name="supplier_return_line_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supplier_return_line_quantity_positive"),
        ]
