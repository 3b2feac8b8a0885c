"""The error codes of logistics: each is the stable `code` of a problem+json answer. The generic codes (required,
unknown, duplicate, invalid_transition…) are the platform's."""

from enum import StrEnum


class LogisticsError(StrEnum):
    ALREADY_CREDITED = "already_credited"
    INACTIVE = "inactive"
    INVALID_RANGE = "invalid_range"
    NOT_DELIVERED = "not_delivered"
    NOT_EDITABLE = "not_editable"
    NOT_SHIPPABLE = "not_shippable"
    ORDER_NOT_SHIPPABLE = "order_not_shippable"
    UNKNOWN = "unknown"
    OVER_DELIVERY = "over_delivery"
    OVER_RETURN = "over_return"
    WRONG_ORDER = "wrong_order"
