"""The error codes of the inventory: each is the stable `code` of a problem+json answer (DESIGN §3 `errors.py`). The
generic codes (required, unknown, duplicate, invalid_transition…) are the platform's."""

from enum import StrEnum


class InventoryError(StrEnum):
    """Codes raised by the inventory's services, beside the platform's."""

    ACCOUNT_IN_USE = "account_in_use"
    BACK_DATED = "back_dated"
    BATCH_MISMATCH = "batch_mismatch"
    CYCLE = "cycle"
    INACTIVE = "inactive"
    INSUFFICIENT_STOCK = "insufficient_stock"
    INVALID_ACCOUNT = "invalid_account"
    NOT_ALLOWED = "not_allowed"
    REQUIRED = "required"
    SAME_WAREHOUSE = "same_warehouse"
    STOCK_ON_HAND = "stock_on_hand"
    UNKNOWN = "unknown"
    UNTRACKED_PRODUCT = "untracked_product"
