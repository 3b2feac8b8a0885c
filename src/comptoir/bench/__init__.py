"""Benchmarks run by `comptoir bench <name>` (DESIGN §7): figures for docs/benchmarks.md, never assertions in the
test suite. Each benchmark runs in a database of its own (`<database>_bench` on the same server), so it neither
needs nor touches the application's data."""

from __future__ import annotations

from django.db import connection, connections

from comptoir.platform.db import ensure_app_role, owner_mode


def use_bench_database(*, fresh: bool) -> str:
    """Point the default connection at `<name>_bench`, created (or, with `fresh`, recreated) on the same server."""
    name = f"{connection.settings_dict['NAME']}_bench"
    with owner_mode(), connection.cursor() as cursor:
        ensure_app_role(cursor)  # a server never migrated has no application role yet, and leaving takes it on
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connections.close_all()
    connection.settings_dict["NAME"] = name
    return name
