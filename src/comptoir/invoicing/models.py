"""Invoices of every type with their lines and tax components, payments with their allocations to invoices, and
recurring invoice schedules (entities §9). An invoice's `paid_amount` caches the allocations of its completed
payments; `credited_amount` the part of its credit (debit) notes settled against it — on a note, the part of the
note settled against its original; `balance_due` (what is still open) is generated."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from comptoir.invoicing.constants import (
    INVOICE_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    EsfStatus,
    Frequency,
    InvoiceStatus,
    InvoiceType,
    PaymentDirection,
    PaymentMethod,
    PaymentStatus,
)
from comptoir.platform.models import PostableDocument, TenantModel

QTY = {"max_digits": 18, "decimal_places": 3}
RATE = {"max_digits": 18, "decimal_places": 4}
MONEY = {"max_digits": 20, "decimal_places": 4}
PCT = {"max_digits": 5, "decimal_places": 2}
FX = {"max_digits": 18, "decimal_places": 8}


def _user(**kw):
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, **kw)


class Invoice(PostableDocument):
    """A sales or purchase invoice, a credit or debit note against one, or a proforma. DRAFT while edited;
    submitting numbers it and posts its one journal entry (a proforma posts nothing); then it is immutable."""

    TRANSITIONS = INVOICE_TRANSITIONS
    NUMBER_FIELD = "invoice_number"

    invoice_number = models.CharField(max_length=50, null=True, blank=True)
    invoice_type = models.CharField(max_length=12, choices=InvoiceType.choices, default=InvoiceType.SALES)
    status = models.CharField(max_length=15, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    invoice_date = models.DateField()
    due_date = models.DateField()
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.DecimalField(**FX, default=1)
    fiscal_year = models.ForeignKey(
        "accounting.FiscalYear", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    journal_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    original_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    sales_order = models.ForeignKey(  # the sales order it invoices (from-sales-order), a credit note's too
        "sales.SalesOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recurring = models.ForeignKey(
        "invoicing.RecurringInvoice", on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
    )
    purchase_order = models.ForeignKey(  # a supplier bill of a purchase order's receipts
        "purchasing.PurchaseOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplier_invoice_number = models.CharField(max_length=100, blank=True)
    po_number = models.CharField(max_length=100, blank=True)
    reference_number = models.CharField(max_length=100, blank=True)
    payment_terms = models.CharField(max_length=10, blank=True)
    subtotal = models.DecimalField(**MONEY, default=0)  # Σ quantity × unit rate
    discount_amount = models.DecimalField(**MONEY, default=0)
    tax_amount = models.DecimalField(**MONEY, default=0)
    total_amount = models.DecimalField(**MONEY, default=0)  # subtotal − discount + tax (checked)
    paid_amount = models.DecimalField(**MONEY, default=0)
    credited_amount = models.DecimalField(**MONEY, default=0)
    balance_due = models.GeneratedField(
        expression=F("total_amount") - F("paid_amount") - F("credited_amount"),
        output_field=models.DecimalField(**MONEY),
        db_persist=True,
    )
    paid_date = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = _user(related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = _user(related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = _user(related_name="+")
    viewed_at = models.DateTimeField(null=True, blank=True)
    dunning_level = models.PositiveSmallIntegerField(default=0)
    dunned_on = models.DateField(null=True, blank=True)
    # Kazakhstan: the electronic invoice (ESF)
    esf_number = models.CharField(max_length=50, blank=True)
    esf_status = models.CharField(max_length=20, choices=EsfStatus.choices, blank=True, default="")
    esf_date = models.DateTimeField(null=True, blank=True)
    # India: GST
    place_of_supply = models.CharField(max_length=2, blank=True, help_text="GST state code")
    reverse_charge = models.BooleanField(default=False)
    irn = models.CharField(max_length=64, blank=True, help_text="GST e-invoice reference number")
    party_gstin = models.CharField(max_length=15, blank=True)
    terms_and_conditions = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-invoice_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "invoice_number"],
                condition=Q(invoice_number__isnull=False, deleted_at__isnull=True),
                name="invoice_number_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "party", "supplier_invoice_number"],
                condition=Q(invoice_type="PURCHASE") & ~Q(supplier_invoice_number="") & ~Q(status="CANCELLED"),
                name="invoice_supplier_number_unique",
            ),
            models.CheckConstraint(condition=Q(due_date__gte=F("invoice_date")), name="invoice_due_after_date"),
            models.CheckConstraint(
                condition=Q(total_amount=F("subtotal") - F("discount_amount") + F("tax_amount")),
                name="invoice_total_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0, credited_amount__gte=0),
                name="invoice_settled_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__lte=F("total_amount") - F("credited_amount")), name="invoice_not_overpaid"
            ),
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="invoice_rate_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "party", "status"], name="invoice_party_status"),
            models.Index(fields=["organization", "invoice_date"], name="invoice_date"),
            models.Index(fields=["organization", "due_date"], name="invoice_due_date"),
            models.Index(fields=["organization", "invoice_type", "status"], name="invoice_type_status"),
            models.Index(fields=["organization", "status"], name="invoice_status"),
            models.Index(fields=["organization", "original_invoice"], name="invoice_original"),
            models.Index(fields=["organization", "total_amount"], name="invoice_total"),
            models.Index(fields=["organization", "sales_order"], name="invoice_sales_order"),
        ]

    def __str__(self) -> str:
        return self.invoice_number or f"{self.get_invoice_type_display()} {self.invoice_date}"


class InvoiceLine(TenantModel):
    """A line: quantity × unit rate − discount = net; tax on the net; gross = net + tax (G17)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.TextField()
    quantity = models.DecimalField(**QTY)
    uom = models.ForeignKey("platform.UnitOfMeasure", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit_rate = models.DecimalField(**RATE)
    discount_pct = models.DecimalField(**PCT, default=0)
    discount_amount = models.DecimalField(**MONEY, default=0)
    net_amount = models.DecimalField(**MONEY, default=0)
    tax_rate = models.ForeignKey(
        "accounting.TaxRate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tax_pct = models.DecimalField(**PCT, default=0)
    tax_amount = models.DecimalField(**MONEY, default=0)
    gross_amount = models.DecimalField(**MONEY, default=0)
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cost_center = models.ForeignKey(
        "accounting.CostCenter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hsn_code = models.CharField(max_length=10, blank=True, help_text="India: HSN/SAC code")
    order_item = models.ForeignKey(  # the sales order line it invoices (or credits)
        "sales.OrderItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    purchase_order_item = models.ForeignKey(
        "purchasing.PurchaseOrderItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "invoice", "line_no"], name="invoice_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_rate__gte=0), name="invoice_line_rate_non_negative"),
            models.CheckConstraint(
                condition=Q(discount_pct__gte=0, discount_pct__lte=100), name="invoice_line_discount_pct"
            ),
            models.CheckConstraint(
                condition=Q(gross_amount=F("net_amount") + F("tax_amount")), name="invoice_line_gross_is_sum"
            ),
        ]
        indexes = [models.Index(fields=["organization", "product"], name="invoice_line_product")]


class InvoiceTax(TenantModel):
    """The invoice's tax per component (CGST 9, SGST 9, VAT 12): what its entry credits to output tax (or debits
    to input tax). Sums exactly to the invoice's tax_amount."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="taxes")
    tax_rate = models.ForeignKey("accounting.TaxRate", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=50)
    rate = models.DecimalField(**PCT)
    taxable_amount = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "invoice", "tax_rate"], name="invoice_tax_unique"),
        ]


class Payment(PostableDocument):
    """Money received from (INCOMING) or paid to (OUTGOING) a party, allocated to its invoices; what no invoice
    takes stays on the party's account (an advance, an over-payment). COMPLETED posts its receipt or payment entry;
    REFUNDED posts its reversal."""

    TRANSITIONS = PAYMENT_TRANSITIONS
    NUMBER_FIELD = "payment_number"

    payment_number = models.CharField(max_length=50, null=True, blank=True)
    direction = models.CharField(max_length=8, choices=PaymentDirection.choices, default=PaymentDirection.INCOMING)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    payment_date = models.DateField()
    amount = models.DecimalField(**MONEY)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.DecimalField(**FX, default=1)
    base_amount = models.DecimalField(**MONEY, default=0)
    allocated_amount = models.DecimalField(**MONEY, default=0)
    unallocated_amount = models.GeneratedField(
        expression=F("amount") - F("allocated_amount"), output_field=models.DecimalField(**MONEY), db_persist=True
    )
    method = models.CharField(max_length=14, choices=PaymentMethod.choices)
    bank_account = models.ForeignKey(
        "accounting.BankAccount", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(  # the cash or bank ledger account the money moves on
        "accounting.Account", on_delete=models.PROTECT, related_name="+"
    )
    journal_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_gateway = models.CharField(max_length=50, blank=True)
    transaction_id = models.CharField(max_length=255, blank=True)
    reference_number = models.CharField(max_length=100, blank=True)
    bank_name = models.CharField(max_length=255, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = _user(related_name="+")
    refunded_at = models.DateTimeField(null=True, blank=True)
    refunded_by = _user(related_name="+")
    notes = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-payment_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "payment_number"],
                condition=Q(payment_number__isnull=False),
                name="payment_number_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0, allocated_amount__lte=F("amount")),
                name="payment_not_overallocated",
            ),
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="payment_rate_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "party"], name="payment_party"),
            models.Index(fields=["organization", "payment_date"], name="payment_date"),
            models.Index(fields=["organization", "status"], name="payment_status"),
            models.Index(fields=["organization", "method"], name="payment_method"),
            models.Index(fields=["organization", "amount"], name="payment_amount"),
        ]

    def __str__(self) -> str:
        return self.payment_number or f"{self.get_direction_display()} {self.payment_date}"


class PaymentAllocation(TenantModel):
    """A part of a payment applied to one invoice of its party (in the invoice's currency). Made with the payment,
    or later from its unallocated part (then with its own settling entry, `journal_entry`)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**MONEY)
    allocated_on = models.DateField()
    allocated_at = models.DateTimeField(auto_now_add=True)
    journal_entry = models.OneToOneField(
        "accounting.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["allocated_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_allocation_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "invoice"], name="payment_allocation_invoice"),
            models.Index(fields=["organization", "payment"], name="payment_allocation_payment"),
        ]


class RecurringInvoice(TenantModel):
    """A schedule that makes an invoice like `template` every period from `start_date` (to `end_date`); the job
    makes the ones due (`next_date` ≤ today) and submits them when `auto_submit`."""

    name = models.CharField(max_length=200)
    template = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    next_date = models.DateField()
    auto_submit = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    last_invoice = models.ForeignKey(Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invoices_made = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["next_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="recurring_invoice_dates"
            ),
        ]
        indexes = [models.Index(fields=["organization", "is_active", "next_date"], name="recurring_invoice_due")]

    def __str__(self) -> str:
        return self.name
