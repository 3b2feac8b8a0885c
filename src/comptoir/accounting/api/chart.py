"""Chart of accounts: account groups and accounts, and the chart as CSV (export and import)."""

from __future__ import annotations

import json
import uuid

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import ValidationError

from comptoir.accounting.queries import books as queries
from comptoir.accounting.schemas.budgets import ChartImportIn, ChartImportOut
from comptoir.accounting.schemas.core import (
    AccountFilters,
    AccountGroupIn,
    AccountGroupOut,
    AccountGroupPage,
    AccountGroupPatch,
    AccountIn,
    AccountOut,
    AccountPage,
    AccountPatch,
    CostCenterIn,
    CostCenterOut,
    CostCenterPage,
)
from comptoir.accounting.services import chart, chart_transfer
from comptoir.platform.access import authorize
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.exports import ExportParams, audit_export, export_response, list_or_export
from comptoir.platform.pagination import PageParams

router = Router()


@router.get("/account-groups", response=AccountGroupPage)
def list_account_groups(request, page: Query[PageParams], export: Query[ExportParams]):
    """The account groups of the chart (a tree, by materialized path)."""
    authorize(request, "accounting.view_accountgroup")
    return list_or_export(
        request,
        queries.account_groups(),
        page,
        export,
        allowed_ordering={"path", "code"},
        default_ordering=["path"],
        schema=AccountGroupOut,
        filename="account-groups",
    )


@router.post("/account-groups", response={201: AccountGroupOut})
def create_account_group(request, body: AccountGroupIn):
    """Create an account group under a parent group."""
    actor = authorize(request, "accounting.add_accountgroup")
    return Status(201, chart.create_account_group(actor=actor.user, data=chart.AccountGroupInput(**body.dict())))


@router.get("/account-groups/{group_id}", response=AccountGroupOut)
def get_account_group(request, group_id: uuid.UUID):
    """One account group."""
    authorize(request, "accounting.view_accountgroup")
    return queries.access_account_group(group_id)


@router.patch("/account-groups/{group_id}", response=AccountGroupOut)
def update_account_group(request, group_id: uuid.UUID, body: AccountGroupPatch):
    """Rename a group or move it under another parent of the same nature (never under its own subtree)."""
    actor = authorize(request, "accounting.change_accountgroup")
    queries.access_account_group(group_id)
    return chart.update_account_group(
        actor=actor.user, group_id=group_id, changes=chart.AccountGroupPatch.from_schema(body)
    )


@router.get("/accounts", response=AccountPage)
def list_accounts(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[AccountFilters]):
    """The accounts of the chart, by code, filtered by group, type and activity."""
    authorize(request, "accounting.view_account")
    return list_or_export(
        request,
        queries.accounts(**filters.dict()),
        page,
        export,
        allowed_ordering={"code", "name"},
        default_ordering=["code"],
        schema=AccountOut,
        filename="accounts",
    )


@router.post("/accounts", response={201: AccountOut})
def create_account(request, body: AccountIn):
    """Create an account (a leaf of the chart) in a group."""
    actor = authorize(request, "accounting.add_account")
    return Status(201, chart.create_account(actor=actor.user, data=chart.AccountInput(**body.dict())))


@router.get("/accounts/{account_id}", response=AccountOut)
def get_account(request, account_id: uuid.UUID):
    """One account."""
    authorize(request, "accounting.view_account")
    return queries.access_account(account_id)


@router.patch("/accounts/{account_id}", response=AccountOut)
def update_account(request, account_id: uuid.UUID, body: AccountPatch):
    """Rename, regroup, retype (while unused) or change the flags of an account."""
    actor = authorize(request, "accounting.change_account")
    queries.access_account(account_id)
    chart.update_account(actor=actor.user, account_id=account_id, changes=chart.AccountPatch.from_schema(body))
    return queries.access_account(account_id)


@router.post("/accounts/{account_id}/deactivate", response=AccountOut)
def deactivate_account(request, account_id: uuid.UUID):
    """No new postings: refused while the balance is not zero (`balance_not_zero`)."""
    actor = authorize(request, "accounting.change_account")
    queries.access_account(account_id)
    chart.deactivate_account(actor=actor.user, account_id=account_id)
    return queries.access_account(account_id)


@router.post("/accounts/{account_id}/activate", response=AccountOut)
def activate_account(request, account_id: uuid.UUID):
    """Accept postings again on a deactivated account."""
    actor = authorize(request, "accounting.change_account")
    queries.access_account(account_id)
    chart.activate_account(actor=actor.user, account_id=account_id)
    return queries.access_account(account_id)


@router.delete("/accounts/{account_id}", response={204: None})
def delete_account(request, account_id: uuid.UUID):
    """Only an account that never had journal lines (`account_in_use`: deactivate it) and is not a system one."""
    actor = authorize(request, "accounting.delete_account")
    queries.access_account(account_id)
    chart.delete_account(actor=actor.user, account_id=account_id)
    return Status(204, None)


@router.get("/cost-centers", response=CostCenterPage)
def list_cost_centers(request, page: Query[PageParams], export: Query[ExportParams], is_active: bool | None = None):
    """The cost centers, by code."""
    authorize(request, "accounting.view_costcenter")
    return list_or_export(
        request,
        queries.cost_centers(is_active=is_active),
        page,
        export,
        allowed_ordering={"code", "name"},
        default_ordering=["code"],
        schema=CostCenterOut,
        filename="cost-centers",
    )


@router.post("/cost-centers", response={201: CostCenterOut})
def create_cost_center(request, body: CostCenterIn):
    """A cost center (code unique in the organization) that journal lines and budgets can name."""
    actor = authorize(request, "accounting.add_costcenter")
    return Status(201, chart.create_cost_center(actor=actor.user, data=chart.CostCenterInput(**body.dict())))


@router.get("/cost-centers/{cost_center_id}", response=CostCenterOut)
def get_cost_center(request, cost_center_id: uuid.UUID):
    """One cost center."""
    authorize(request, "accounting.view_costcenter")
    return queries.access_cost_center(cost_center_id)


# --- the chart as CSV ---------------------------------------------------------------------------------------

MAX_CSV_BYTES = 2_000_000
CHART_COLUMNS = [(column, column) for column in chart_transfer.COLUMNS]
_IMPORT_BODY = {
    "requestBody": {
        "content": {
            "application/json": {"schema": ChartImportIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
        }
    }
}


@router.get("/chart/export")
def export_chart(request, export: Query[ExportParams]):
    """The chart as CSV (the default) or XLSX with `?format=xlsx`: groups, parents first, then accounts, in the
    columns `import` reads. The export is audited."""
    authorize(request, "accounting.view_account")
    format = export.format or "csv"
    response = export_response(chart_transfer.chart_rows(), CHART_COLUMNS, "chart", format)
    audit_export(request, format=format, object_type="accounting.account", chart=True)
    return response


def _csv_of(request) -> str:
    """The CSV text of a multipart upload (`file`) or of a JSON body {"csv": "..."}."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(_("Send the CSV as the file part"), code="required", field="file")
        if upload.size > MAX_CSV_BYTES:
            raise ValidationFailed(
                _("The file is larger than %(max_csv_bytes)s bytes") % {"max_csv_bytes": MAX_CSV_BYTES},
                code="too_large",
                field="file",
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(_("The file is not UTF-8 text"), code="invalid_encoding", field="file") from exc
    try:
        return ChartImportIn.model_validate(json.loads(request.body or b"null")).csv
    except (ValueError, ValidationError) as exc:
        raise ValidationFailed(_('Send {"csv": "..."} or a multipart file'), code="invalid", field="csv") from exc


@router.post("/chart/import", response=ChartImportOut, openapi_extra=_IMPORT_BODY)
def import_chart(request, dry_run: bool = False):
    """Create the missing groups and accounts of a CSV, rename existing ones, never delete; all or nothing.
    `?dry_run=true` reports what would change and writes nothing."""
    actor = authorize(request, "accounting.import_chart")
    return chart_transfer.import_chart(actor=actor.user, csv_text=_csv_of(request), dry_run=dry_run)
