"""Platform API: the organization's audit log (read-only). Thin: parse, authorise, call."""

from __future__ import annotations

from ninja import Query, Router

from comptoir.platform.access import authorize
from comptoir.platform.pagination import PageParams, paginate
from comptoir.platform.queries import audit as queries
from comptoir.platform.schemas.audit import AuditLogFilters, AuditLogPage

router = Router(tags=["platform"])


@router.get("/audit-log", response=AuditLogPage)
def list_audit_log(request, page: Query[PageParams], filters: Query[AuditLogFilters]):
    """Who did what, newest first; filter by object, actor, action and time range."""
    authorize(request, "platform.view_auditlog")
    return paginate(
        queries.audit_log(**filters.dict()), page, allowed_ordering={"timestamp"}, default_ordering=["-timestamp"]
    )
