"""Typed errors of the services. The API maps each to an RFC 9457 problem+json with a stable `code`: the
platform's codes are `PlatformError`, each app adds its own in its `errors.py` (`IdentityError`,
`AccountingError`). A test keeps every code the services raise in those enums."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}


class DomainError(Exception):
    status = 400
    code = "bad_request"
    title = _("Bad request")

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[FieldError] | None = None,
    ):
        # The message in the language of the request, as the service raises it (a title is translated then).
        self.message = str(message or self.title)
        super().__init__(self.message)
        if code:
            self.code = code
        self.errors = list(errors or [])
        if field:
            self.errors.append(FieldError(field, self.code, self.message))


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    title = _("Validation failed")


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    title = _("Authentication required")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    title = _("Permission denied")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = _("Not found")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = _("Conflict")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = _("Transition not allowed")


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    title = _("The record changed since you read it")


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    title = _("Request body too large")


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    title = _("Unsupported media type")


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"
    title = _("Too many attempts")


class TransactionConflict(DomainError):
    """The business transaction kept meeting a serialization failure or a deadlock (platform.retry gave up)."""

    status = 503
    code = "transaction_conflict"
    title = _("Too much contention; try again")


class PlatformError(StrEnum):
    """The platform's codes, and the generic ones every app uses (required, unknown…)."""

    BAD_REQUEST = "bad_request"
    CONFLICT = "conflict"
    CONTENT_TYPE_MISMATCH = "content_type_mismatch"
    DEFAULT_WORKSPACE = "default_workspace"
    DUPLICATE = "duplicate"
    EMPTY_FILE = "empty_file"
    END_BEFORE_START = "end_before_start"
    EVENT_CANCELLED = "event_cancelled"
    FILE_TOO_LARGE = "file_too_large"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INSECURE_URL = "insecure_url"
    INVALID = "invalid"
    INVALID_CHOICE = "invalid_choice"
    INVALID_CODE = "invalid_code"
    INVALID_CURSOR = "invalid_cursor"
    INVALID_EVENT_TYPE = "invalid_event_type"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    INVALID_IF_MATCH = "invalid_if_match"
    INVALID_ORDERING = "invalid_ordering"
    INVALID_PAYLOAD = "invalid_payload"
    INVALID_RANGE = "invalid_range"
    INVALID_RATE = "invalid_rate"
    INVALID_TRANSITION = "invalid_transition"
    INVALID_TYPE = "invalid_type"
    INVALID_URL = "invalid_url"
    MALFORMED_BODY = "malformed_body"
    MAX_LENGTH = "max_length"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    MODULE_DISABLED = "module_disabled"
    NAIVE_DATETIME = "naive_datetime"
    NOT_ATTENDEE = "not_attendee"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_A_MEMBER = "not_a_member"
    NOT_EDITABLE = "not_editable"
    NOT_FOUND = "not_found"
    NOT_ORGANIZER = "not_organizer"
    NOT_SWITCHABLE = "not_switchable"
    NO_ACTIVE_SUBSCRIPTION = "no_active_subscription"
    NUL_CHARACTER = "nul_character"
    ORGANIZATION_LOCKED = "organization_locked"
    ORGANIZATION_REQUIRED = "organization_required"
    ORGANIZATION_SUSPENDED = "organization_suspended"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    PERMISSION_DENIED = "permission_denied"
    PRECONDITION_FAILED = "precondition_failed"
    REQUIRED = "required"
    SAME_CURRENCY = "same_currency"
    SERVER_ERROR = "server_error"
    SETTING_READONLY = "setting_readonly"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    TRANSACTION_CONFLICT = "transaction_conflict"
    UNKNOWN_COUNTRY = "unknown_country"
    UNKNOWN_CURRENCY = "unknown_currency"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    UNKNOWN_MODULE = "unknown_module"
    UNKNOWN_OWNER_TYPE = "unknown_owner_type"
    UNKNOWN_TIMEZONE = "unknown_timezone"
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    VALIDATION_ERROR = "validation_error"
    WEAK_SECRET = "weak_secret"
    WINDOW_TOO_LONG = "window_too_long"
    WORKSPACE_ARCHIVED = "workspace_archived"
