"""API conventions (DESIGN §5): problem+json, no 500 on bad input, cursor pagination, ETag/If-Match."""

import json

from django.db import connection
from tests.support.api import ApiClient
from tests.support.queries import CaptureStatements

from comptoir.platform.models import Workspace
from comptoir.platform.tenancy import tenant_context


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].endswith("/" + code) and body["title"]
    return body


def _workspace_count(tenant) -> int:
    with tenant_context(tenant.organization):
        return Workspace.objects.count()


def test_openapi_is_3_1_and_docs_page_answers(client, db):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["openapi"].startswith("3.1")
    assert "/api/v1/platform/workspaces" in spec.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_malformed_json_is_a_problem_not_a_500(tenant):
    _problem(tenant.api.post("platform/workspaces", raw=b'{"name": "x",'), 400, "malformed_body")
    _problem(tenant.api.post("platform/workspaces", raw=b"\xff\xfe"), 400, "malformed_body")
    assert _workspace_count(tenant) == 1


def test_wrong_types_and_missing_fields_name_the_field(tenant):
    body = _problem(tenant.api.post("platform/workspaces", {"name": ["a"], "type": "MOON"}), 422, "validation_error")
    fields = {e["field"]: e["code"] for e in body["errors"]}
    assert fields["name"] == "string_type"
    assert fields["type"] == "enum"
    body = _problem(tenant.api.post("platform/workspaces", {}), 422, "validation_error")
    assert body["errors"] == [{"field": "name", "code": "missing", "message": "Field required"}]
    assert _workspace_count(tenant) == 1


def test_unknown_fields_are_refused(tenant):
    body = _problem(tenant.api.post("platform/workspaces", {"name": "A", "colour": "red"}), 422, "validation_error")
    assert body["errors"][0]["field"] == "colour"
    assert body["errors"][0]["code"] == "extra_forbidden"
    assert _workspace_count(tenant) == 1


def test_huge_payload_is_refused_with_413(tenant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    _problem(
        tenant.api.post("platform/workspaces", {"name": "A", "description": "x" * 20_000}), 413, "payload_too_large"
    )
    assert _workspace_count(tenant) == 1


def test_unknown_path_and_missing_token_are_problems(client, db):
    _problem(client.get("/api/v1/no/such/thing"), 404, "not_found")
    _problem(client.get("/api/v1/platform/workspaces"), 401, "not_authenticated")
    _problem(ApiClient("garbage").get("platform/workspaces"), 401, "invalid_token")


def test_cursor_pagination_walks_every_row_once(tenant):
    for i in range(7):
        assert tenant.api.post("platform/workspaces", {"name": f"Branch {i}", "type": "BRANCH"}).status_code == 201
    seen, cursor = [], None
    while True:
        query = {"limit": 3, "ordering": "-name"}
        if cursor:
            query["cursor"] = cursor
        page = tenant.api.get("platform/workspaces", **query).json()
        assert len(page["items"]) <= 3
        seen += [w["name"] for w in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted([f"Branch {i}" for i in range(7)] + ["Main"], reverse=True)


def test_filters_and_bad_ordering_or_cursor(tenant):
    tenant.api.post("platform/workspaces", {"name": "North", "type": "BRANCH"})
    tenant.api.post("platform/workspaces", {"name": "Lab", "type": "PROJECT", "description": "research"})
    assert [w["name"] for w in tenant.api.get("platform/workspaces", type="BRANCH").json()["items"]] == ["North"]
    assert [w["name"] for w in tenant.api.get("platform/workspaces", search="resea").json()["items"]] == ["Lab"]
    body = _problem(tenant.api.get("platform/workspaces", ordering="password"), 422, "invalid_ordering")
    assert body["errors"][0]["field"] == "ordering"
    _problem(tenant.api.get("platform/workspaces", cursor="!!not-a-cursor"), 422, "invalid_cursor")
    _problem(tenant.api.get("platform/workspaces", limit=1000), 422, "validation_error")


def test_list_query_count_does_not_grow_with_page_size(tenant):
    for i in range(25):
        tenant.api.post("platform/workspaces", {"name": f"W{i:02d}"})
    counts = []
    for limit in (2, 25):
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get("platform/workspaces", limit=limit)
        assert len(response.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_etag_and_if_match_guard_against_stale_writes(tenant):
    created = tenant.api.post("platform/workspaces", {"name": "Depot"})
    ws_id, etag = created.json()["id"], created["ETag"]
    assert etag == '"1"'
    assert tenant.api.get(f"platform/workspaces/{ws_id}")["ETag"] == etag

    first = tenant.api.patch(f"platform/workspaces/{ws_id}", {"name": "Depot A"}, headers={"If-Match": etag})
    assert first.status_code == 200 and first["ETag"] == '"2"'
    stale = tenant.api.patch(f"platform/workspaces/{ws_id}", {"name": "Depot B"}, headers={"If-Match": etag})
    _problem(stale, 412, "precondition_failed")
    assert tenant.api.get(f"platform/workspaces/{ws_id}").json()["name"] == "Depot A"

    org = tenant.api.get("platform/organization")
    _problem(
        tenant.api.patch("platform/organization", {"name": "X"}, headers={"If-Match": '"99"'}),
        412,
        "precondition_failed",
    )
    ok = tenant.api.patch("platform/organization", {"name": "Renamed"}, headers={"If-Match": org["ETag"]})
    assert ok.status_code == 200 and ok.json()["name"] == "Renamed" and ok.json()["version"] == 2


def test_idempotency_key_replays_and_refuses_a_different_body(tenant):
    headers = {"Idempotency-Key": "create-north-1"}
    first = tenant.api.post("platform/workspaces", {"name": "North"}, headers=headers)
    again = tenant.api.post("platform/workspaces", {"name": "North"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert json.loads(again.content) == json.loads(first.content)
    assert again["Idempotent-Replayed"] == "true"
    other = tenant.api.post("platform/workspaces", {"name": "South"}, headers=headers)
    _problem(other, 422, "idempotency_key_reused")
    with tenant_context(tenant.organization):
        assert Workspace.objects.filter(name__in=["North", "South"]).count() == 1


def test_idempotency_keys_are_per_organization(tenant, other_tenant):
    headers = {"Idempotency-Key": "same-key"}
    assert tenant.api.post("platform/workspaces", {"name": "North"}, headers=headers).status_code == 201
    replay = other_tenant.api.post("platform/workspaces", {"name": "North"}, headers=headers)
    assert replay.status_code == 201 and "Idempotent-Replayed" not in replay
    with tenant_context(other_tenant.organization):
        assert Workspace.objects.filter(name="North").count() == 1
