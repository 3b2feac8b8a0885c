"""Benchmarks run by `comptoir bench <name>` (DESIGN §7): figures for docs/benchmarks.md, never assertions in the
test suite. Each benchmark runs in a database of its own (`<database>_bench` on the same server), so it neither
needs nor touches the application's data."""

from __future__ import annotations

import multiprocessing
import queue
import statistics
import time
from collections.abc import Callable

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


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of `samples`."""
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, round(0.95 * len(samples)) - 1)]


def run_clients(bench, clients: int, target: Callable, args: tuple) -> tuple[float, list]:
    """Runs `target(bench, client_no, *args, start, results)` in `clients` forked processes started together, each
    putting `(began, ended, result)` on `results`; (elapsed seconds from the first start to the last end, every
    client's result)."""
    connections.close_all()
    mp = multiprocessing.get_context("fork")
    start, results = mp.Event(), mp.Queue()
    procs = [mp.Process(target=target, args=(bench, c, *args, start, results)) for c in range(clients)]
    for proc in procs:
        proc.start()
    time.sleep(1.0)  # every client connected and waiting
    start.set()
    outcomes: list = []
    while len(outcomes) < len(procs):
        try:
            outcomes.append(results.get(timeout=1))
        except queue.Empty:
            if any(proc.exitcode for proc in procs):  # a client died before its result: fail now, not in an hour
                for proc in procs:
                    proc.terminate()
                break
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise RuntimeError(f"a bench client failed (exit code {proc.exitcode})")
    elapsed = max(end for _, end, _ in outcomes) - min(began for began, _, _ in outcomes)
    return elapsed, [result for _, _, result in outcomes]


def print_service_vs_floor(
    echo: Callable[[str], None], measure: Callable[..., float], clients: list[int], per_client: int, warm_up: int
) -> int:
    """The rows of a `| clients | service | raw-SQL floor | service / floor |` table: `measure(n, count, raw=,
    first=)` (documents per second) after `warm_up` documents through the service; the next unused document index."""
    measure(1, warm_up, raw=False, first=0)
    first = warm_up
    for n in clients:
        service = measure(n, per_client, raw=False, first=first)
        first += n * per_client
        floor = measure(n, per_client, raw=True, first=first)
        first += n * per_client
        echo(f"| {n} | {service:,.0f} | {floor:,.0f} | {service / floor:.2f} |")
    return first
