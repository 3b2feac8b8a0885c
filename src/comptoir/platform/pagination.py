"""Cursor (keyset) pagination, filtering and ordering shared by every list endpoint.

One query per page whatever its size: the page is fetched with `limit + 1` rows to learn whether another
follows; the cursor carries the ordering values of the last row, so deep pages cost as much as the first.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from comptoir.platform.errors import ValidationFailed

MAX_LIMIT = 200


class PageParams(Schema):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    ordering: str | None = None


def _parse_ordering(ordering: str | None, allowed: set[str], default: list[str]) -> list[str]:
    if not ordering:
        keys = list(default)
    else:
        keys = [k.strip() for k in ordering.split(",") if k.strip()]
        for key in keys:
            if key.lstrip("-") not in allowed:
                raise ValidationFailed(
                    _("Cannot order by '%(key)s'; allowed: %(allowed)s")
                    % {"key": key, "allowed": ", ".join(sorted(allowed))},
                    code="invalid_ordering",
                    field="ordering",
                )
    if not any(k.lstrip("-") == "id" for k in keys):
        keys.append("-id" if keys and keys[-1].startswith("-") else "id")
    return keys


def _encode(values: list[Any]) -> str:
    raw = json.dumps([str(v) if v is not None else None for v in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(_("Malformed cursor"), code="invalid_cursor", field="cursor") from exc
    if not isinstance(values, list) or len(values) != size:
        raise ValidationFailed(_("Cursor does not match the ordering"), code="invalid_cursor", field="cursor")
    return values


def _after(keys: list[str], values: list[Any]) -> Q:
    """Rows strictly after `values` in the order of `keys` (lexicographic keyset condition)."""
    condition = Q()
    for i, key in enumerate(keys):
        name = key.lstrip("-")
        op = "lt" if key.startswith("-") else "gt"
        step = Q(**{f"{name}__{op}": values[i]})
        for prev_key, prev_value in zip(keys[:i], values[:i], strict=True):
            step &= Q(**{prev_key.lstrip("-"): prev_value})
        condition |= step
    return condition


def paginate(
    queryset: QuerySet, params: PageParams, *, allowed_ordering: set[str], default_ordering: list[str]
) -> dict:
    keys = _parse_ordering(params.ordering, allowed_ordering | {"id"}, default_ordering)
    queryset = queryset.order_by(*keys)
    if params.cursor:
        try:
            queryset = queryset.filter(_after(keys, _decode(params.cursor, len(keys))))
        except (ValueError, TypeError) as exc:
            raise ValidationFailed(_("Malformed cursor"), code="invalid_cursor", field="cursor") from exc
    rows = list(queryset[: params.limit + 1])
    has_more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = _encode([_value(last, k.lstrip("-")) for k in keys])
    return {"items": rows, "next_cursor": next_cursor}


def _value(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
