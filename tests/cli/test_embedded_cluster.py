"""The embedded PostgreSQL cluster: initialised once, reused, stopped, owned by the process that started it."""

from __future__ import annotations

import os
import subprocess

import psycopg
import pytest

from comptoir.database import DB_NAME, DB_SUPERUSER, SOCKET_PORT, EmbeddedCluster


def _query(cluster: EmbeddedCluster, sql: str):
    with psycopg.connect(host=str(cluster.socket_dir), port=SOCKET_PORT, user=DB_SUPERUSER, dbname=DB_NAME) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchone()[0] if cursor.description else None


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.mark.slow
def test_initialises_once_is_reused_and_stops(var_dir, monkeypatch):
    monkeypatch.setenv("COMPTOIR_PG_FAST", "1")
    cluster = EmbeddedCluster(var_dir / "pg")
    assert not cluster.is_initialised()

    assert cluster.start() is True  # initdb + start: this process owns it
    try:
        assert cluster.is_initialised() and cluster.is_running()
        assert _query(cluster, "SELECT current_database()") == DB_NAME
        _query(cluster, "CREATE TABLE IF NOT EXISTS survives_restarts (id int)")
        pg_version_stamp = (cluster.data_dir / "PG_VERSION").stat().st_mtime_ns
        listens_on = _query(cluster, "SHOW listen_addresses")

        assert cluster.start() is False  # already running under a live owner: reuse, no re-init
        assert (cluster.data_dir / "PG_VERSION").stat().st_mtime_ns == pg_version_stamp
    finally:
        cluster.stop()
    assert listens_on == ""  # unix socket only: never collides with a server on the machine
    assert not cluster.is_running()
    assert not (cluster.data_dir / "postmaster.pid").exists()

    assert cluster.start() is True  # started again from the same data directory, not re-initialised
    try:
        assert (cluster.data_dir / "PG_VERSION").stat().st_mtime_ns == pg_version_stamp
        assert _query(cluster, "SELECT count(*) FROM survives_restarts") == 0
    finally:
        cluster.stop()
    assert not cluster.is_running()


@pytest.mark.slow
def test_a_cluster_whose_starter_died_is_adopted(var_dir, monkeypatch):
    monkeypatch.setenv("COMPTOIR_PG_FAST", "1")
    cluster = EmbeddedCluster(var_dir / "pg")
    assert cluster.start() is True
    try:
        cluster.owner_file.write_text(str(_dead_pid()))  # as if the starting process had been killed -9
        assert cluster.start() is True  # this process now owns it, and so stops it
        assert cluster.owner_file.read_text() == str(os.getpid())
    finally:
        cluster.stop()
    assert not cluster.is_running()
    assert not cluster.owner_file.exists()
