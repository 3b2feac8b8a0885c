"""The error codes of sales: each is the stable `code` of a problem+json answer. The generic codes (required,
unknown, invalid_transition…) are the platform's."""

from enum import StrEnum


class SalesError(StrEnum):
    ALREADY_SHIPPED = "already_shipped"
    BLACKLISTED_PARTY = "blacklisted_party"
    CREDIT_LIMIT_EXCEEDED = "credit_limit_exceeded"
    INACTIVE_PRODUCT = "inactive_product"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_QUANTITY = "invalid_quantity"
    INSUFFICIENT_STOCK = "insufficient_stock"
    NOT_EDITABLE = "not_editable"
    NOT_ON_HOLD = "not_on_hold"
    OVER_INVOICING = "over_invoicing"
    OVER_DELIVERY = "over_delivery"
    OVER_RETURN = "over_return"
    REQUIRED = "required"
    UNKNOWN = "unknown"
    WRONG_ORDER = "wrong_order"
    WRONG_PARTY_TYPE = "wrong_party_type"
