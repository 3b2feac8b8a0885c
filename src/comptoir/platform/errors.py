"""Typed errors of the services. The API maps each to an RFC 9457 problem+json with a stable `code`."""

from __future__ import annotations

from dataclasses import dataclass


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
    title = "Bad request"

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[FieldError] | None = None,
    ):
        super().__init__(message or self.title)
        self.message = message or self.title
        if code:
            self.code = code
        self.errors = list(errors or [])
        if field:
            self.errors.append(FieldError(field, self.code, self.message))


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    title = "Validation failed"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    title = "Authentication required"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    title = "Permission denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = "Transition not allowed"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    title = "The record changed since you read it"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    title = "Request body too large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"
    title = "Too many attempts"
