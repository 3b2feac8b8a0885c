"""Chart of accounts: account groups and accounts, and the chart as CSV (export and import)."""

from __future__ import annotations

import json
import uuid

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import ValidationError

from comptoir.accounting.queries import books as queries
from comptoir.accounting.schemas.budgets import ChartImportIn, ChartImportOut
from comptoir.accounting.schemas.core import (
    AccountFilters,
    AccountGroupIn,
    AccountGroupOut,
    AccountGroupPage,
    AccountIn,
    AccountOut,
    AccountPage,
)
from comptoir.accounting.services import chart, chart_transfer
from comptoir.platform.access import authorize
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.pagination import PageParams, paginate

router = Router()


@router.get("/account-groups", response=AccountGroupPage)
def list_account_groups(request, page: Query[PageParams]):
    """The account groups of the chart (a tree, by materialized path)."""
    authorize(request, "accounting.view_accountgroup")
    return paginate(queries.account_groups(), page, allowed_ordering={"path", "code"}, default_ordering=["path"])


@router.post("/account-groups", response={201: AccountGroupOut})
def create_account_group(request, body: AccountGroupIn):
    """Create an account group under a parent group."""
    actor = authorize(request, "accounting.add_accountgroup")
    return Status(201, chart.create_account_group(actor=actor.user, data=body.dict()))


@router.get("/account-groups/{group_id}", response=AccountGroupOut)
def get_account_group(request, group_id: uuid.UUID):
    """One account group."""
    authorize(request, "accounting.view_accountgroup")
    return queries.access_account_group(group_id)


@router.get("/accounts", response=AccountPage)
def list_accounts(request, page: Query[PageParams], filters: Query[AccountFilters]):
    """The accounts of the chart, by code, filtered by group, type and activity."""
    authorize(request, "accounting.view_account")
    return paginate(
        queries.accounts(**filters.dict()), page, allowed_ordering={"code", "name"}, default_ordering=["code"]
    )


@router.post("/accounts", response={201: AccountOut})
def create_account(request, body: AccountIn):
    """Create an account (a leaf of the chart) in a group."""
    actor = authorize(request, "accounting.add_account")
    return Status(201, chart.create_account(actor=actor.user, data=body.dict()))


@router.get("/accounts/{account_id}", response=AccountOut)
def get_account(request, account_id: uuid.UUID):
    """One account."""
    authorize(request, "accounting.view_account")
    return queries.access_account(account_id)


# --- the chart as CSV ---------------------------------------------------------------------------------------

MAX_CSV_BYTES = 2_000_000
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
def export_chart(request):
    """The chart as CSV (groups, parents first, then accounts): the columns `import` reads."""
    actor = authorize(request, "accounting.view_account")
    response = HttpResponse(chart_transfer.export_chart(actor=actor.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chart-{timezone.now():%Y%m%d-%H%M%S}.csv"'
    return response


def _csv_of(request) -> str:
    """The CSV text of a multipart upload (`file`) or of a JSON body {"csv": "..."}."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed("Send the CSV as the file part", code="required", field="file")
        if upload.size > MAX_CSV_BYTES:
            raise ValidationFailed(f"The file is larger than {MAX_CSV_BYTES} bytes", code="too_large", field="file")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationFailed("The file is not UTF-8 text", code="invalid_encoding", field="file") from exc
    try:
        return ChartImportIn.model_validate(json.loads(request.body or b"null")).csv
    except (ValueError, ValidationError) as exc:
        raise ValidationFailed('Send {"csv": "..."} or a multipart file', code="invalid", field="csv") from exc


@router.post("/chart/import", response=ChartImportOut, openapi_extra=_IMPORT_BODY)
def import_chart(request, dry_run: bool = False):
    """Create the missing groups and accounts of a CSV, rename existing ones, never delete; all or nothing.
    `?dry_run=true` reports what would change and writes nothing."""
    actor = authorize(request, "accounting.import_chart")
    return chart_transfer.import_chart(actor=actor.user, csv_text=_csv_of(request), dry_run=dry_run)
