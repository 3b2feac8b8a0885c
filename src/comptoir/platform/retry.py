"""A bounded retry of the outermost transaction on serialization failure (SQLSTATE 40001) and deadlock (40P01),
DESIGN §3 `locks.py`. PostgreSQL aborts one of the transactions involved; running the whole business operation
again usually succeeds. Only the outermost layer retries: inside a `transaction.atomic()` block the error goes
up unchanged, since the enclosing transaction is aborted and only its owner can run it again. The API applies
`retry_on_conflict` to every operation (comptoir/api.py); background jobs and commands may wrap their own."""

from __future__ import annotations

import functools
import logging
import random
import time

from django.db import connection
from django.utils.translation import gettext as _

from comptoir.platform.errors import TransactionConflict

RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected
ATTEMPTS = 3
logger = logging.getLogger("comptoir.retry")


def is_retryable(exc: BaseException) -> bool:
    """True when `exc` (a Django database error or the driver's) carries SQLSTATE 40001 or 40P01."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) in RETRYABLE or getattr(exc, "pgcode", None) in RETRYABLE:
            return True
        exc = exc.__cause__
    return False


def retry_on_conflict(fn=None, *, attempts: int = ATTEMPTS, backoff: float = 0.02):
    """Decorate `fn` so that, called outside any transaction, it runs up to `attempts` times while it fails with
    a serialization failure or a deadlock, sleeping a random 0–`backoff`×attempt seconds between runs; then it
    raises `TransactionConflict` (503 transaction_conflict). Called inside a transaction it runs once."""
    if fn is None:
        return functools.partial(retry_on_conflict, attempts=attempts, backoff=backoff)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if connection.in_atomic_block:
            return fn(*args, **kwargs)
        attempt = 1
        while True:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                if not is_retryable(exc):
                    raise
                logger.warning("%s: %s (attempt %d of %d)", fn.__qualname__, exc, attempt, attempts)
                if attempt >= attempts:
                    raise TransactionConflict(
                        _("Gave up after %(attempts)s attempts") % {"attempts": attempts}
                    ) from exc
                time.sleep(random.uniform(0, backoff * attempt))  # noqa: S311 (jitter, not a secret)
                attempt += 1

    return wrapper
