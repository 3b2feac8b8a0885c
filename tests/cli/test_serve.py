"""`comptoir demo` then `comptoir serve` end to end: a fresh var directory, the embedded cluster, gunicorn, real
HTTP, a second comptoir process sharing the cluster, and clean stops on SIGTERM and Ctrl-C."""

from __future__ import annotations

import os
import re
import signal

import pytest

from comptoir.cli import DEMO_EMAIL, DEMO_PASSWORD
from comptoir.database import SYSTEM_CLUSTERS, EmbeddedCluster

from .conftest import cli_env, free_port, http, run_cli

PASSWORD = "s3cret-passw0rd!"


def _assert_cluster_stopped(var_dir, times: int) -> None:
    """Not running, and stopped exactly `times` times in all: by the gunicorn master, never by a worker."""
    cluster = EmbeddedCluster.in_var_dir(var_dir)
    assert not cluster.is_running()
    assert not (cluster.data_dir / "postmaster.pid").exists()
    log = cluster.log_file.read_text()
    assert log.count("received fast shutdown request") == times, log
    assert log.count("database system is shut down") == times, log


@pytest.mark.slow
def test_demo_then_serve_on_the_embedded_cluster(var_dir, cli_processes):
    port = free_port()
    env = cli_env(var_dir)
    demo = cli_processes(["demo", "--port", str(port)], env)
    demo.wait_for_line("password:")
    banner = "".join(demo.stdout)
    assert f"http://127.0.0.1:{port}/" in banner
    assert DEMO_EMAIL in banner and DEMO_PASSWORD in banner
    api = f"http://127.0.0.1:{port}/api/v1"

    status, _, body = http("POST", f"{api}/auth/token", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert status == 200, body  # the printed login works

    signup = {
        "organization": {"name": "Beta Imports", "code": "beta", "country": "FR", "base_currency": "EUR"},
        "user": {"email": "ada@example.com", "password": PASSWORD, "first_name": "Ada", "last_name": "Lovelace"},
    }
    status, _, body = http("POST", f"{api}/auth/signup", signup)
    assert status == 201, body
    assert body["organization_code"] == "beta"
    status, _, body = http("POST", f"{api}/auth/token", {"email": "ada@example.com", "password": PASSWORD})
    assert status == 200, body
    assert body["token_type"] == "Bearer"
    bearer = {"Authorization": f"Bearer {body['access']}"}
    status, _, me = http("GET", f"{api}/me", headers=bearer)
    assert status == 200, me
    assert me["user"]["email"] == "ada@example.com"
    assert me["org_role"] == "OWNER"
    assert [m["organization_code"] for m in me["memberships"]] == ["beta"]

    status, _, spec = http("GET", f"{api}/openapi.json")
    assert status == 200
    assert spec["openapi"].startswith("3.1.")
    status, _, page = http("GET", f"{api}/docs")
    assert status == 200
    assert "/api/v1/openapi.json" in page
    status, _, page = http("GET", f"http://127.0.0.1:{port}/admin/login/")
    assert status == 200
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert assets, page
    for asset in assets:  # collected by `serve` and served by whitenoise
        assert http("GET", f"http://127.0.0.1:{port}{asset}")[0] == 200, asset

    # a second comptoir process on the same var directory uses the running cluster and leaves it running
    result = run_cli(
        ["createorg", "--name", "Gamma", "--code", "gamma", "--country", "FR", "--owner-email", "ada@example.com"], env
    )
    assert result.returncode == 0, result.stderr
    assert "created organization gamma" in result.stdout
    status, _, me = http("GET", f"{api}/me", headers=bearer)
    assert status == 200, me
    assert sorted(m["organization_code"] for m in me["memberships"]) == ["beta", "gamma"]

    assert demo.stop(signal.SIGTERM) == 0
    assert "Traceback" not in "".join(demo.stderr)
    _assert_cluster_stopped(var_dir, times=1)

    # `serve` on the same var directory: the cluster is started again (not re-initialised), the data is there
    server = cli_processes(["serve", "--port", str(port), "--workers", "1"], env)
    server.wait_for_line(f"Comptoir on http://127.0.0.1:{port}/")
    status, _, body = http("POST", f"{api}/auth/token", {"email": "ada@example.com", "password": PASSWORD})
    assert status == 200, body
    status, _, body = http("GET", f"{api}/me")
    assert status == 401, body
    assert body["code"] == "not_authenticated"
    assert server.stop(signal.SIGINT) == 0  # Ctrl-C
    assert "Traceback" not in "".join(server.stderr)
    _assert_cluster_stopped(var_dir, times=2)


@pytest.mark.slow
def test_demo_from_a_private_directory(private_var_dir, cli_processes):
    """A checkout in a 0700 directory (a root home, `mktemp -d`): as root, the cluster runs as the service user in
    a directory of its own under /var/lib/comptoir that `var/pg` links to, and the demo still stops it."""
    var_dir = private_var_dir
    assert var_dir.parent.stat().st_mode & 0o777 == 0o700
    port = free_port()
    demo = cli_processes(["demo", "--port", str(port), "--no-worker"], cli_env(var_dir))
    demo.wait_for_line("password:")
    status, _, body = http(
        "POST", f"http://127.0.0.1:{port}/api/v1/auth/token", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    assert status == 200, body

    cluster = EmbeddedCluster.in_var_dir(var_dir)
    assert cluster.is_running()
    if os.geteuid() == 0:
        assert cluster.root.parent == SYSTEM_CLUSTERS
        assert (var_dir / "pg").resolve() == cluster.root
        assert cluster.data_dir.stat().st_uid != 0  # run by the unprivileged service user
        assert EmbeddedCluster.in_var_dir(var_dir.parent / "var") == cluster  # keyed by the var directory
    else:
        assert cluster.root == var_dir / "pg"
    assert "database system is ready" in (var_dir / "pg" / "postgres.log").read_text()

    assert demo.stop(signal.SIGTERM) == 0
    assert "Traceback" not in "".join(demo.stderr)
    _assert_cluster_stopped(var_dir, times=1)
