"""HTTP helpers shared by the API routers: ETag / If-Match for optimistic locking."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.platform.errors import PreconditionFailed, ValidationFailed


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_version(request) -> int | None:
    """The version the client read (from `If-Match`), or None when it sent none."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationFailed(
            _("If-Match must be an ETag returned by this API"), code="invalid_if_match", field="If-Match"
        )
    return int(value)


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise PreconditionFailed(
            _("The record is at version %(current)s, you sent %(expected)s")
            % {"current": current, "expected": expected}
        )


def with_etag(response, version: int):
    response["ETag"] = etag(version)
    return response
