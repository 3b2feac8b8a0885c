"""The error codes of purchasing: each is the stable `code` of a problem+json answer. The generic codes (required,
unknown, invalid_transition…) are the platform's."""

from enum import StrEnum


class PurchasingError(StrEnum):
    ALREADY_ORDERED = "already_ordered"
    APPROVAL_REQUIRED = "approval_required"
    BLACKLISTED = "blacklisted"
    INACTIVE = "inactive"
    NOT_EDITABLE = "not_editable"
    NOTHING_TO_RETURN = "nothing_to_return"
    OVER_BILLING = "over_billing"
    OVER_RECEIPT = "over_receipt"
    OVER_RETURN = "over_return"
    RECEIPT_BILLED = "receipt_billed"
    RECEIPT_ISSUED = "receipt_issued"
    REQUIRED = "required"
    SELF_APPROVAL = "self_approval"
    UNKNOWN = "unknown"
    UNTRACKED_PRODUCT = "untracked_product"
    WRONG_ORDER = "wrong_order"
    WRONG_PARTY_TYPE = "wrong_party_type"
