"""Periodic maintenance across organizations.

The worker runs as the application role under row-level security with no organization in context, so it cannot
list the organizations itself: `active_organization_ids()` asks the narrow SECURITY DEFINER function
`platform_active_organization_ids()` (migration 0005), which returns the id of every organization that is not
SUSPENDED and not deleted. `for_each_organization(fn)` then runs `fn(organization_id)` in each one's tenant
context, one transaction per organization; a failure in one is logged and rolled back, and the others still run.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from comptoir.platform.models import IdempotencyKey
from comptoir.platform.tenancy import tenant_context

logger = logging.getLogger(__name__)


class MaintenanceFailed(RuntimeError):
    """Some organizations failed in a maintenance run (the others completed); raised so the job is marked failed."""


@dataclass
class OrganizationRun:
    """What `for_each_organization` did: each organization's result, or the exception it failed with."""

    name: str
    results: dict[uuid.UUID, Any] = field(default_factory=dict)
    failures: dict[uuid.UUID, Exception] = field(default_factory=dict)

    def raise_if_failed(self) -> None:
        if self.failures:
            ids = ", ".join(sorted(str(org_id) for org_id in self.failures))
            raise MaintenanceFailed(f"{self.name} failed for {len(self.failures)} organization(s): {ids}")


def active_organization_ids() -> list[uuid.UUID]:
    """Every organization that is not SUSPENDED and not deleted (readable with no organization in context)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT platform_active_organization_ids()")
        return [row[0] for row in cursor.fetchall()]


def for_each_organization(fn: Callable[[uuid.UUID], Any], *, name: str | None = None) -> OrganizationRun:
    """Call `fn(organization_id)` inside `tenant_context(organization_id)` and its own transaction for every
    active organization; an exception in one is logged, its transaction rolled back, and the run goes on."""
    run = OrganizationRun(name=name or getattr(fn, "__name__", "maintenance"))
    for org_id in active_organization_ids():
        try:
            with tenant_context(org_id), transaction.atomic():
                run.results[org_id] = fn(org_id)
        except Exception as exc:
            run.failures[org_id] = exc
            logger.exception(
                "maintenance %s failed for organization %s",
                run.name,
                org_id,
                extra={"action": "maintenance_failed", "maintenance": run.name, "organization_id": str(org_id)},
            )
    logger.info(
        "maintenance %s: %d organization(s) done, %d failed",
        run.name,
        len(run.results),
        len(run.failures),
        extra={"action": "maintenance_done", "maintenance": run.name},
    )
    return run


def purge_expired_idempotency_keys(*, now: datetime | None = None) -> int:
    """Delete the organization's idempotency keys that expired at or before `now`; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now).delete()
    return deleted


def ensure_audit_partitions(months_ahead: int = 12) -> None:
    """Create the audit log's monthly partitions up to `months_ahead` months ahead (idempotent; the function is
    SECURITY DEFINER, so the application role may call it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT platform_auditlog_ensure_partitions(%s)", [months_ahead])
