"""The error codes of the catalogue: each is the stable `code` of a problem+json answer (DESIGN §3 `errors.py`). The
generic codes (required, unknown, duplicate, invalid_range, invalid_transition…) are the platform's."""

from enum import StrEnum


class CatalogError(StrEnum):
    """Codes raised by the catalogue's services, beside the platform's."""

    CATEGORY_IN_USE = "category_in_use"
    CYCLE = "cycle"
    DISCONTINUED = "discontinued"
    DUPLICATE_DEFAULT = "duplicate_default"
    INACTIVE = "inactive"
    INVALID_FILE = "invalid_file"
    MISSING_COLUMN = "missing_column"
    OUTSIDE_VALIDITY = "outside_validity"
    OVERLAPPING_DATES = "overlapping_dates"
    TOO_DEEP = "too_deep"
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    UNKNOWN = "unknown"
    UNKNOWN_COLUMN = "unknown_column"
    UNTRACKED_TYPE = "untracked_type"
    WRONG_KIND = "wrong_kind"
    WRONG_PARTY_TYPE = "wrong_party_type"
