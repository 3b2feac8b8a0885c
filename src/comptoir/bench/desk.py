"""`comptoir bench desk`: server time of the desk's list and report pages on a big ledger (issue 8: ≤ 50 ms p50
on a million lines).

The organization of `bench books` (500 accounts, 24 monthly periods) gets a ledger of `--lines` posted lines
written by SQL (bench/books.py `grow_ledger`), then each page is requested `--runs` times in this process through
Django's test client, signed in as the owner: the server's own time (every middleware, the queries, the template),
no network. Each page's statement count is printed beside its latency."""

from __future__ import annotations

import datetime
import html
import re
import time
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.accounting.models import Account, FiscalYear, JournalEntry
from comptoir.accounting.services import journal
from comptoir.bench import books, percentiles
from comptoir.platform.tenancy import tenant_context

WARM_UP = 3
NEXT_PAGE = re.compile(r'href="(\?[^"]*)" data-testid="next-page"')


def _pages(bench: books.Bench, client: Client) -> dict[str, str]:
    with tenant_context(bench.org_id):
        years = list(FiscalYear.objects.order_by("start_date"))
        account = Account.objects.filter(code__startswith="9").order_by("code").first()
        entry = JournalEntry.objects.filter(status="POSTED").order_by("-date", "-id").first()
    last = years[-1]
    month_start = last.start_date + datetime.timedelta(days=62)
    month_end = month_start + datetime.timedelta(days=30)
    first_page = client.get("/accounting/journal-entries/").content.decode()
    cursor = html.unescape(NEXT_PAGE.search(first_page)[1])
    return {
        "journal entries, first page (50 rows)": "/accounting/journal-entries/",
        "journal entries, next page (cursor)": f"/accounting/journal-entries/{cursor}",
        "journal entries, filtered by account": f"/accounting/journal-entries/?account={account.code}",
        "journal entries, amount ≥ 5,000": "/accounting/journal-entries/?amount_min=5000",
        "journal entries, sorted by number": "/accounting/journal-entries/?ordering=entry_number",
        "journal entry (detail)": f"/accounting/journal-entries/{entry.pk}/",
        "accounts (list)": "/accounting/accounts/",
        "chart of accounts (tree)": "/accounting/chart/",
        "trial balance": f"/accounting/reports/trial-balance/?as_of={last.end_date}",
        "profit and loss (one year)": f"/accounting/reports/profit-and-loss/?date_from={last.start_date}"
        f"&date_to={last.end_date}",
        "balance sheet": f"/accounting/reports/balance-sheet/?as_of={last.end_date}",
        "general ledger (one account, one month)": f"/accounting/reports/general-ledger/?account={account.code}"
        f"&date_from={month_start}&date_to={month_end}",
        "receivable aging": f"/accounting/reports/aging/?kind=receivable&as_of={last.end_date}",
        "cash flow (one year)": f"/accounting/reports/cash-flow/?date_from={last.start_date}&date_to={last.end_date}",
        "dashboard": "/",
    }


def measure_pages(bench: books.Bench, runs: int) -> dict[str, tuple[float, float, int]]:
    """{page: (p50 ms, p95 ms, statements)} after a few warm-up requests."""
    client = Client()
    client.force_login(bench.owner)
    out = {}
    for name, path in _pages(bench, client).items():
        for _ in range(WARM_UP):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        samples = []
        for _ in range(runs):
            began = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - began) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        out[name] = (*percentiles(samples), len(queries))
    return out


def run(*, lines: int, runs: int, echo: Callable[[str], None]) -> None:
    bench = books.set_up(timezone.now().date())
    with tenant_context(bench.org_id, user=bench.owner):  # the template entry grow_ledger copies
        journal.create_and_post(actor=bench.owner, data=books._entry_data(0, bench.today))
    began = time.perf_counter()
    books.grow_ledger(bench, 1, max(lines // 6, 2))
    n_lines = books.line_count(bench)
    echo(f"ledger: {n_lines:,} posted lines, grown in {time.perf_counter() - began:.0f} s")
    echo(f"\n## Desk pages, server time in process (ms, {runs} requests each)\n")
    echo("| page | p50 | p95 | statements |")
    echo("|---|---:|---:|---:|")
    for name, (p50, p95, statements) in measure_pages(bench, runs).items():
        echo(f"| {name} | {p50:.1f} | {p95:.1f} | {statements} |")
