"""Each `comptoir bench` command runs end to end on small data, in a database of its own that it creates, and prints
the tables docs/benchmarks.md reports. Only that it works is checked here: timings are never asserted. The commands
share one benchmark database per test worker — made and migrated by the first, reused by the next (each sets up an
organization of its own) — so the suite migrates it once or twice, not four times; `orders` recreates it
(`--fresh`)."""

from __future__ import annotations

import re

import psycopg
import pytest
from django.db import connection

from .conftest import cli_env, run_cli
from .test_check_books import _database_url


@pytest.fixture(scope="module")
def bench_db(django_db_setup):
    """The name of this worker's benchmark database, dropped before the first command and after the last."""
    name = f"{connection.settings_dict['NAME']}_bench"
    _drop(name)  # a run cut short may have left one
    yield name
    _drop(name)


@pytest.mark.slow
def test_bench_books_prints_its_tables(db, bench_db):
    env = cli_env(None, DATABASE_URL=_database_url())
    args = ["bench", "books", "--lines", "1200", "--per-client", "3", "--clients", "1,2", "--runs", "2"]
    result = run_cli(args, env, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"benchmark database: {bench_db}" in out
    assert re.search(r"^\| 1 \| [\d,]+ \| [\d,]+ \| [\d.]+ \|$", out, re.M)
    assert re.search(r"^\| 2 \| [\d,]+ \| [\d,]+ \| [\d.]+ \|$", out, re.M)
    # the same count as accounting/tests/test_posting_protocol.py::test_a_posting_sends_few_statements
    assert re.search(r"^Statements per posting: 8 in the transaction, \d+ per HTTP request$", out, re.M)
    assert re.search(r"^\| 1 \| [\d,]+ \| 1\.00 \|$", out, re.M)  # through a real `comptoir serve`
    assert re.search(r"^\| 2 \| [\d,]+ \| [\d.]+ \|$", out, re.M)
    assert re.search(r"^\| GET /api/v1/accounting/journal-entries\?limit=50 \| [\d.]+ \| [\d.]+ \|$", out, re.M)
    for report in ("trial balance (as of a period end)", "profit and loss (one year)", "balance sheet"):
        assert len(re.findall(rf"^\| [\d,]+ \| {re.escape(report)}", out, re.M)) == 2  # at both ledger sizes


def _drop(name: str) -> None:
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_bench_desk_prints_the_pages_server_time(db, bench_db):
    env = cli_env(None, DATABASE_URL=_database_url())
    result = run_cli(["bench", "desk", "--lines", "1200", "--runs", "2"], env, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^ledger: [\d,]+ posted lines", out, re.M)
    for page in ("journal entries, first page (50 rows)", "journal entries, filtered by account", "trial balance"):
        assert re.search(rf"^\| {re.escape(page)} \| [\d.]+ \| [\d.]+ \| \d+ \|$", out, re.M), out


@pytest.mark.slow
def test_bench_stock_prints_its_tables(db, bench_db):
    env = cli_env(None, DATABASE_URL=_database_url())
    args = ["bench", "stock", "--movements", "4000", "--products", "50", "--per-client", "3",
            "--clients", "1,2", "--runs", "2"]  # fmt: skip
    result = run_cli(args, env, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^\| 2 \| [\d,]+ \| [\d,]+ \| [\d.]+ \|$", out, re.M)
    assert len(re.findall(r"^\| [\d,]+ \| GET /api/v1/inventory/stock-balance", out, re.M)) == 2
    reports = re.findall(
        r"^\| [\d,]+ \| stock on hand of every product (at one|in every) warehouse \((\d+) rows", out, re.M
    )
    assert [where for where, _ in reports] == ["at one", "in every"] * 2 and all(int(n) for _, n in reports), out


@pytest.mark.slow
def test_bench_orders_prints_its_tables(db, bench_db):
    env = cli_env(None, DATABASE_URL=_database_url())
    args = ["bench", "orders", "--fresh", "--products", "12", "--customers", "3", "--per-client", "4",
            "--clients", "1,2"]  # fmt: skip
    result = run_cli(args, env, timeout=900)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # the mix: transactions per second, then p50 / p95 (or – for a type not drawn) of each of the five types
    assert re.search(r"^\| 2 \| [\d,.]+ \|( (\d+ / \d+|–) \|){5}$", out, re.M), out
    assert re.search(r"^\| 1 \| [\d,]+ \| [\d,]+ \| [\d.]+ \|$", out, re.M)  # invoices: service, floor, ratio
    assert re.search(r"^\| 2 \| [\d,]+ \| [\d,]+ \| [\d.]+ \|$", out, re.M)
    # the same count as invoicing/tests/test_statements.py, with the savepoints
    assert re.search(r"^Statements per invoice posting: \d+ in the transaction$", out, re.M)
