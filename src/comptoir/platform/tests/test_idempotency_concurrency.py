"""Simultaneous POSTs with one Idempotency-Key: exactly one executes, the others wait for it and replay its
answer (real threads, real connections)."""

import threading

import pytest
from django.db import connection
from tests.support.api import ApiClient, make_tenant
from tests.support.locks import lock_waiters, table_locked

from comptoir.platform.db import owner_mode
from comptoir.platform.models import IdempotencyKey, Workspace
from comptoir.platform.tenancy import tenant_context


def _post_in_thread(tenant, body: dict, key: str, results: list, barrier=None) -> threading.Thread:
    def post():
        client = ApiClient(tenant.api.token)
        if barrier is not None:
            barrier.wait()
        try:
            response = client.post("platform/workspaces", body, headers={"Idempotency-Key": key})
            results.append((response.status_code, response.get("Idempotent-Replayed"), response.json()))
        finally:
            connection.close()

    thread = threading.Thread(target=post)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_execute_once():
    tenant = make_tenant()
    barrier = threading.Barrier(6)
    results = []
    threads = [_post_in_thread(tenant, {"name": "Race"}, "race-1", results, barrier) for _ in range(6)]
    for t in threads:
        t.join()

    assert sorted((status, replayed or "") for status, replayed, _ in results) == [(201, "")] + [(201, "true")] * 5
    assert len({body["id"] for _, _, body in results}) == 1
    with tenant_context(tenant.organization):
        assert Workspace.objects.filter(name="Race").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_waits_for_the_running_request_then_replays_it():
    """The first request is held inside its transaction (its insert waits on a table lock of the test); the
    duplicate queues on the key instead of answering 409, and replays the answer once the first commits."""
    tenant = make_tenant()
    results = []
    with table_locked("platform_workspace") as locker:
        first = _post_in_thread(tenant, {"name": "Held"}, "held-1", results)
        lock_waiters(locker, 1)
        second = _post_in_thread(tenant, {"name": "Held"}, "held-1", results)
        lock_waiters(locker, 2)  # the duplicate waits on the first's uncommitted key
        assert results == []
    first.join()
    second.join()

    results.sort(key=lambda r: r[1] or "")  # the original first
    assert [(status, replayed) for status, replayed, _ in results] == [(201, None), (201, "true")]
    assert results[0][2] == results[1][2]
    with tenant_context(tenant.organization):
        assert Workspace.objects.filter(name="Held").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_commit_refused_by_a_deferred_constraint_keeps_nothing():
    """The request's writes are checked by deferred constraints at the request's commit, after the view answered:
    a refusal there is a problem+json 500, the key is free and nothing was written."""
    tenant = make_tenant()
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'refused'; END $$;"
            "CREATE CONSTRAINT TRIGGER test_refuse AFTER INSERT ON platform_workspace DEFERRABLE INITIALLY DEFERRED"
            " FOR EACH ROW EXECUTE FUNCTION test_refuse()"
        )
    try:
        response = tenant.api.post("platform/workspaces", {"name": "Late"}, headers={"Idempotency-Key": "late-1"})
    finally:
        with owner_mode(), connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_refuse ON platform_workspace; DROP FUNCTION test_refuse()")
    assert response.status_code == 500 and response.json()["code"] == "server_error", response.content
    with tenant_context(tenant.organization):
        assert not Workspace.objects.filter(name="Late").exists()
        assert not IdempotencyKey.objects.filter(key="late-1").exists()
    retry = tenant.api.post("platform/workspaces", {"name": "Late"}, headers={"Idempotency-Key": "late-1"})
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
