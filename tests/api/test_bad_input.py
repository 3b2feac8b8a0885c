"""Input PostgreSQL cannot store, or the API cannot read, is a 4xx problem+json, never a 500: NUL characters,
time-zone offsets beyond ±15:59, nulls on PATCH fields, multipart without a boundary, a carriage return in a chart
CSV, a body that is not JSON (415); and the 404/405 of the API are problem+json."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comptoir.accounting.models import Account
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.problems import CONTENT_TYPE
from comptoir.platform.tenancy import tenant_context


def _problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith(CONTENT_TYPE), response["Content-Type"]
    body = response.json()
    if code:
        assert body["code"] == code, body
    return body


def test_budget_filters_by_account_and_cost_center(tenant):
    api = tenant.api
    made = api.post(
        "accounting/budgets",
        {"name": "Rent", "fiscal_year": str(IN_YEAR.year), "allocated_amount": "100", "account": "6100"},
    )
    assert made.status_code == 201, made.json()
    by_code = api.get("accounting/budgets", account="6100")
    assert by_code.status_code == 200 and [b["id"] for b in by_code.json()["items"]] == [made.json()["id"]]
    with tenant_context(tenant.organization):
        account_id = Account.objects.get(code="6100").pk
    by_id = api.get("accounting/budgets", account=str(account_id))
    assert [b["id"] for b in by_id.json()["items"]] == [made.json()["id"]]
    assert api.get("accounting/budgets", account="7000").json()["items"] == []
    assert api.get("accounting/budgets", cost_center="NOPE").json()["items"] == []


@pytest.mark.parametrize("field", ["legal_name", "industry", "phone", "pan", "registration_number", "size"])
def test_null_clears_an_optional_organization_field(tenant, field):
    response = tenant.api.patch("platform/organization", {field: None})
    assert response.status_code == 200, response.json()
    assert response.json()[field] == ""


@pytest.mark.parametrize("field", ["name", "settings", "timezone", "country", "status"])
def test_null_on_a_required_organization_field_is_refused(tenant, field):
    body = _problem(tenant.api.patch("platform/organization", {field: None}), 422, "validation_error")
    assert body["errors"][0]["field"] == field


def test_null_workspace_type_is_refused(tenant):
    workspace = tenant.api.post("platform/workspaces", {"name": "North"}).json()
    body = _problem(tenant.api.patch(f"platform/workspaces/{workspace['id']}", {"type": None}), 422)
    assert body["errors"][0]["field"] == "type"
    cleared = tenant.api.patch(f"platform/workspaces/{workspace['id']}", {"description": None})
    assert cleared.status_code == 200 and cleared.json()["description"] == ""


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("auth/verify-email", {"token": "a\u0000b"}),
        ("auth/password-reset/confirm", {"token": "a\u0000b", "password": "correct-horse-battery-staple"}),
        ("auth/invitations/accept", {"token": "a\u0000b"}),
        ("auth/token", {"email": "x\u0000@example.com", "password": "p"}),
    ],
)
def test_nul_in_an_unauthenticated_body(db, path, body):
    from tests.support.api import ApiClient

    _problem(ApiClient().post(path, body), 422, "nul_character")


def test_nul_in_bodies_queries_paths_and_headers(tenant):
    api = tenant.api
    _problem(api.post("platform/workspaces", {"name": "a\u0000b"}), 422, "nul_character")
    _problem(api.patch("platform/organization", {"settings": {"k\u0000": 1}}), 422, "nul_character")
    _problem(api.get("accounting/accounts", search="a\u0000"), 422, "nul_character")
    _problem(api.get("platform/audit-log", format="csv", action="a\u0000"), 422, "nul_character")
    _problem(api.get("platform/workspaces/a%00b"), 422, "nul_character")
    _problem(api.get("me", headers={"X-Organization": "a\u0000"}), 422, "nul_character")
    _problem(api.post("accounting/chart/import", {"csv": "kind,code\u0000"}), 422, "nul_character")
    # an escaped backslash before u0000 is text, not a NUL
    ok = api.post("platform/workspaces", raw='{"name": "back\\\\u0000slash"}')
    assert ok.status_code == 201 and ok.json()["name"] == "back\\u0000slash"


def test_nul_in_a_form_field(tenant):
    """Form bodies are not read by the middleware: the parser refuses the field."""
    data = {"owner_type": "platform.work\u0000space", "owner_id": "x", "file": SimpleUploadedFile("a.txt", b"hi")}
    response = tenant.api.client.post("/api/v1/platform/attachments", data=data, headers=tenant.api._headers(None))
    body = _problem(response, 422, "nul_character")
    assert body["errors"][0]["field"] == "owner_type"


@pytest.mark.parametrize("offset", ["+19:00", "-16:00", "+1600"])
def test_time_zone_offset_beyond_postgresql_range(tenant, offset):
    event = {"title": "Meeting", "start_time": f"2030-01-01T10:00:00{offset}", "end_time": "2030-01-01T11:00:00Z"}
    body = _problem(tenant.api.post("platform/calendar/events", event), 422, "invalid_datetime")
    assert body["errors"][0]["field"] == "start_time"
    query = _problem(tenant.api.get("platform/audit-log", date_from=f"2030-01-01T00:00:00{offset}"), 422)
    assert query["code"] == "invalid_datetime"


def test_offset_within_range_is_accepted(tenant):
    event = {"title": "Meeting", "start_time": "2030-01-01T10:00:00+14:00", "end_time": "2030-01-01T11:00:00+14:00"}
    assert tenant.api.post("platform/calendar/events", event).status_code == 201


@pytest.mark.parametrize("path", ["accounting/chart/import", "platform/attachments"])
def test_multipart_without_boundary(tenant, path):
    response = tenant.api.client.post(
        f"/api/v1/{path}",
        data=b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--\r\n",
        content_type="multipart/form-data",
        headers=tenant.api._headers(None),
    )
    _problem(response, 400, "malformed_body")


def test_multipart_without_boundary_on_statement_import(tenant):
    bank = tenant.api.post(
        "accounting/bank-accounts", {"name": "Main", "account": "5120", "currency": "EUR"}
    )  # the import checks the boundary before the bank account
    path = f"/api/v1/accounting/bank-accounts/{bank.json().get('id', '0')}/statements/import"
    response = tenant.api.client.post(
        path, data=b"x", content_type="multipart/form-data; boundary=", headers=tenant.api._headers(None)
    )
    _problem(response, 400, "malformed_body")


@pytest.mark.parametrize("csv", ["\ra", "kind,code\r\n\ra"])
def test_carriage_return_in_chart_csv(tenant, csv):
    body = _problem(tenant.api.post("accounting/chart/import", {"csv": csv}), 422)
    assert body["errors"][0]["field"] == "csv"


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "text/csv"])
def test_a_json_body_of_another_media_type_is_refused(tenant, content_type):
    for path in ("platform/workspaces", "accounting/chart/import"):
        response = tenant.api.client.post(
            f"/api/v1/{path}",
            data='{"name": "x", "csv": "x"}',
            content_type=content_type,
            headers=tenant.api._headers(None),
        )
        _problem(response, 415, "unsupported_media_type")
    assert tenant.api.get("platform/workspaces").json()["items"][0]["name"] != "x"


def test_json_with_a_charset_or_a_json_suffix_is_read(tenant):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = tenant.api.client.patch(
            "/api/v1/platform/organization",
            data='{"industry": "Retail"}',
            content_type=content_type,
            headers=tenant.api._headers(None),
        )
        assert response.status_code == 200, response.content


def test_404_and_405_are_problems(tenant):
    api = tenant.api
    _problem(api.get("no/such/endpoint"), 404, "not_found")
    _problem(Client().get("/api/v1/nowhere"), 404, "not_found")
    body = _problem(api.patch("platform/audit-log", {}), 405, "method_not_allowed")
    assert "GET" in body["detail"]
    assert "GET" in api.patch("platform/audit-log", {})["Allow"]
    _problem(api.delete("me"), 405, "method_not_allowed")
    _problem(api.request("put", "platform/organization", {}), 405, "method_not_allowed")
