"""A PostgreSQL table lock held by the test on a connection of its own, to stop a request inside its transaction
at a known statement, and a wait for the backends that queue behind it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection


def database_url() -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def table_locked(table: str) -> Iterator[psycopg.Connection]:
    """`table` locked in SHARE mode (reads pass, inserts wait) until the block ends; yields the locking connection,
    which can also watch `pg_stat_activity`."""
    with psycopg.connect(database_url()) as conn:
        conn.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
        try:
            yield conn
        finally:
            conn.rollback()


def lock_waiters(conn: psycopg.Connection, count: int, timeout: float = 60) -> list[int]:
    """The pids of the first `count` backends of this database waiting on a lock, once there are that many."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the statistics are a snapshot
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                " AND pid <> pg_backend_pid() ORDER BY query_start"
            )
        ]
        if len(pids) >= count:
            return pids[:count]
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} backend(s) waiting on a lock after {timeout}s")
