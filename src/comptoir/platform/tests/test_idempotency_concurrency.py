"""Two simultaneous POSTs with one Idempotency-Key: exactly one executes (real threads, real connections)."""

import threading

import pytest
from django.db import connection
from tests.support.api import ApiClient, make_tenant

from comptoir.platform.models import Workspace
from comptoir.platform.tenancy import tenant_context


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_execute_once():
    tenant = make_tenant()
    barrier = threading.Barrier(6)
    results = []

    def post():
        client = ApiClient(tenant.api.token)
        barrier.wait()
        try:
            response = client.post("platform/workspaces", {"name": "Race"}, headers={"Idempotency-Key": "race-1"})
            results.append((response.status_code, response.get("Idempotent-Replayed"), response.json().get("code")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    executed = [r for r in results if r[0] == 201 and r[1] is None]
    assert len(executed) == 1, results
    assert all(r[0] == 201 or (r[0] == 409 and r[2] == "idempotency_in_progress") for r in results), results
    with tenant_context(tenant.organization):
        assert Workspace.objects.filter(name="Race").count() == 1
