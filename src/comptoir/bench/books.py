"""`comptoir bench books` (issue 4, DESIGN §6):

1. posting throughput of a 6-line journal entry through `create_and_post` at 1, 2 and 4 client processes, every
   client posting to the same six accounts (the hot-row case), beside the raw-SQL floor: the same rows (header,
   six lines, POSTED with a number) inserted by plain SQL, one transaction per entry; and the statements one
   posting sends inside its transaction and per HTTP request;
2. the same posting through HTTP: a real `comptoir serve` (gunicorn, its default workers and threads) on a free
   port, `POST /api/v1/accounting/journal-entries` with `"post": true` and a bearer token, at 1 and 2 clients;
3. the latency of two authenticated GETs handled in process (`/me` and a 50-row journal list): the server's own
   time, with every middleware and the serialization;
4. trial balance, profit and loss and balance sheet latency (p50, p95) on a ledger of `--lines` posted lines over
   500 accounts and 24 monthly periods, measured at a tenth of the lines and at all of them, to show the cost does
   not grow with the lines.
The bulk ledger is written by SQL (entries DRAFT, lines, then POSTED, so every trigger of the books still runs)
and the balance cache rebuilt by `rebuild_balances()`; the service path is what part 1 measures."""

from __future__ import annotations

import datetime
import functools
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.accounting.models import Account, FiscalPeriod, FiscalYear, JournalEntry
from comptoir.accounting.queries import reports
from comptoir.accounting.services import EntryInput, PostingLine, create_and_post
from comptoir.accounting.services.books import rebuild_balances
from comptoir.accounting.services.chart import AccountInput, create_account
from comptoir.accounting.services.periods import FiscalYearInput, create_fiscal_year
from comptoir.bench import percentiles, print_service_vs_floor, run_clients
from comptoir.identity.services import accounts as identity_accounts
from comptoir.platform.db import owner_mode
from comptoir.platform.ids import uuid7
from comptoir.platform.services import OrganizationInput
from comptoir.platform.tenancy import tenant_context

ACCOUNTS = 500
PERIODS = 24
HOT = [("6000", "DR"), ("6100", "DR"), ("5000", "DR"), ("1100", "CR"), ("2000", "CR"), ("2100", "CR")]
CHUNK_ENTRIES = 40_000


PASSWORD = "bench-password-1234"


@dataclass
class Bench:
    org_id: object
    owner: object
    today: datetime.date


def _amounts(i: int) -> list[Decimal]:
    return [Decimal(10 + (i * 7 + k * 13) % 990) + Decimal(k) / 100 for k in range(3)]


def _entry_data(i: int, day: datetime.date) -> EntryInput:
    a = _amounts(i)
    return EntryInput(
        date=day,
        narration=f"bench {i}",
        lines=[PostingLine(account=code, side=side, amount=a[k % 3]) for k, (code, side) in enumerate(HOT)],
    )


def set_up(today: datetime.date) -> Bench:
    """A fresh organization with two fiscal years (24 periods) and 500 accounts."""
    code = f"B{int(time.time()) % 10**8}"
    org, owner = identity_accounts.sign_up(
        organization=OrganizationInput(name=f"Bench {code}", code=code, country="FR", base_currency="EUR"),
        user=identity_accounts.UserInput(email=f"{code.lower()}@bench.example", password=PASSWORD),
    )
    with tenant_context(org, user=owner):
        current = FiscalYear.objects.get(is_current=True)
        start = current.start_date.replace(year=current.start_date.year - 1)
        previous_end = current.start_date - datetime.timedelta(days=1)
        create_fiscal_year(
            actor=owner, data=FiscalYearInput(name=f"FY{start.year}", start_date=start, end_date=previous_end)
        )
        groups = ["11", "12", "21", "3", "4", "51", "52"]
        for n in range(ACCOUNTS - Account.objects.count()):
            create_account(actor=owner, data=AccountInput(code=f"9{n:04d}", name=f"Bench {n}", group=groups[n % 7]))
    return Bench(org_id=org.pk, owner=owner, today=today)


# --- 1. posting throughput -------------------------------------------------------------------------------------

_ENTRY_SQL = (
    f"INSERT INTO {JournalEntry._meta.db_table} (id, organization_id, created_at, updated_at, created_by_id, "  # noqa: S608
    "updated_by_id, version, workspace_id, journal_type_id, fiscal_year_id, fiscal_period_id, entry_number, date, "
    "narration, status, currency_id, reference_number, total_debit, total_credit, source_type) VALUES "
    "(%s, %s, now(), now(), %s, %s, 1, %s, %s, %s, %s, '', %s, %s, 'DRAFT', %s, '', %s, %s, '')"
)
_LINE_VALUES = ", ".join(["(%s, %s, now(), now(), %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, '', %s)"] * 6)
_LINE_SQL = (
    "INSERT INTO accounting_journalline (id, organization_id, created_at, updated_at, created_by_id, "  # noqa: S608
    "updated_by_id, entry_id, line_no, account_id, entry_type, amount, currency_id, exchange_rate, base_amount, "
    f"remarks, entry_date) VALUES {_LINE_VALUES}"
)
_POST_SQL = (
    f"UPDATE {JournalEntry._meta.db_table} SET status = 'POSTED', entry_number = %s, posted_at = now() "  # noqa: S608
    "WHERE id = %s"
)


def _raw_context(bench: Bench, day: datetime.date) -> dict:
    template = JournalEntry.objects.filter(status="POSTED").order_by("created_at").first()
    period = FiscalPeriod.objects.get(start_date__lte=day, end_date__gte=day)
    return {
        "template": template,
        "period": period,
        "accounts": dict(Account.objects.filter(code__in=[c for c, _ in HOT]).values_list("code", "pk")),
    }


def _post_raw(bench: Bench, ctx: dict, i: int, day: datetime.date, tag: str) -> None:
    t, p = ctx["template"], ctx["period"]
    a = _amounts(i)
    total = sum(a)
    entry_id, user = uuid7(), bench.owner.pk
    line_params: list = []
    for k, (code, side) in enumerate(HOT):
        amount = a[k % 3]
        line_params += [uuid7(), bench.org_id, user, user, entry_id, k + 1, ctx["accounts"][code], side, amount]
        line_params += [t.currency_id, amount, day]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _ENTRY_SQL,
            [entry_id, bench.org_id, user, user, t.workspace_id, t.journal_type_id, p.fiscal_year_id, p.pk, day]
            + [f"raw {i}", t.currency_id, total, total],
        )
        cursor.execute(_LINE_SQL, line_params)
        cursor.execute(_POST_SQL, [f"RAW-{tag}-{i}", entry_id])


def _client(bench: Bench, c: int, raw: bool, first: int, count: int, tag: str, start, results) -> None:
    connections.close_all()  # never share the parent's socket
    with tenant_context(bench.org_id, user=bench.owner):
        ctx = _raw_context(bench, bench.today) if raw else None
        first += c * count
        start.wait()
        began = time.perf_counter()
        for i in range(first, first + count):
            if raw:
                _post_raw(bench, ctx, i, bench.today, tag)
            else:
                create_and_post(actor=bench.owner, data=_entry_data(i, bench.today))
        results.put((began, time.perf_counter(), None))
    connections.close_all()


def measure_posting(bench: Bench, clients: int, per_client: int, *, raw: bool, first: int) -> float:
    """Entries per second over all clients, from the first start to the last end."""
    tag = f"{'r' if raw else 's'}{clients}-{os.getpid()}-{first}"
    elapsed, _ = run_clients(bench, clients, _client, (raw, first, per_client, tag))
    return clients * per_client / elapsed


def statements_per_posting(bench: Bench, first: int) -> tuple[int, int]:
    """(statements inside the posting transaction, statements of the whole HTTP request) for one 6-line entry,
    counted in this process: the service call, then the API operation through Django's test client."""
    with tenant_context(bench.org_id, user=bench.owner):
        create_and_post(actor=bench.owner, data=_entry_data(first, bench.today))  # warm: one-time lookups
        with CaptureQueriesContext(connection) as service:
            create_and_post(actor=bench.owner, data=_entry_data(first + 1, bench.today))
    # read now: captured_queries slices the connection's query log, which the test client's request resets
    inside = [q for q in service.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    client = Client()
    token = _sign_in(
        bench, lambda body: client.post("/api/v1/auth/token", body, content_type="application/json").json()
    )
    with CaptureQueriesContext(connection) as request:
        response = client.post(
            "/api/v1/accounting/journal-entries",
            _http_body(first + 2, bench.today),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.content
    return len(inside), len(request.captured_queries)


def _http_body(i: int, day: datetime.date) -> str:
    data = _entry_data(i, day)
    lines = [{"account": p.account, "entry_type": p.side, "amount": str(p.amount)} for p in data.lines]
    return json.dumps({"date": day.isoformat(), "narration": data.narration, "lines": lines, "post": True})


def _sign_in(bench: Bench, post: Callable[[str], dict]) -> str:
    """An access token of the bench's owner, from `POST /api/v1/auth/token` sent by `post(body)`."""
    return post(json.dumps({"email": bench.owner.email, "password": PASSWORD}))["access"]


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="") + (f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def serving() -> Iterator[int]:
    """`comptoir serve --no-worker` on a free port of 127.0.0.1, against the bench database; yields the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"DATABASE_URL": _database_url()}
    command = [sys.executable, "-m", "comptoir.cli", "serve", "--no-worker", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/openapi.json")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("comptoir serve did not start")
            time.sleep(0.5)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_http(bench: Bench, port: int, clients: int, per_client: int, first: int) -> float:
    """Entries per second posted through HTTP by `clients` threads, each on its own keep-alive connection."""

    def post(conn: http.client.HTTPConnection, path: str, body: str, headers: dict) -> tuple[int, bytes]:
        conn.request("POST", path, body, {"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        return response.status, response.read()

    sign_in = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    token = _sign_in(bench, lambda body: json.loads(post(sign_in, "/api/v1/auth/token", body, {})[1]))
    start, spans, failures = threading.Barrier(clients), [], []

    def client(c: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {token}"}
        bodies = [_http_body(first + c * per_client + i, bench.today) for i in range(per_client)]
        start.wait()
        began = time.perf_counter()
        for body in bodies:
            status, content = post(conn, "/api/v1/accounting/journal-entries", body, headers)
            if status != 201:
                failures.append((status, content[:300]))
        spans.append((began, time.perf_counter()))

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} HTTP postings failed, e.g. {failures[0]}")
    elapsed = max(end for _, end in spans) - min(began for began, _ in spans)
    return clients * per_client / elapsed


# --- 2. the bulk ledger and report latency ---------------------------------------------------------------------

_GEN_SQL = """
CREATE TEMP TABLE bench_gen ON COMMIT DROP AS
SELECT g.n, gen_random_uuid() AS id, p.id AS period_id, p.fiscal_year_id AS year_id,
       p.start_date + (g.n / %(periods)s) %% (p.end_date - p.start_date + 1) AS day,
       (10 + (g.n * 7) %% 990)::numeric(18, 2) AS a1,
       (10 + (g.n * 11 + 3) %% 990)::numeric(18, 2) AS a2,
       (10 + (g.n * 13 + 5) %% 990 + 0.25)::numeric(18, 2) AS a3
  FROM generate_series(%(lo)s, %(hi)s - 1) AS g(n)
  JOIN bench_periods p ON p.idx = g.n %% %(periods)s
"""
_GEN_ENTRIES = """
INSERT INTO accounting_journalentry (id, organization_id, created_at, updated_at, version, workspace_id,
    journal_type_id, fiscal_year_id, fiscal_period_id, entry_number, date, narration, status, currency_id,
    reference_number, total_debit, total_credit, source_type)
SELECT id, %(org)s, now(), now(), 1, %(ws)s, %(jt)s, year_id, period_id, '', day, 'bench', 'DRAFT', %(cur)s, '',
       a1 + a2 + a3, a1 + a2 + a3, ''
  FROM bench_gen
"""
_GEN_LINES = """
INSERT INTO accounting_journalline (id, organization_id, created_at, updated_at, entry_id, line_no, account_id,
    entry_type, amount, currency_id, exchange_rate, base_amount, remarks, entry_date)
SELECT gen_random_uuid(), %(org)s, now(), now(), g.id, k + 1, a.id, CASE WHEN k < 3 THEN 'DR' ELSE 'CR' END,
       x.amount, %(cur)s, 1, x.amount, '', g.day
  FROM bench_gen g CROSS JOIN generate_series(0, 5) AS k
  JOIN bench_accounts a ON a.idx = (g.n * 7 + k * 101) %% %(accounts)s
  CROSS JOIN LATERAL (SELECT CASE k %% 3 WHEN 0 THEN g.a1 WHEN 1 THEN g.a2 ELSE g.a3 END AS amount) x
"""
_GEN_POST = """
UPDATE accounting_journalentry e SET status = 'POSTED', entry_number = 'BULK-' || g.n, posted_at = now()
  FROM bench_gen g WHERE e.id = g.id
"""


def grow_ledger(bench: Bench, first_entry: int, last_entry: int) -> None:
    """Entries [first_entry, last_entry) of six lines each, spread over the 24 periods and 500 accounts."""
    with tenant_context(bench.org_id, user=bench.owner):
        t = JournalEntry.objects.filter(status="POSTED").order_by("created_at").first()
        params = {"org": bench.org_id, "ws": t.workspace_id, "jt": t.journal_type_id, "cur": t.currency_id}
        params |= {"periods": PERIODS, "accounts": ACCOUNTS}
        for lo in range(first_entry, last_entry, CHUNK_ENTRIES):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE bench_periods ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY start_date) "
                    "- 1 AS idx, id, fiscal_year_id, start_date, end_date FROM accounting_fiscalperiod "
                    "ORDER BY start_date LIMIT %s",
                    [PERIODS],
                )
                cursor.execute(
                    "CREATE TEMP TABLE bench_accounts ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY code) - 1 "
                    "AS idx, id FROM accounting_account"
                )
                cursor.execute(_GEN_SQL, params | {"lo": lo, "hi": min(lo + CHUNK_ENTRIES, last_entry)})
                cursor.execute(_GEN_ENTRIES, params)
                cursor.execute(_GEN_LINES, params)
                cursor.execute(_GEN_POST, params)
    with owner_mode(), connection.cursor() as cursor:  # what autovacuum does after a bulk load: the rebuild's plans
        cursor.execute("ANALYZE")  # on tables never analyzed took minutes for a thousand lines
    with tenant_context(bench.org_id, user=bench.owner):
        rebuild_balances()
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the rebuild rewrote every cache row


def _report_calls(bench: Bench) -> dict[str, Callable[[], object]]:
    with tenant_context(bench.org_id):
        years = list(FiscalYear.objects.order_by("start_date"))
    last = years[-1]
    mid = last.start_date + datetime.timedelta(days=200)  # inside a period: cache + that period's lines
    return {
        "trial balance (as of a period end)": lambda: reports.trial_balance(as_of=last.end_date),
        "trial balance (mid-period date)": lambda: reports.trial_balance(as_of=mid),
        "profit and loss (one year)": lambda: reports.profit_and_loss(date_from=last.start_date, date_to=last.end_date),
        "balance sheet (as of a period end)": lambda: reports.balance_sheet(as_of=last.end_date),
    }


def measure_reports(bench: Bench, runs: int) -> dict[str, tuple[float, float]]:
    """{report: (p50 ms, p95 ms)} over `runs` calls after two warm-up calls."""
    out = {}
    with tenant_context(bench.org_id, user=bench.owner):
        for name, call in _report_calls(bench).items():
            call(), call()
            samples = []
            for _ in range(runs):
                began = time.perf_counter()
                call()
                samples.append((time.perf_counter() - began) * 1000)
            out[name] = percentiles(samples)
    return out


def measure_requests(bench: Bench, runs: int) -> dict[str, tuple[float, float]]:
    """{request: (p50 ms, p95 ms)} of authenticated GETs handled in this process (Django's test client: the
    server's own time, every middleware and the serialization, no network), after ten warm-up calls."""
    client = Client()
    token = _sign_in(
        bench, lambda body: client.post("/api/v1/auth/token", body, content_type="application/json").json()
    )
    headers = {"Authorization": f"Bearer {token}"}
    out = {}
    for name, path in (
        ("GET /api/v1/me", "/api/v1/me"),
        ("GET /api/v1/accounting/journal-entries?limit=50", "/api/v1/accounting/journal-entries?limit=50"),
    ):
        samples = []
        for i in range(runs + 10):
            began = time.perf_counter()
            response = client.get(path, headers=headers)
            if i >= 10:
                samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.content
        out[name] = percentiles(samples)
    return out


def line_count(bench: Bench) -> int:
    with tenant_context(bench.org_id), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounting_journalline")
        return cursor.fetchone()[0]


def run(*, lines: int, per_client: int, clients: list[int], runs: int, echo: Callable[[str], None]) -> None:
    bench = set_up(timezone.now().date())
    echo(f"organization set up: {ACCOUNTS} accounts, {PERIODS} periods")
    echo("\n## Posting a 6-line journal entry (entries per second; all clients post to the same six accounts)\n")
    echo("| clients | create_and_post | raw-SQL floor | service / floor |")
    echo("|---:|---:|---:|---:|")
    # the 20 warm-up entries also give the raw path its template entry
    first = print_service_vs_floor(echo, functools.partial(measure_posting, bench), clients, per_client, 20)
    in_transaction, per_request = statements_per_posting(bench, first)
    first += 3
    echo(f"\nStatements per posting: {in_transaction} in the transaction, {per_request} per HTTP request")
    echo("\n## Posting through HTTP (`comptoir serve`, entries per second)\n")
    echo("| clients | HTTP | ratio to 1 client |")
    echo("|---:|---:|---:|")
    with serving() as port:
        measure_http(bench, port, 1, 10, first)  # warm-up: every worker loaded
        first += 10
        single = None
        for n in (1, 2):
            rate = measure_http(bench, port, n, per_client, first)
            first += n * per_client
            single = single or rate
            echo(f"| {n} | {rate:,.0f} | {rate / single:.2f} |")
    with tenant_context(bench.org_id):
        entries = JournalEntry.objects.count()
    echo(f"\n## Request latency in process (ms; {entries:,} entries, most of them on one day)\n")
    echo("| request | p50 | p95 |")
    echo("|---|---:|---:|")
    for name, (p50, p95) in measure_requests(bench, runs * 10).items():
        echo(f"| {name} | {p50:.1f} | {p95:.1f} |")
    total_entries = max(lines // 6, 1)
    echo("\n## Report latency (ms), O(accounts × periods)\n")
    echo("| posted lines | report | p50 | p95 |")
    echo("|---:|---|---:|---:|")
    done = 0
    for target in (total_entries // 10, total_entries):
        began = time.perf_counter()
        grow_ledger(bench, done, target)
        done = target
        n_lines = line_count(bench)
        echo(f"<!-- ledger grown to {n_lines:,} lines in {time.perf_counter() - began:.0f} s -->")
        for name, (p50, p95) in measure_reports(bench, runs).items():
            echo(f"| {n_lines:,} | {name} | {p50:.1f} | {p95:.1f} |")
