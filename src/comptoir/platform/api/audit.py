"""Platform API: the organization's audit log (read-only). Thin: parse, authorise, call."""

from __future__ import annotations

from ninja import Query, Router

from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import audit as queries
from comptoir.platform.schemas.audit import AuditLogFilters, AuditLogOut, AuditLogPage

router = Router(tags=["platform"])


@router.get("/audit-log", response=AuditLogPage)
def list_audit_log(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[AuditLogFilters]):
    """Who did what, newest first; filter by object, actor, action and time range."""
    authorize(request, "platform.view_auditlog")
    return list_or_export(
        request,
        queries.audit_log(**filters.dict()),
        page,
        export,
        allowed_ordering={"timestamp"},
        default_ordering=["-timestamp"],
        schema=AuditLogOut,
        filename="audit-log",
    )
