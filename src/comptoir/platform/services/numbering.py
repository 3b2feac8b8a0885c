"""Document numbers: gap-free per (organization, document type, reset period), e.g. INV-2026-000042.

One statement takes the number: an upsert of the counter row that increments `last_value` and returns it. The
row stays locked until the caller's transaction ends, so a rolled-back document gives its number back and the
next one reuses it. Take the number **last** in the posting transaction, after every check and every other write,
so that concurrent postings queue on the counter row only for the commit (DESIGN §5).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import connection
from django.db.transaction import TransactionManagementError

from comptoir.platform.constants import ResetPeriod
from comptoir.platform.db import prepared_cursor
from comptoir.platform.ids import uuid7
from comptoir.platform.models import Sequence
from comptoir.platform.modules import registry
from comptoir.platform.tenancy import current_user_id, require_org_id

DEFAULT_PREFIX = "{type}-{year}-"
DEFAULT_PADDING = 6
MAX_PADDING = 12

_PERIOD_FORMAT = {
    ResetPeriod.NEVER: "",
    ResetPeriod.YEARLY: "%Y",
    ResetPeriod.MONTHLY: "%Y-%m",
    ResetPeriod.DAILY: "%Y-%m-%d",
}

_TAKE_SQL = f"""
INSERT INTO {Sequence._meta.db_table}
    (id, organization_id, document_type, period_key, prefix, padding, reset_period, last_value,
     created_at, updated_at, created_by_id, updated_by_id)
VALUES (%s, %s, %s, %s, %s, %s, %s, 1, now(), now(), %s, %s)
ON CONFLICT (organization_id, document_type, period_key) DO UPDATE
SET last_value = {Sequence._meta.db_table}.last_value + 1, prefix = EXCLUDED.prefix, padding = EXCLUDED.padding,
    updated_at = EXCLUDED.updated_at, updated_by_id = EXCLUDED.updated_by_id
RETURNING last_value
"""  # noqa: S608 (the table name is the model's)


def period_key(on: datetime.date, reset: str) -> str:
    """'' (never resets), '2026', '2026-11' or '2026-11-22'."""
    fmt = _PERIOD_FORMAT[ResetPeriod(reset)]
    return on.strftime(fmt) if fmt else ""


def series_format(document_type: str) -> tuple[str, int, str]:
    """(prefix, padding, reset period) of `document_type`: the series a module's spec declares for it, else
    the defaults ({type}-{year}-, 6 digits, yearly)."""
    series = registry().series.get(document_type)
    if series is None:
        return DEFAULT_PREFIX, DEFAULT_PADDING, ResetPeriod.YEARLY
    return series.prefix, series.padding, ResetPeriod.YEARLY if series.yearly_reset else ResetPeriod.NEVER


def next_number(
    *,
    document_type: str,
    on: datetime.date,
    prefix: str | None = None,
    padding: int | None = None,
    reset: str | None = None,
    part: str = "",
    labels: Mapping[str, str] | None = None,
) -> str:
    """The next number of `document_type` in the organization in context, for a document dated `on`.

    `prefix` may use {type}, {year}, {month} and {day} (of `on`; `labels` may print others in their place, such
    as a journal's code for {type} and a fiscal year's name for {year}); the counter is zero-padded to `padding`
    digits and restarts at 1 each `reset` period (NEVER, YEARLY, MONTHLY, DAILY). `part` splits the series into
    counters of their own (`<document_type>:<part>`, such as one per journal and fiscal year). What the caller
    leaves out comes from `series_format(document_type)`: the series its module declares, else the defaults.
    Must run inside the caller's `transaction.atomic()`, as its last write."""
    declared = series_format(document_type)
    prefix = declared[0] if prefix is None else prefix
    padding = declared[1] if padding is None else padding
    reset = declared[2] if reset is None else reset
    key = f"{document_type}:{part}" if part else document_type
    if not isinstance(key, str) or not 1 <= len(key) <= 50:
        raise ValueError("document_type and part must be 1-50 characters together")
    if isinstance(padding, bool) or not isinstance(padding, int) or not 1 <= padding <= MAX_PADDING:
        raise ValueError(f"padding must be an integer from 1 to {MAX_PADDING}, not {padding!r}")
    if reset not in ResetPeriod.values:
        raise ValueError(f"Unknown reset period {reset!r}; use one of {', '.join(ResetPeriod.values)}")
    if not isinstance(on, datetime.date):
        raise ValueError(f"on must be a date, not {on!r}")
    try:
        head = prefix.format_map(
            {"type": document_type, "year": f"{on:%Y}", "month": f"{on:%m}", "day": f"{on:%d}", **(labels or {})}
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"Bad prefix {prefix!r}: use only {{type}}, {{year}}, {{month}} and {{day}}") from exc
    if len(prefix) > Sequence._meta.get_field("prefix").max_length:
        raise ValueError(f"prefix is longer than {Sequence._meta.get_field('prefix').max_length} characters")
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "next_number() must run inside the document's transaction.atomic(), as its last write; outside one "
            "the number would be committed even if the document is not"
        )
    org_id = require_org_id()
    user_id = current_user_id()
    with prepared_cursor() as cursor:
        cursor.execute(
            _TAKE_SQL,
            [uuid7(), org_id, key, period_key(on, reset), prefix, padding, reset, user_id, user_id],
        )
        (value,) = cursor.fetchone()
    return f"{head}{value:0{padding}d}"
