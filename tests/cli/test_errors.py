"""Expected failures of the `comptoir` command end with one line, `comptoir: error: …`, and exit status 1."""

from __future__ import annotations

import importlib.util
import os
import pwd
import socket
import subprocess

import pytest

from comptoir.database import EmbeddedCluster, find_pg_bindir

from .conftest import assert_one_line_error, cli_env, free_port, run_cli


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_busy_port_is_refused_before_anything_starts(var_dir, command):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli([command, "--port", str(port)], cli_env(var_dir))
    assert_one_line_error(result, f"port {port} on 127.0.0.1 is already in use")
    assert not EmbeddedCluster(var_dir / "pg").is_initialised()  # failed fast: no cluster made, none left running


@pytest.mark.skipif(importlib.util.find_spec("pgserver") is not None, reason="the pgserver wheel provides PostgreSQL")
def test_no_postgresql_on_the_machine(var_dir, tmp_path):
    empty = tmp_path / "no-postgresql-here"
    empty.mkdir()
    result = run_cli(["migrate"], cli_env(var_dir, COMPTOIR_PG_BINDIR=str(empty)))
    assert_one_line_error(result, "no PostgreSQL server found", "set DATABASE_URL")


def test_unreachable_database_url(var_dir):
    url = f"postgresql://comptoir@127.0.0.1:{free_port()}/comptoir"
    result = run_cli(["migrate"], cli_env(var_dir, DATABASE_URL=url))
    assert_one_line_error(result, "cannot reach the database at DATABASE_URL", "Connection refused")


def test_database_url_must_be_postgresql(var_dir):
    result = run_cli(["migrate"], cli_env(var_dir, DATABASE_URL="mysql://root@127.0.0.1:3306/comptoir"))
    assert_one_line_error(result, "DATABASE_URL must name a PostgreSQL server")


def _as_cluster_user() -> dict:
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam("postgres")
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@pytest.mark.slow
def test_a_data_directory_held_by_another_server(var_dir, monkeypatch):
    """Another postmaster runs on the embedded data directory (here one listening on another socket): comptoir
    refuses to use it, and leaves that server alone."""
    monkeypatch.setenv("COMPTOIR_PG_FAST", "1")
    cluster = EmbeddedCluster(var_dir / "pg")
    cluster.start()
    cluster.stop()
    foreign_socket = var_dir.parent / "foreign"
    foreign_socket.mkdir()
    if os.geteuid() == 0:
        os.chown(foreign_socket, pwd.getpwnam("postgres").pw_uid, -1)
    pg_ctl = str(find_pg_bindir() / "pg_ctl")
    options = f"-c listen_addresses='' -c unix_socket_directories='{foreign_socket}' -c port={free_port()}"
    subprocess.run(
        [pg_ctl, "-D", str(cluster.data_dir), "-o", options, "-l", str(foreign_socket / "log"), "-w", "start"],
        check=True,
        capture_output=True,
        **_as_cluster_user(),
    )
    try:
        result = run_cli(["migrate"], cli_env(var_dir))
        assert_one_line_error(result, "is locked by another server")
        status = subprocess.run(
            [pg_ctl, "-D", str(cluster.data_dir), "status"], capture_output=True, **_as_cluster_user()
        )
        assert status.returncode == 0  # still running: comptoir stops only what it started
    finally:
        subprocess.run(
            [pg_ctl, "-D", str(cluster.data_dir), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            **_as_cluster_user(),
        )
