"""The OpenAPI document describes what the API does: the bearer scheme, a description for every operation, the
problem+json responses with one shared schema, and the CSV/XLSX files of the lists that export."""

from __future__ import annotations

import pytest
from django.test import Client

from comptoir.platform.exports import XLSX_MIME
from comptoir.platform.problems import CONTENT_TYPE

DESCRIBED = {"description": "An access token from `POST /auth/token`, or a personal API token"}


@pytest.fixture(scope="module")
def spec():
    return Client().get("/api/v1/openapi.json").json()


def _operations(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_bearer_scheme_declared(spec):
    assert spec["components"]["securitySchemes"] == {"bearerAuth": {"type": "http", "scheme": "bearer", **DESCRIBED}}
    public = [path for _, path, op in _operations(spec) if op.get("security") != [{"bearerAuth": []}]]
    assert public == [
        "/api/v1/auth/signup",
        "/api/v1/auth/token",
        "/api/v1/auth/token/refresh",
        "/api/v1/auth/password-reset",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/auth/verify-email",
        "/api/v1/auth/invitations/accept",
    ]


def test_every_operation_has_a_description(spec):
    missing = [f"{method.upper()} {path}" for method, path, op in _operations(spec) if not op.get("description")]
    assert missing == []


def test_error_responses_are_problems_with_one_schema(spec):
    assert spec["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "code",
        "detail",
        "instance",
    ]
    problem = {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for method, path, op in _operations(spec):
        statuses = {int(s) for s in op["responses"]}
        expected = {400, 404, 422} | ({401, 403} if op.get("security") or "/auth/" in path else set())
        if "requestBody" in op:
            expected |= {413, 415}
        if method != "get":
            expected |= {409, 412}
        assert expected <= statuses, (method, path, statuses)
        for status in expected:
            assert op["responses"][str(status)]["content"] == problem


def test_exporting_lists_declare_csv_and_xlsx(spec):
    ok = spec["paths"]["/api/v1/platform/workspaces"]["get"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/csv", XLSX_MIME}
    assert set(spec["paths"]["/api/v1/me"]["get"]["responses"]["200"]["content"]) == {"application/json"}


def test_docs_page_offers_authorization(db):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200 and b"openapi.json" in page.content


def test_the_documented_examples_are_accepted(db, spec):
    """Sign-up then sign-in with the bodies the document shows (what the docs page's "Try it out" sends)."""
    client = Client()

    def example(path: str) -> dict:
        body = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["examples"][0]

    signup = client.post("/api/v1/auth/signup", example("/api/v1/auth/signup"), content_type="application/json")
    assert signup.status_code == 201, signup.content
    token = client.post("/api/v1/auth/token", example("/api/v1/auth/token"), content_type="application/json")
    assert token.status_code == 200, token.content
    as_of = spec["paths"]["/api/v1/accounting/reports/trial-balance"]["get"]["parameters"][0]
    assert as_of["name"] == "as_of" and as_of["required"] is True
    report = client.get(
        "/api/v1/accounting/reports/trial-balance",
        {"as_of": as_of["example"]},
        headers={"Authorization": f"Bearer {token.json()['access']}"},
    )
    assert report.status_code == 200, report.content
