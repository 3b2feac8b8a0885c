"""Kinds and statuses of invoices and payments, and the allowed moves of each, declared as data (entities §9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InvoiceType(models.TextChoices):
    SALES = "SALES", _("Sales invoice")
    PURCHASE = "PURCHASE", _("Purchase invoice")
    CREDIT_NOTE = "CREDIT_NOTE", _("Credit note")
    DEBIT_NOTE = "DEBIT_NOTE", _("Debit note")
    PROFORMA = "PROFORMA", _("Proforma invoice")


# A note corrects an invoice of one type: a credit note a sales invoice (we owe the customer), a debit note a
# purchase invoice (the supplier owes us back) — the mirror of the original's entry (C46, seed 004's returns).
ORIGINAL_TYPE = {InvoiceType.CREDIT_NOTE: InvoiceType.SALES, InvoiceType.DEBIT_NOTE: InvoiceType.PURCHASE}
# The side of the books: what we sell (and its credit notes) is receivable, what we buy (and its debit notes) payable.
SELLING_TYPES = frozenset({InvoiceType.SALES, InvoiceType.CREDIT_NOTE, InvoiceType.PROFORMA})
BUYING_TYPES = frozenset({InvoiceType.PURCHASE, InvoiceType.DEBIT_NOTE})
NOTE_TYPES = frozenset(ORIGINAL_TYPE)
PAYABLE_TYPES = frozenset({InvoiceType.SALES, InvoiceType.PURCHASE})  # the ones payments are allocated to


class InvoiceStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("invoice", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("invoice", "Submitted")
    PARTIALLY_PAID = "PARTIALLY_PAID", pgettext_lazy("invoice", "Partially paid")
    PAID = "PAID", pgettext_lazy("invoice", "Paid")
    OVERDUE = "OVERDUE", pgettext_lazy("invoice", "Overdue")
    CANCELLED = "CANCELLED", pgettext_lazy("invoice", "Cancelled")


_S = InvoiceStatus
OPEN_STATUSES = frozenset({_S.SUBMITTED, _S.PARTIALLY_PAID, _S.OVERDUE})
# DRAFT → SUBMITTED (numbered and posted) or CANCELLED; payments move it between the paid states (a refund back);
# the daily job marks it OVERDUE; SUBMITTED/OVERDUE → CANCELLED only while nothing is paid (the entry reversed).
INVOICE_TRANSITIONS = frozenset(
    {
        (_S.DRAFT, _S.SUBMITTED),
        (_S.DRAFT, _S.CANCELLED),
        (_S.SUBMITTED, _S.PARTIALLY_PAID),
        (_S.SUBMITTED, _S.PAID),
        (_S.SUBMITTED, _S.OVERDUE),
        (_S.SUBMITTED, _S.CANCELLED),
        (_S.PARTIALLY_PAID, _S.PAID),
        (_S.PARTIALLY_PAID, _S.OVERDUE),
        (_S.PARTIALLY_PAID, _S.SUBMITTED),
        (_S.OVERDUE, _S.PARTIALLY_PAID),
        (_S.OVERDUE, _S.PAID),
        (_S.OVERDUE, _S.SUBMITTED),
        (_S.OVERDUE, _S.CANCELLED),
        (_S.PAID, _S.PARTIALLY_PAID),
        (_S.PAID, _S.SUBMITTED),
        (_S.PAID, _S.OVERDUE),
    }
)


class PaymentDirection(models.TextChoices):
    INCOMING = "INCOMING", _("Incoming")
    OUTGOING = "OUTGOING", _("Outgoing")


class PaymentMethod(models.TextChoices):
    CASH = "CASH", _("Cash")
    BANK_TRANSFER = "BANK_TRANSFER", _("Bank transfer")
    CARD = "CARD", _("Card")
    CHECK = "CHECK", _("Cheque")
    KASPI = "KASPI", _("Kaspi")
    OTHER = "OTHER", pgettext_lazy("payment method", "Other")


# Cash and bank transfers are completed as they are recorded; the others wait for their confirmation (C48).
IMMEDIATE_METHODS = frozenset({PaymentMethod.CASH, PaymentMethod.BANK_TRANSFER})


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("payment", "Pending")
    PROCESSING = "PROCESSING", pgettext_lazy("payment", "Processing")
    COMPLETED = "COMPLETED", pgettext_lazy("payment", "Completed")
    FAILED = "FAILED", pgettext_lazy("payment", "Failed")
    CANCELLED = "CANCELLED", pgettext_lazy("payment", "Cancelled")
    REFUNDED = "REFUNDED", pgettext_lazy("payment", "Refunded")


_P = PaymentStatus
LIVE_PAYMENT_STATUSES = frozenset({_P.PENDING, _P.PROCESSING, _P.COMPLETED})  # their allocations hold the invoice
PAYMENT_TRANSITIONS = frozenset(
    {
        (_P.PENDING, _P.PROCESSING),
        (_P.PENDING, _P.COMPLETED),
        (_P.PROCESSING, _P.COMPLETED),
        (_P.PENDING, _P.FAILED),
        (_P.PROCESSING, _P.FAILED),
        (_P.PENDING, _P.CANCELLED),
        (_P.PROCESSING, _P.CANCELLED),
        (_P.COMPLETED, _P.REFUNDED),
    }
)


class TaxRounding(models.TextChoices):
    LINE = "LINE", _("Per line")
    DOCUMENT = "DOCUMENT", _("Per document")


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")
    QUARTERLY = "QUARTERLY", _("Quarterly")
    YEARLY = "YEARLY", _("Yearly")


class EsfStatus(models.TextChoices):
    """Kazakhstan: the state of the electronic invoice (ESF) in the IS ESF."""

    NONE = "", _("Not sent")
    SENT = "SENT", pgettext_lazy("esf", "Sent")
    DELIVERED = "DELIVERED", pgettext_lazy("esf", "Delivered")
    REVOKED = "REVOKED", pgettext_lazy("esf", "Revoked")
    DECLINED = "DECLINED", pgettext_lazy("esf", "Declined")
