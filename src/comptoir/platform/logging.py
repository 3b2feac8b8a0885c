"""System logs as JSON lines: one object per record with the request id, organization and user in scope.

Wired in settings.LOGGING as the formatter of the console handler; a log shipper reads stdout. This module
imports no model, because Django configures logging before the apps are loaded.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from comptoir.platform.audit import current_request
from comptoir.platform.tenancy import current_org_id, current_user_id

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """timestamp (UTC, ISO 8601), level, logger, message, request_id, organization_id, user_id, the `extra=`
    fields, and `exception` (type, message, traceback) when the record carries one."""

    def format(self, record: logging.LogRecord) -> str:
        # Django logs some records (django.request) after the request's scope closed, with the request attached.
        request = getattr(record, "request", None)
        actor = getattr(request, "actor", None)
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request().request_id or getattr(request, "request_id", None) or None,
            "organization_id": _str(current_org_id() or getattr(actor, "organization_id", None)),
            "user_id": _str(current_user_id() or getattr(getattr(actor, "user", None), "pk", None)),
        }
        # `extra=` fields; a request_id, organization_id or user_id given there wins
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES | {"request"} and k[:1] != "_"}
        )
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = {
                "type": record.exc_info[0].__name__,
                "message": str(record.exc_info[1]),
                "traceback": self.formatException(record.exc_info),
            }
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _str(value) -> str | None:
    return str(value) if value is not None else None
