"""The error codes of the catalogue: each is the stable `code` of a problem+json answer (DESIGN §3 `errors.py`). The
generic codes (required, unknown, duplicate, invalid_range, invalid_transition…) are the platform's."""

from enum import StrEnum


class CatalogError(StrEnum):
    """Codes raised by the catalogue's services, beside the platform's."""

    ALREADY_ACTIVE = "already_active"
    ALREADY_INACTIVE = "already_inactive"
    CATEGORY_IN_USE = "category_in_use"
    CYCLE = "cycle"
    DISCONTINUED = "discontinued"
    DUPLICATE_DEFAULT = "duplicate_default"
    INACTIVE = "inactive"
    INVALID_FILE = "invalid_file"
    MISSING_COLUMN = "missing_column"
    NOT_A_NUMBER = "not_a_number"
    OUTSIDE_VALIDITY = "outside_validity"
    OVERLAPPING_DATES = "overlapping_dates"
    TOO_DEEP = "too_deep"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_MANY_ROWS = "too_many_rows"
    UNKNOWN_COLUMN = "unknown_column"
    UNTRACKED_TYPE = "untracked_type"
    WRONG_KIND = "wrong_kind"
