"""Platform API: the current organization, workspaces and reference data. Thin: parse, authorise, call."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from ninja import Query, Router, Status

from comptoir.platform import services
from comptoir.platform.access import actor_of, authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.http import etag, if_match_version
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import core as queries
from comptoir.platform.schemas.core import (
    CountryOut,
    CountryPage,
    CurrencyOut,
    CurrencyPage,
    OrganizationOut,
    OrganizationPatch,
    UnitOut,
    UnitPage,
    WorkspaceFilters,
    WorkspaceIn,
    WorkspaceOut,
    WorkspacePage,
    WorkspacePatch,
)

router = Router(tags=["platform"])


@router.get("/organization", response=OrganizationOut)
def get_organization(request, response: HttpResponse):
    """The current organization; the ETag is its version, for `If-Match` on PATCH."""
    authorize(request, "platform.view_organization")
    org = queries.current_organization()
    response["ETag"] = etag(org.version)
    return org


@router.patch("/organization", response=OrganizationOut)
def patch_organization(request, payload: OrganizationPatch, response: HttpResponse):
    """Change the fields sent; null clears an optional text field. Send `If-Match` to refuse a stale write (412)."""
    actor = authorize(request, "platform.change_organization")
    services.update_organization(
        actor=actor.user,
        patch=services.OrganizationPatch.from_schema(payload),
        expected_version=if_match_version(request),
    )
    org = queries.current_organization()
    response["ETag"] = etag(org.version)
    return org


@router.get("/workspaces", response=WorkspacePage)
def list_workspaces(request, page: Query[PageParams], filters: Query[WorkspaceFilters], export: Query[ExportParams]):
    """The workspaces, as a JSON page or, with `?format=csv|xlsx`, a file of all of them."""
    authorize(request, "platform.view_workspace")
    return list_or_export(
        request,
        queries.workspaces(**filters.dict()),
        page,
        export,
        columns=[(name, name) for name in ("id", "name", "type", "status", "is_default", "description", "created_at")],
        filename="workspaces",
        allowed_ordering={"name", "created_at", "type", "status"},
        default_ordering=["name"],
    )


@router.post("/workspaces", response={201: WorkspaceOut})
def create_workspace(request, payload: WorkspaceIn, response: HttpResponse):
    """Create a workspace (branch, division…) of the current organization."""
    actor = authorize(request, "platform.add_workspace")
    ws = services.create_workspace(actor=actor.user, data=services.WorkspaceInput(**payload.dict()))
    response["ETag"] = etag(ws.version)
    return Status(201, ws)


@router.get("/workspaces/{workspace_id}", response=WorkspaceOut)
def get_workspace(request, workspace_id: uuid.UUID, response: HttpResponse):
    """One workspace; the ETag is its version."""
    authorize(request, "platform.view_workspace")
    ws = queries.access_workspace(workspace_id)
    response["ETag"] = etag(ws.version)
    return ws


@router.patch("/workspaces/{workspace_id}", response=WorkspaceOut)
def patch_workspace(request, workspace_id: uuid.UUID, payload: WorkspacePatch, response: HttpResponse):
    """Change the fields sent of a workspace (`If-Match` refuses a stale write)."""
    actor = authorize(request, "platform.change_workspace")
    queries.access_workspace(workspace_id)
    ws = services.update_workspace(
        actor=actor.user,
        workspace_id=workspace_id,
        patch=services.WorkspacePatch.from_schema(payload),
        expected_version=if_match_version(request),
    )
    response["ETag"] = etag(ws.version)
    return ws


@router.delete("/workspaces/{workspace_id}", response={204: None})
def delete_workspace(request, workspace_id: uuid.UUID):
    """Soft-delete a workspace; the default workspace cannot be deleted (409)."""
    actor = authorize(request, "platform.delete_workspace")
    services.delete_workspace(actor=actor.user, workspace_id=workspace_id)
    return Status(204, None)


@router.get("/currencies", response=CurrencyPage)
def list_currencies(request, page: Query[PageParams], export: Query[ExportParams], search: str | None = None):
    """The ISO 4217 currencies (global reference data)."""
    actor_of(request)
    return list_or_export(
        request,
        queries.currencies(search),
        page,
        export,
        allowed_ordering={"code", "name"},
        default_ordering=["code"],
        schema=CurrencyOut,
        filename="currencies",
    )


@router.get("/countries", response=CountryPage)
def list_countries(request, page: Query[PageParams], export: Query[ExportParams], search: str | None = None):
    """The ISO 3166 countries (global reference data)."""
    actor_of(request)
    return list_or_export(
        request,
        queries.countries(search),
        page,
        export,
        allowed_ordering={"code", "name"},
        default_ordering=["name"],
        schema=CountryOut,
        filename="countries",
    )


@router.get("/units", response=UnitPage)
def list_units(request, page: Query[PageParams], export: Query[ExportParams], category: str | None = None):
    """The units of measure (global reference data)."""
    actor_of(request)
    return list_or_export(
        request,
        queries.units(category),
        page,
        export,
        allowed_ordering={"symbol", "name", "category"},
        default_ordering=["category", "name"],
        schema=UnitOut,
        filename="units",
    )
