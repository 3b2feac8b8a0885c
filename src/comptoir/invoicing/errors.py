"""The error codes of invoicing: each is the stable `code` of a problem+json answer. The generic codes (required,
unknown, duplicate, invalid_transition…) are the platform's."""

from enum import StrEnum


class InvoicingError(StrEnum):
    ALREADY_ALLOCATED = "already_allocated"
    ALREADY_CREDITED = "already_credited"
    CURRENCY_MISMATCH = "currency_mismatch"
    DUPLICATE = "duplicate"
    INVALID_DATES = "invalid_dates"
    INVOICE_PAID = "invoice_paid"
    MISSING_EXCHANGE_RATE = "missing_exchange_rate"
    NOT_EDITABLE = "not_editable"
    NOT_PAYABLE = "not_payable"
    NOT_CREDITABLE = "not_creditable"
    NOTHING_TO_INVOICE = "nothing_to_invoice"
    NOTHING_TO_BILL = "nothing_to_bill"
    NOTE_EXCEEDS_ORIGINAL = "note_exceeds_original"
    ORIGINAL_REQUIRED = "original_required"
    OVER_ALLOCATION = "over_allocation"
    OVER_BILLING = "over_billing"
    PARTY_MISMATCH = "party_mismatch"
    PRICE_MISMATCH = "price_mismatch"
    REQUIRED = "required"
    UNKNOWN = "unknown"
    WRONG_ORIGINAL = "wrong_original"
    WRONG_PARTY_TYPE = "wrong_party_type"
