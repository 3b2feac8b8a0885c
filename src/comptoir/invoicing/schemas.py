"""Request and response shapes of the invoicing API. Quantities, rates and amounts are decimal strings;
references take an id or a code (a party's number, a product's, tax rate's, account's code; an invoice's number)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from comptoir.invoicing.constants import (
    EsfStatus,
    Frequency,
    InvoiceStatus,
    InvoiceType,
    PaymentDirection,
    PaymentMethod,
    PaymentStatus,
)
from comptoir.platform.schemas.base import AmountString, DecimalString, Input, Page

QUANTITY = {"gt": 0, "max_digits": 18, "decimal_places": 3}
UNIT_RATE = {"ge": 0, "max_digits": 18, "decimal_places": 4}
PERCENT = {"ge": 0, "le": 100, "max_digits": 5, "decimal_places": 2}
AMOUNT = {"gt": 0, "max_digits": 20, "decimal_places": 4}
FX_RATE = {"gt": 0, "max_digits": 18, "decimal_places": 8}

# --- invoices -----------------------------------------------------------------------------------------------------


class InvoiceLineIn(Input):
    product: str | None = Field(None, description="id or code; optional for a service or free-text line")
    description: str = Field("", max_length=5000, description="default: the product's name")
    quantity: Decimal = Field(**QUANTITY)
    unit_rate: Decimal = Field(**UNIT_RATE)
    discount_pct: Decimal = Field(Decimal(0), **PERCENT)
    tax_rate: str | None = Field(None, description="id or code; default: the product's rate")
    account: str | None = Field(None, description="id or code of the income or expense account; default: settings")
    cost_center: str | None = None
    hsn_code: str = Field("", max_length=10)
    notes: str = Field("", max_length=5000)


class _InvoiceHeader(Input):
    supplier_invoice_number: str = Field("", max_length=100)
    po_number: str = Field("", max_length=100)
    reference_number: str = Field("", max_length=100)
    terms_and_conditions: str = Field("", max_length=20000)
    notes: str = Field("", max_length=20000)
    internal_notes: str = Field("", max_length=20000)
    place_of_supply: str = Field("", max_length=2, description="India: the GST state code")
    reverse_charge: bool = False
    esf_number: str = Field("", max_length=50, description="Kazakhstan: the ESF number")


class InvoiceIn(_InvoiceHeader):
    invoice_type: InvoiceType = InvoiceType.SALES
    party: str = Field(min_length=1, description="id or number of the party")
    invoice_date: datetime.date
    due_date: datetime.date | None = Field(None, description="default: the invoice date + the party's credit days")
    currency: str | None = Field(None, min_length=3, max_length=3, description="ISO code; default: base currency")
    exchange_rate: Decimal | None = Field(None, **FX_RATE, description="default: the books' rate of the day")
    original_invoice: str | None = Field(None, description="a note's original invoice: id or number")
    lines: list[InvoiceLineIn] = Field(min_length=1, max_length=1000)
    submit: bool = False


class InvoicePatchIn(Input):
    party: str = Field(None, min_length=1)
    invoice_date: datetime.date = None
    due_date: datetime.date | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    exchange_rate: Decimal | None = Field(None, **FX_RATE)
    supplier_invoice_number: str = Field(None, max_length=100)
    po_number: str = Field(None, max_length=100)
    reference_number: str = Field(None, max_length=100)
    terms_and_conditions: str = Field(None, max_length=20000)
    notes: str = Field(None, max_length=20000)
    internal_notes: str = Field(None, max_length=20000)
    place_of_supply: str = Field(None, max_length=2)
    reverse_charge: bool = None
    esf_number: str = Field(None, max_length=50)
    esf_status: EsfStatus = None
    lines: list[InvoiceLineIn] = Field(None, min_length=1, max_length=1000)


class InvoiceFilters(Schema):
    invoice_type: InvoiceType | None = None
    status: InvoiceStatus | None = None
    party: str | None = Field(None, description="id or number")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str | None = Field(None, description="part of the number or the party's name")


class InvoiceLineOut(Schema):
    id: uuid.UUID
    order_item: uuid.UUID | None = None  # the sales order line it invoices

    @staticmethod
    def resolve_order_item(obj):
        return obj.order_item_id

    purchase_order_item: uuid.UUID | None = None  # the purchase order line it bills

    @staticmethod
    def resolve_purchase_order_item(obj):
        return obj.purchase_order_item_id

    line_no: int
    product: uuid.UUID | None
    product_code: str | None
    description: str
    quantity: DecimalString
    unit_rate: DecimalString
    discount_pct: DecimalString
    discount_amount: AmountString
    net_amount: AmountString
    tax_rate: str | None
    tax_pct: DecimalString
    tax_amount: AmountString
    gross_amount: AmountString
    account: str
    hsn_code: str

    @staticmethod
    def resolve_product(obj):
        return obj.product_id

    @staticmethod
    def resolve_product_code(obj):
        return obj.product.code if obj.product_id else None

    @staticmethod
    def resolve_tax_rate(obj):
        return obj.tax_rate.code if obj.tax_rate_id else None

    @staticmethod
    def resolve_account(obj):
        return obj.account.code


class InvoiceTaxOut(Schema):
    code: str
    rate: DecimalString
    taxable_amount: AmountString
    amount: AmountString
    account: str

    @staticmethod
    def resolve_account(obj):
        return obj.account.code


class InvoiceOut(Schema):
    id: uuid.UUID
    invoice_number: str | None
    invoice_type: str
    status: str
    party: uuid.UUID
    party_number: str
    party_name: str
    invoice_date: datetime.date
    due_date: datetime.date
    currency: str
    exchange_rate: DecimalString
    original_invoice: uuid.UUID | None
    supplier_invoice_number: str
    reference_number: str
    subtotal: AmountString
    discount_amount: AmountString
    tax_amount: AmountString
    total_amount: AmountString
    paid_amount: AmountString
    credited_amount: AmountString
    balance_due: AmountString
    journal_entry: uuid.UUID | None
    journal_entry_number: str | None
    dunning_level: int
    sent_at: datetime.datetime | None
    esf_number: str
    esf_status: str
    place_of_supply: str
    reverse_charge: bool
    party_gstin: str
    version: int

    @staticmethod
    def resolve_party(obj):
        return obj.party_id

    @staticmethod
    def resolve_party_number(obj):
        return obj.party.party_number

    @staticmethod
    def resolve_party_name(obj):
        return obj.party.name

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code

    @staticmethod
    def resolve_original_invoice(obj):
        return obj.original_invoice_id

    @staticmethod
    def resolve_journal_entry(obj):
        return obj.journal_entry_id

    @staticmethod
    def resolve_journal_entry_number(obj):
        return obj.journal_entry.entry_number if obj.journal_entry_id else None


class InvoiceAllocationOut(Schema):
    payment: uuid.UUID
    payment_number: str | None
    payment_status: str
    amount: AmountString
    allocated_on: datetime.date

    @staticmethod
    def resolve_payment(obj):
        return obj.payment_id

    @staticmethod
    def resolve_payment_number(obj):
        return obj.payment.payment_number

    @staticmethod
    def resolve_payment_status(obj):
        return obj.payment.status


class InvoiceDetail(InvoiceOut):
    lines: list[InvoiceLineOut]
    taxes: list[InvoiceTaxOut]
    payments: list[InvoiceAllocationOut]
    sales_order: uuid.UUID | None = None  # the sales order it invoices (or whose return it credits)

    @staticmethod
    def resolve_sales_order(obj):
        return obj.sales_order_id

    purchase_order: uuid.UUID | None = None  # the purchase order whose receipts it bills

    @staticmethod
    def resolve_purchase_order(obj):
        return obj.purchase_order_id

    notes_against: list[uuid.UUID]
    terms_and_conditions: str
    notes: str
    internal_notes: str
    po_number: str

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product", "tax_rate", "account"))

    @staticmethod
    def resolve_taxes(obj):
        return list(obj.taxes.select_related("account"))

    @staticmethod
    def resolve_payments(obj):
        return list(obj.allocations.select_related("payment"))

    @staticmethod
    def resolve_notes_against(obj):
        return list(obj.corrections.values_list("pk", flat=True))


class InvoicePage(Page):
    items: list[InvoiceOut]


class ReasonIn(Input):
    reason: str = Field("", max_length=1000)


class SendIn(Input):
    to: list[str] = Field(None, description="addresses; default: the party's e-mail")
    language: str = Field("en", pattern="^(en|ru)$")


# --- payments -----------------------------------------------------------------------------------------------------


class AllocationIn(Input):
    invoice: str = Field(min_length=1, description="id or number")
    amount: Decimal = Field(**AMOUNT)


class PaymentIn(Input):
    direction: PaymentDirection = PaymentDirection.INCOMING
    party: str = Field(min_length=1, description="id or number of the party")
    payment_date: datetime.date
    amount: Decimal = Field(**AMOUNT)
    method: PaymentMethod
    currency: str | None = Field(None, min_length=3, max_length=3)
    exchange_rate: Decimal | None = Field(None, **FX_RATE)
    bank_account: str | None = Field(None, description="id of one of our bank accounts")
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=1000)
    reference_number: str = Field("", max_length=100)
    transaction_id: str = Field("", max_length=255)
    payment_gateway: str = Field("", max_length=50)
    bank_name: str = Field("", max_length=255)
    notes: str = Field("", max_length=20000)
    complete: bool | None = Field(None, description="default: at once for cash and bank transfers")


class AllocateIn(Input):
    allocations: list[AllocationIn] = Field(min_length=1, max_length=1000)
    date: datetime.date | None = None


class RefundIn(Input):
    date: datetime.date | None = None
    reason: str = Field("", max_length=1000)


class PaymentFilters(Schema):
    direction: PaymentDirection | None = None
    status: PaymentStatus | None = None
    method: PaymentMethod | None = None
    party: str | None = None
    invoice: uuid.UUID | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class PaymentAllocationOut(Schema):
    invoice: uuid.UUID
    invoice_number: str | None
    amount: AmountString
    allocated_on: datetime.date
    journal_entry: uuid.UUID | None

    @staticmethod
    def resolve_invoice(obj):
        return obj.invoice_id

    @staticmethod
    def resolve_invoice_number(obj):
        return obj.invoice.invoice_number

    @staticmethod
    def resolve_journal_entry(obj):
        return obj.journal_entry_id


class PaymentOut(Schema):
    id: uuid.UUID
    payment_number: str | None
    direction: str
    status: str
    party: uuid.UUID
    party_name: str
    payment_date: datetime.date
    amount: AmountString
    currency: str
    exchange_rate: DecimalString
    base_amount: AmountString
    allocated_amount: AmountString
    unallocated_amount: AmountString
    method: str
    bank_account: uuid.UUID | None
    account: str
    journal_entry: uuid.UUID | None
    journal_entry_number: str | None
    refund_entry: uuid.UUID | None
    reference_number: str

    @staticmethod
    def resolve_party(obj):
        return obj.party_id

    @staticmethod
    def resolve_party_name(obj):
        return obj.party.name

    @staticmethod
    def resolve_currency(obj):
        return obj.currency.code

    @staticmethod
    def resolve_bank_account(obj):
        return obj.bank_account_id

    @staticmethod
    def resolve_account(obj):
        return obj.account.code

    @staticmethod
    def resolve_journal_entry(obj):
        return obj.journal_entry_id

    @staticmethod
    def resolve_journal_entry_number(obj):
        return obj.journal_entry.entry_number if obj.journal_entry_id else None

    @staticmethod
    def resolve_refund_entry(obj):
        return obj.refund_entry_id


class PaymentDetail(PaymentOut):
    allocations: list[PaymentAllocationOut]
    notes: str

    @staticmethod
    def resolve_allocations(obj):
        return list(obj.allocations.select_related("invoice"))


class PaymentPage(Page):
    items: list[PaymentOut]


# --- schedules, aging, statements ---------------------------------------------------------------------------------


class RecurringIn(Input):
    name: str = Field(min_length=1, max_length=200)
    template: str = Field(min_length=1, description="the invoice repeated: id or number")
    frequency: Frequency = Frequency.MONTHLY
    start_date: datetime.date
    end_date: datetime.date | None = None
    auto_submit: bool = False


class RecurringOut(Schema):
    id: uuid.UUID
    name: str
    template: uuid.UUID
    frequency: str
    start_date: datetime.date
    end_date: datetime.date | None
    next_date: datetime.date
    auto_submit: bool
    is_active: bool
    invoices_made: int

    @staticmethod
    def resolve_template(obj):
        return obj.template_id


class RecurringPage(Page):
    items: list[RecurringOut]


class InvoiceAgingParams(Schema):
    kind: str = Field("receivable", pattern="^(receivable|payable)$")
    as_of: datetime.date | None = None


class InvoiceAgingRowOut(Schema):
    document: str = Field(description="invoice, or payment (its part no invoice took: an advance, an over-payment)")
    id: uuid.UUID
    number: str | None
    type: str = Field(description="the invoice's type or the payment's direction")
    date: datetime.date
    due_date: datetime.date = Field(description="a payment's date for a payment")
    party: uuid.UUID
    party_number: str
    party_name: str
    currency: str
    total_amount: AmountString
    outstanding: AmountString = Field(description="in the document's currency, negative when owed the other way")
    base_outstanding: AmountString = Field(description="in the base currency: the document's open item in the books")
    days_overdue: int
    bucket: str


class InvoiceAgingPartyOut(Schema):
    party: uuid.UUID
    party_number: str
    name: str
    buckets: dict[str, AmountString]
    total: AmountString


class InvoiceAgingOut(Schema):
    kind: str
    as_of: datetime.date
    currency: str
    parties: list[InvoiceAgingPartyOut]
    rows: list[InvoiceAgingRowOut]
    buckets: dict[str, AmountString]
    total: AmountString


class InvoiceStatementParams(Schema):
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class InvoiceOrderIn(Input):
    """`POST /sales/orders/{id}/invoice`: the order is the path's."""

    invoice_date: datetime.date
    submit: bool = False


class OrderInvoiceIn(InvoiceOrderIn):
    sales_order: str = Field(min_length=1, description="id or number of the sales order")


class ReturnCreditIn(Input):
    sales_return: uuid.UUID = Field(description="id of the posted logistics return")
    invoice_date: datetime.date
    submit: bool = False


# --- a supplier bill of a purchase order's receipts ------------------------------------------------------------------


class BillLineIn(Input):
    purchase_order_item: uuid.UUID
    quantity: Decimal = Field(**QUANTITY)
    unit_rate: Decimal | None = Field(None, **UNIT_RATE, description="default: the order's price")


class BillOrderIn(Input):
    """`POST /purchasing/orders/{id}/bill`: the order is the path's."""

    invoice_date: datetime.date
    supplier_invoice_number: str = Field("", max_length=100)
    due_date: datetime.date | None = None
    lines: list[BillLineIn] | None = Field(None, max_length=1000, description="default: all received, not billed")
    submit: bool = False


class BillFromOrderIn(BillOrderIn):
    purchase_order: uuid.UUID
    party: str | None = Field(None, description="id or number; when given, the order's supplier")
