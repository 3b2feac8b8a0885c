"""The error codes of the parties app: each is the stable `code` of a problem+json answer (DESIGN §3). The generic
codes (required, unknown, duplicate, invalid, invalid_transition…) are the platform's (`platform.errors`)."""

from enum import StrEnum


class PartiesError(StrEnum):
    """Codes raised by the parties' services, beside the platform's."""

    ACCOUNT_IN_USE = "account_in_use"
    INACTIVE = "inactive"
    INVALID_TAX_ID = "invalid_tax_id"
    NEGATIVE_AMOUNT = "negative_amount"
    PAN_MISMATCH = "pan_mismatch"
    PARTY_IN_USE = "party_in_use"
    UNKNOWN = "unknown"
