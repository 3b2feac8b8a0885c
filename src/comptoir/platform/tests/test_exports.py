"""Exports: every list row as CSV or XLSX (`?format=`), same filters and ordering as the JSON list, constant
queries, tenant isolation, permissions, audit, and formula injection neutralised."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from tests.support.api import ApiClient, make_tenant
from tests.support.queries import CaptureStatements

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.exports import export_response
from comptoir.platform.models import AuditLog, Workspace
from comptoir.platform.services.configuration import set_setting
from comptoir.platform.tenancy import tenant_context

HEADER = ["id", "name", "type", "status", "is_default", "description", "created_at"]


def _add_workspaces(tenant, count: int, prefix="W", type="BRANCH") -> None:
    with tenant_context(tenant.organization):
        Workspace.objects.bulk_create(
            [
                Workspace(organization_id=tenant.organization.pk, name=f"{prefix}{i:03d}", type=type)
                for i in range(count)
            ]
        )


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def _xlsx_rows(response) -> list[list]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_csv_has_the_header_and_every_row_beyond_one_page(tenant):
    _add_workspaces(tenant, 60)
    response = tenant.api.get("platform/workspaces", format="csv", limit=5)
    assert response["Content-Disposition"].startswith('attachment; filename="workspaces-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = _csv_rows(response)
    assert rows[0] == HEADER
    assert [r[1] for r in rows[1:]] == sorted([f"W{i:03d}" for i in range(60)] + ["Main"])
    main = next(r for r in rows if r[1] == "Main")
    assert (main[2], main[3], main[4]) == ("MAIN", "ACTIVE", "true")
    assert len(tenant.api.get("platform/workspaces").json()["items"]) == 50  # the JSON list stays paginated


def test_xlsx_has_the_same_rows(tenant):
    _add_workspaces(tenant, 60)
    csv_rows = _csv_rows(tenant.api.get("platform/workspaces", format="csv"))
    response = tenant.api.get("platform/workspaces", format="xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = _xlsx_rows(response)
    assert rows[0] == HEADER
    assert len(rows) == len(csv_rows) == 62
    assert [r[:5] for r in rows[1:]] == [[c[0], c[1], c[2], c[3], c[4] == "true"] for c in csv_rows[1:]]


def test_filters_and_ordering_apply_and_bad_format_is_422(tenant):
    _add_workspaces(tenant, 3, prefix="B", type="BRANCH")
    _add_workspaces(tenant, 2, prefix="P", type="PROJECT")
    rows = _csv_rows(tenant.api.get("platform/workspaces", format="csv", type="BRANCH", ordering="-name"))
    assert [r[1] for r in rows[1:]] == ["B002", "B001", "B000"]
    rows = _xlsx_rows(tenant.api.get("platform/workspaces", format="xlsx", search="P00"))
    assert [r[1] for r in rows[1:]] == ["P000", "P001"]
    for bad in ("pdf", "CSV", ""):
        response = tenant.api.get("platform/workspaces", format=bad)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "format"
    response = tenant.api.get("platform/workspaces", format="csv", ordering="password")
    assert response.status_code == 422 and response.json()["code"] == "invalid_ordering"
    with pytest.raises(ValidationFailed) as exc:
        export_response([], [("a", "a")], "x", "pdf")
    assert exc.value.code == "unsupported_format"


def test_export_respects_tenant_isolation_and_permissions(tenant, other_tenant):
    _add_workspaces(other_tenant, 5, prefix="Theirs")
    _add_workspaces(tenant, 2, prefix="Ours")
    for fmt, read in (("csv", _csv_rows), ("xlsx", _xlsx_rows)):
        names = [r[1] for r in read(tenant.api.get("platform/workspaces", format=fmt))[1:]]
        assert names == ["Main", "Ours000", "Ours001"]
    token = tenant.api.post("identity/api-tokens", {"name": "no ws", "scopes": ["platform.view_organization"]})
    narrow = ApiClient(token.json()["token"])
    for fmt in ("csv", "xlsx"):
        response = narrow.get("platform/workspaces", format=fmt)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_queries_do_not_grow_with_the_row_count(tenant, fmt):
    counts = []
    for added in (3, 120):
        _add_workspaces(tenant, added, prefix=f"N{added}-")
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get("platform/workspaces", format=fmt)
            body = response.getvalue()
        assert body
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_every_export_is_audited(tenant):
    tenant.api.get("platform/workspaces", format="csv", type="MAIN").getvalue()
    with tenant_context(tenant.organization):
        audit = AuditLog.objects.get(action="EXPORT")
    assert (audit.object_type, audit.actor_user_id) == ("platform.workspace", tenant.owner.pk)
    assert audit.metadata["format"] == "csv" and audit.metadata["query"]["type"] == "MAIN"


def test_spreadsheet_formulas_are_neutralised(tenant):
    formula = '=HYPERLINK("http://evil.example","x")'
    with tenant_context(tenant.organization):
        Workspace.objects.create(name=formula, description="-2+3 \x01bell")
    rows = _csv_rows(tenant.api.get("platform/workspaces", format="csv"))
    row = next(r for r in rows if "HYPERLINK" in r[1])
    assert row[1] == "'" + formula and row[5] == "'-2+3 \x01bell"
    workbook = openpyxl.load_workbook(io.BytesIO(tenant.api.get("platform/workspaces", format="xlsx").getvalue()))
    cell = next(c for c in workbook.active["B"] if "HYPERLINK" in str(c.value))
    assert (cell.value, cell.data_type) == (formula, "s")


def test_settings_and_attachments_lists_export_too(tenant, settings, tmp_path, shop_module):
    with tenant_context(tenant.organization, user=tenant.owner):
        set_setting(actor=tenant.owner, key="shop.secret", value="hidden-value")
        set_setting(actor=tenant.owner, key="shop.tags", value=[1, 2], data_type="ARRAY")
    rows = _xlsx_rows(tenant.api.get("platform/settings", format="xlsx"))
    assert rows[0][:4] == ["key", "value", "data_type", "scope"]
    assert [r[:4] for r in rows[1:]] == [
        ["shop.secret", None, "STRING", "organization"],
        ["shop.tags", "[1, 2]", "ARRAY", "organization"],
    ]

    settings.MEDIA_ROOT = tmp_path
    ws = str(tenant.api.get("platform/workspaces").json()["items"][0]["id"])
    tenant.api.client.post(
        "/api/v1/platform/attachments",
        data={"owner_type": "platform.workspace", "owner_id": ws, "file": SimpleUploadedFile("a.txt", b"hi")},
        headers=tenant.api._headers(None),
    )
    rows = _csv_rows(tenant.api.get("platform/attachments", owner_type="platform.workspace", owner_id=ws, format="csv"))
    assert [r[3] for r in rows] == ["file_name", "a.txt"]


@pytest.mark.django_db(transaction=True)
def test_csv_streams_outside_a_transaction_in_its_tenant_only():
    """In autocommit (as in production) the rows are read after the request's tenant context closed: the export
    reopens it, and row-level security still shows one organization only."""
    ours, theirs = make_tenant(), make_tenant()
    _add_workspaces(ours, 30, prefix="Ours")
    _add_workspaces(theirs, 30, prefix="Theirs")
    rows = _csv_rows(ours.api.get("platform/workspaces", format="csv"))
    assert [r[1] for r in rows[1:]] == ["Main"] + [f"Ours{i:03d}" for i in range(30)]
