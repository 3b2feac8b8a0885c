"""API conventions (DESIGN §5): problem+json, no 500 on bad input, cursor pagination, ETag/If-Match."""

import json
from datetime import timedelta

from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from tests.support.api import ApiClient, member_client
from tests.support.queries import CaptureStatements

from comptoir.platform import middleware
from comptoir.platform.db import app_role, owner_mode
from comptoir.platform.models import IdempotencyKey, Workspace
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


def test_idempotency_compares_json_bodies_in_canonical_form(tenant):
    """The same document re-serialized (keys reordered, other whitespace, 1.50 for 1.5) is the same request."""
    headers = {"Idempotency-Key": "canonical-1"}
    first = tenant.api.post("platform/workspaces", raw=b'{"name":"North","description":"Desk 1.5"}', headers=headers)
    assert first.status_code == 201, first.content
    again = tenant.api.post(
        "platform/workspaces", raw=b'{\n  "description" : "Desk 1.5",\n  "name" : "North"\n}', headers=headers
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    _problem(
        tenant.api.post("platform/workspaces", raw=b'{"description":"Desk 1.50","name":"North"}', headers=headers),
        422,
        "idempotency_key_reused",
    )
    assert _fingerprint(b'{"a": [1.50, 2], "b": 1e1}') == _fingerprint(b'{"b":10,"a":[1.5,2.0]}')
    assert _fingerprint(b'{"a": 0.1}') != _fingerprint(b'{"a": 0.10000000000000000001}')  # exact, not floats
    assert _fingerprint(b'{"a": 1}') != _fingerprint(b'{"a": "1"}')


def _fingerprint(body: bytes) -> str:
    return middleware._fingerprint(RequestFactory().post("/api/v1/x", body, content_type="application/json"))


def test_idempotency_keeps_a_refusal_and_replays_it(tenant):
    tenant.api.post("platform/workspaces", {"name": "Taken"})
    headers = {"Idempotency-Key": "refused-1"}
    refused = _problem(tenant.api.post("platform/workspaces", {"name": "Taken"}, headers=headers), 422, "duplicate")
    replay = tenant.api.post("platform/workspaces", {"name": "Taken"}, headers=headers)
    assert replay.status_code == 422 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == refused


def test_idempotency_rolls_back_a_server_error_with_its_key(tenant):
    """A 5xx is not kept: the request's transaction, key included, is rolled back, and the retry runs."""
    with owner_mode(), connection.cursor() as cursor:  # the workspace insert fails inside PostgreSQL
        cursor.execute(
            "CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'boom'; END $$;"
            "CREATE TRIGGER test_fail AFTER INSERT ON platform_workspace FOR EACH ROW EXECUTE FUNCTION test_fail()"
        )
    headers = {"Idempotency-Key": "failing-1"}
    _problem(tenant.api.post("platform/workspaces", {"name": "Flaky"}, headers=headers), 500, "server_error")
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_fail ON platform_workspace; DROP FUNCTION test_fail()")
    with tenant_context(tenant.organization):
        assert not IdempotencyKey.objects.filter(key="failing-1").exists()
    retry = tenant.api.post("platform/workspaces", {"name": "Flaky"}, headers=headers)
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry


def test_idempotency_does_not_keep_a_429_but_keeps_its_writes(tenant):
    """A 429 means "later": the retry with the same key runs again; the audit row of the refusal stands."""
    type(tenant.owner).objects.filter(pk=tenant.owner.pk).update(locked_until=timezone.now() + timedelta(minutes=15))
    headers = {"Idempotency-Key": "locked-1"}
    body = {"email": tenant.owner.email, "password": "whatever-it-is"}
    for _ in range(2):
        locked = tenant.api.post("auth/token", body, headers=headers)
        _problem(locked, 429, "account_locked")
        assert "Idempotent-Replayed" not in locked
    with tenant_context(tenant.organization):
        assert not IdempotencyKey.objects.filter(key="locked-1").exists()
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM platform_auditlog WHERE user_email = %s AND reason = 'locked'", [body["email"]]
        )
        assert cursor.fetchone() == (2,)


def test_idempotency_key_of_another_user_is_refused(tenant):
    """A member's stored answer (which may carry a secret shown once) is never replayed to another member."""
    _user, colleague = member_client(tenant, org_role="ADMIN")
    headers = {"Idempotency-Key": "mine-1"}
    assert tenant.api.post("platform/workspaces", {"name": "Mine"}, headers=headers).status_code == 201
    _problem(colleague.post("platform/workspaces", {"name": "Mine"}, headers=headers), 422, "idempotency_key_reused")


def test_an_idempotent_post_hit_by_a_serialization_failure_runs_again(tenant):
    """The request's transaction is the middleware's: a serialization failure inside it (here raised once by a
    trigger, counted by a sequence, which no rollback undoes) rolls it back and the middleware runs it again."""
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE SEQUENCE test_conflicts;"
            "CREATE FUNCTION test_conflict_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF nextval('test_conflicts') = 1 THEN RAISE 'conflict' USING ERRCODE = 'serialization_failure'; END IF;"
            " RETURN NEW; END $$;"
            "CREATE TRIGGER test_conflict_once AFTER INSERT ON platform_workspace FOR EACH ROW"
            " EXECUTE FUNCTION test_conflict_once();"
            f'GRANT USAGE ON SEQUENCE test_conflicts TO "{app_role()}"'
        )
    try:
        created = tenant.api.post("platform/workspaces", {"name": "Contended"}, headers={"Idempotency-Key": "c-1"})
        with owner_mode(), connection.cursor() as cursor:
            cursor.execute("SELECT last_value FROM test_conflicts")
            runs = cursor.fetchone()[0]
    finally:
        with owner_mode(), connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_conflict_once ON platform_workspace; DROP FUNCTION test_conflict_once();"
                "DROP SEQUENCE test_conflicts"
            )
    assert created.status_code == 201, created.content
    assert runs == 2  # the first insert failed, the second run succeeded
    assert _workspace_count(tenant) == 2  # the default one and this one, written once
    replay = tenant.api.post("platform/workspaces", {"name": "Contended"}, headers={"Idempotency-Key": "c-1"})
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
