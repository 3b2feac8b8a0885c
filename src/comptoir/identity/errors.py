"""The error codes of identity: each is the stable `code` of a problem+json answer (DESIGN §3 `errors.py`). The
generic codes (required, duplicate, not_found…) are the platform's (`platform.errors`)."""

from enum import StrEnum


class IdentityError(StrEnum):
    """Codes raised by identity's services, beside the platform's."""

    ACCOUNT_LOCKED = "account_locked"
    ALREADY_ACTIVE = "already_active"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_EMAIL = "invalid_email"
    INVALID_TOKEN = "invalid_token"
    INVITATION_PENDING = "invitation_pending"
    IN_PAST = "in_past"
    LAST_OWNER = "last_owner"
    ORGANIZATION_MISMATCH = "organization_mismatch"
    OWNER_ONLY = "owner_only"
    PASSWORD_PERSONAL_DATA = "password_personal_data"
    ROLE_IN_USE = "role_in_use"
    SCOPE_NOT_HELD = "scope_not_held"
    SYSTEM_ROLE = "system_role"
    TOKEN_EXPIRED = "token_expired"
    UNKNOWN_PERMISSION = "unknown_permission"
    UNKNOWN_ROLE = "unknown_role"
    WEAK_PASSWORD = "weak_password"
