"""Issue 7 C5: a `comptoir serve` worker killed (SIGKILL) while it handles a POST with an Idempotency-Key leaves
nothing behind: the key, the write and the stored answer were one transaction, so the retry with the same key runs
once and answers normally (never 409 "in progress"), and exactly one write exists."""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.error
from pathlib import Path

import psycopg
import pytest

from comptoir.platform.models import Workspace
from comptoir.platform.tenancy import tenant_context
from tests.support.api import make_tenant
from tests.support.locks import database_url, lock_waiters, table_locked

from .conftest import cli_env, free_port, http


def _worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def _backend_gone(conn, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
        assert time.monotonic() < deadline, f"backend {pid} still there"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_inside_an_idempotent_post_leaves_the_key_free(var_dir, cli_processes):
    tenant = make_tenant()
    port = free_port()
    server = cli_processes(
        ["serve", "--no-worker", "--port", str(port), "--workers", "1", "--threads", "2"],
        cli_env(var_dir, DATABASE_URL=database_url()),
    )
    server.wait_for_line(f"Comptoir on http://127.0.0.1:{port}/")
    url = f"http://127.0.0.1:{port}/api/v1/platform/workspaces"
    headers = {"Authorization": f"Bearer {tenant.api.token}", "Idempotency-Key": "crash-1"}
    assert http("GET", url, headers={"Authorization": headers["Authorization"]})[0] == 200  # the worker is up

    outcome = []

    def post():
        try:
            outcome.append(http("POST", url, {"name": "Crash"}, headers))
        except (urllib.error.URLError, ConnectionError) as exc:
            outcome.append(exc)

    with table_locked("platform_workspace") as locker:
        client = threading.Thread(target=post)
        client.start()
        [backend] = lock_waiters(locker, 1)  # the request is inside its transaction: key inserted, write waiting
        [worker] = _worker_pids(server.proc.pid)
        os.kill(worker, signal.SIGKILL)
        client.join(timeout=60)
        assert len(outcome) == 1 and isinstance(outcome[0], Exception), outcome
    with psycopg.connect(database_url(), autocommit=True) as watcher:  # the lock is released: the orphan ends
        _backend_gone(watcher, backend)
        assert watcher.execute("SELECT count(*) FROM platform_idempotencykey WHERE key = 'crash-1'").fetchone() == (0,)
    with tenant_context(tenant.organization):
        assert not Workspace.objects.filter(name="Crash").exists()  # rolled back with the key

    status, response_headers, body = http("POST", url, {"name": "Crash"}, headers)  # gunicorn's new worker
    assert status == 201, body
    assert response_headers.get("Idempotent-Replayed") is None
    status, response_headers, again = http("POST", url, {"name": "Crash"}, headers)
    assert (status, response_headers.get("Idempotent-Replayed"), again) == (201, "true", body)
    with tenant_context(tenant.organization):
        assert Workspace.objects.filter(name="Crash").count() == 1
    assert server.stop(signal.SIGTERM) == 0
