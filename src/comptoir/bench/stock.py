"""`comptoir bench stock` (issue 9, DESIGN §6):

1. stock-entry posting throughput: a 3-line receipt through `create_stock_entry(post=True)` (movements, FIFO
   layers, balance cache, one journal entry, its number) at 1, 2 and 4 client processes, beside the raw-SQL floor:
   the same rows (entry, lines, movements, layers, balances, journal entry and its two lines) written by plain SQL,
   one transaction per entry. Clients receive different products into one warehouse;
2. stock on hand on a ledger of `--movements` movements over `--products` products in two warehouses each: one
   product's balance (`GET /inventory/stock-balance?product=`, in process) and the whole on-hand report, at a tenth
   of the movements and at all of them, to show the cost does not grow with the ledger.
The bulk ledger is written by SQL (receipts and issues that leave every balance positive) and the balance cache
rebuilt from it by `rebuild_stock()`; the organization values at moving average so the rebuild writes no layers."""

from __future__ import annotations

import datetime
import functools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from comptoir.accounting.models import Account, FiscalPeriod, JournalEntry, JournalType
from comptoir.bench import percentiles, print_service_vs_floor, run_clients
from comptoir.catalog.models import Product
from comptoir.identity.services import accounts as identity_accounts
from comptoir.inventory.models import StockMovement, Warehouse
from comptoir.inventory.queries import reports
from comptoir.inventory.services import entries, warehouses
from comptoir.inventory.services.books import rebuild_stock
from comptoir.platform.db import owner_mode
from comptoir.platform.ids import uuid7
from comptoir.platform.queries.core import current_organization, units
from comptoir.platform.services import OrganizationInput
from comptoir.platform.services.configuration import set_setting
from comptoir.platform.tenancy import tenant_context

PASSWORD = "bench-password-1234"
LINES = 3


@dataclass
class Bench:
    org_id: object
    owner: object
    today: datetime.date
    products: list  # codes


def set_up(today: datetime.date, products: int) -> Bench:
    """An organization valuing at moving average, `products` products and two warehouses."""
    code = f"S{int(time.time()) % 10**8}"
    org, owner = identity_accounts.sign_up(
        organization=OrganizationInput(name=f"Stock bench {code}", code=code, country="FR", base_currency="EUR"),
        user=identity_accounts.UserInput(email=f"{code.lower()}@bench.example", password=PASSWORD),
    )
    with tenant_context(org, user=owner):
        set_setting(actor=owner, key="inventory.valuation_method", value="MOVING_AVERAGE")
        for place in ("W1", "W2"):
            warehouses.create_warehouse(actor=owner, data=warehouses.WarehouseInput(code=place, name=place))
        unit, currency = units().get(symbol="pcs"), current_organization().base_currency
        codes = [f"P{n:06d}" for n in range(products)]
        Product.objects.bulk_create(
            [
                Product(
                    organization_id=org.pk,
                    code=c,
                    name=f"Product {c}",
                    uom=unit,
                    currency=currency,
                    standard_cost=Decimal(1 + n % 50),
                    created_by=owner,
                    updated_by=owner,
                )
                for n, c in enumerate(codes)
            ],
            batch_size=5000,
        )
    with owner_mode(), connection.cursor() as cursor:  # bulk-loaded: let the planner know the products
        cursor.execute("ANALYZE catalog_product")
    return Bench(org_id=org.pk, owner=owner, today=today, products=codes)


# --- 1. posting throughput ----------------------------------------------------------------------------------------


def _receipt(bench: Bench, i: int) -> entries.StockEntryInput:
    lines = [
        entries.StockEntryLineInput(
            product=bench.products[(i * LINES + k) % len(bench.products)],
            quantity=Decimal(1 + (i + k) % 9),
            to_warehouse="W1",
            unit_cost=Decimal(2 + k) + Decimal(i % 100) / 100,
        )
        for k in range(LINES)
    ]
    return entries.StockEntryInput(entry_type="RECEIPT", date=bench.today, lines=lines, post=True)


def _raw_context() -> dict:
    period = FiscalPeriod.objects.get(start_date__lte=timezone.localdate(), end_date__gte=timezone.localdate())
    return {
        "period": period,
        "type": JournalType.objects.get(code="STOCK"),
        "accounts": dict(Account.objects.filter(code__in=("1300", "2300")).values_list("code", "pk")),
        "warehouse": Warehouse.objects.get(code="W1").pk,
        "products": dict(Product.objects.values_list("code", "pk")),
        "workspace": JournalEntry.objects.values_list("workspace_id", flat=True).first(),
        "currency": current_organization().base_currency_id,
    }


def _post_raw(bench: Bench, ctx: dict, i: int, tag: str) -> None:
    """The rows one posting writes, by plain SQL in one transaction."""
    data, org, day = _receipt(bench, i), bench.org_id, bench.today
    entry_id, journal_id = uuid7(), uuid7()
    values = [(ctx["products"][line.product], line.quantity, line.unit_cost) for line in data.lines]
    total = sum((q * c for _p, q, c in values), Decimal(0))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounting_journalentry (id, organization_id, created_at, updated_at, version, "
            "workspace_id, journal_type_id, fiscal_year_id, fiscal_period_id, entry_number, date, narration, "
            "status, currency_id, reference_number, total_debit, total_credit, source_type, source_id) VALUES "
            "(%s, %s, now(), now(), 1, %s, %s, %s, %s, '', %s, 'raw', 'DRAFT', %s, '', %s, %s, "
            "'inventory.stockentry', %s)",
            [
                journal_id,
                org,
                ctx["workspace"],
                ctx["type"].pk,
                ctx["period"].fiscal_year_id,
                ctx["period"].pk,
                day,
                ctx["currency"],
                total,
                total,
                entry_id,
            ],
        )
        cursor.execute(
            "INSERT INTO accounting_journalline (id, organization_id, created_at, updated_at, entry_id, line_no, "
            "account_id, entry_type, amount, currency_id, exchange_rate, base_amount, remarks, entry_date) VALUES "
            "(%s, %s, now(), now(), %s, 1, %s, 'DR', %s, %s, 1, %s, '', %s), "
            "(%s, %s, now(), now(), %s, 2, %s, 'CR', %s, %s, 1, %s, '', %s)",
            [
                uuid7(),
                org,
                journal_id,
                ctx["accounts"]["1300"],
                total,
                ctx["currency"],
                total,
                day,
                uuid7(),
                org,
                journal_id,
                ctx["accounts"]["2300"],
                total,
                ctx["currency"],
                total,
                day,
            ],
        )
        cursor.execute(
            "UPDATE accounting_journalentry SET status = 'POSTED', entry_number = %s, posted_at = now() WHERE id = %s",
            [f"RAW-{tag}-{i}", journal_id],
        )
        cursor.execute(
            "INSERT INTO inventory_stockentry (id, organization_id, created_at, updated_at, version, workspace_id, "
            "status, number, entry_type, date, reference, notes, journal_entry_id, total_value) VALUES "
            "(%s, %s, now(), now(), 1, %s, 'POSTED', %s, 'RECEIPT', %s, '', '', %s, %s)",
            [entry_id, org, ctx["workspace"], f"RAW-{tag}-{i}", day, journal_id, total],
        )
        for n, (product, quantity, cost) in enumerate(values):
            movement = uuid7()
            cursor.execute(
                "INSERT INTO inventory_stockentryline (id, organization_id, created_at, updated_at, entry_id, line_no, "
                "product_id, quantity, to_warehouse_id, unit_cost, value) VALUES "
                "(%s, %s, now(), now(), %s, %s, %s, %s, %s, %s, %s)",
                [uuid7(), org, entry_id, n + 1, product, quantity, ctx["warehouse"], cost, quantity * cost],
            )
            cursor.execute(
                "INSERT INTO inventory_stockmovement (id, organization_id, created_at, updated_at, product_id, "
                "to_warehouse_id, quantity, rate, value, movement_date, movement_type, source_type, source_id, "
                "journal_entry_id, reference_number, reason) VALUES "
                "(%s, %s, now(), now(), %s, %s, %s, %s, %s, %s, 'IN', 'inventory.stockentry', %s, %s, '', '')",
                [movement, org, product, ctx["warehouse"], quantity, cost, quantity * cost, day, entry_id, journal_id],
            )
            cursor.execute(
                "INSERT INTO inventory_stockbalance (id, organization_id, created_at, updated_at, product_id, "
                "warehouse_id, batch_id, quantity, reserved_quantity, value) VALUES "
                "(%s, %s, now(), now(), %s, %s, NULL, %s, 0, %s) "
                "ON CONFLICT (organization_id, product_id, warehouse_id, batch_id) DO UPDATE SET "
                "quantity = inventory_stockbalance.quantity + EXCLUDED.quantity, "
                "value = inventory_stockbalance.value + EXCLUDED.value",
                [uuid7(), org, product, ctx["warehouse"], quantity, quantity * cost],
            )


def _client(bench: Bench, c: int, raw: bool, first: int, count: int, tag: str, start, results) -> None:
    connections.close_all()  # never share the parent's socket
    with tenant_context(bench.org_id, user=bench.owner):
        ctx = _raw_context() if raw else None
        first += c * count
        start.wait()
        began = time.perf_counter()
        for i in range(first, first + count):
            if raw:
                _post_raw(bench, ctx, i, tag)
            else:
                entries.create_stock_entry(actor=bench.owner, data=_receipt(bench, i))
        results.put((began, time.perf_counter(), None))
    connections.close_all()


def measure_posting(bench: Bench, clients: int, per_client: int, *, raw: bool, first: int) -> float:
    """Stock entries per second over all clients, from the first start to the last end."""
    tag = f"{'r' if raw else 's'}{clients}-{os.getpid()}-{first}"
    elapsed, _ = run_clients(bench, clients, _client, (raw, first, per_client, tag))
    return clients * per_client / elapsed


# --- 2. the bulk ledger and stock on hand -------------------------------------------------------------------------

# Movement n: product n % P, warehouse W1 or W2 by (n / P) % 2; the first 2P movements receive 1,000 of each
# product in each warehouse, later ones alternate a receipt of 3 and an issue of 2, so no balance goes negative.
_GROW_SQL = """
INSERT INTO inventory_stockmovement (id, organization_id, created_at, updated_at, product_id, from_warehouse_id,
    to_warehouse_id, quantity, rate, value, movement_date, movement_type, source_type, source_id, reference_number,
    reason)
SELECT gen_random_uuid(), %(org)s, now(), now(), p.id,
       CASE WHEN g.n >= 2 * %(np)s AND (g.n / (2 * %(np)s)) %% 2 = 1 THEN w.id END,
       CASE WHEN g.n < 2 * %(np)s OR (g.n / (2 * %(np)s)) %% 2 = 0 THEN w.id END,
       q.quantity, 2, q.quantity * 2, %(day)s,
       CASE WHEN g.n >= 2 * %(np)s AND (g.n / (2 * %(np)s)) %% 2 = 1 THEN 'OUT' ELSE 'IN' END,
       'bench', gen_random_uuid(), '', ''
  FROM generate_series(%(lo)s, %(hi)s - 1) AS g(n)
  JOIN bench_products p ON p.idx = g.n %% %(np)s
  JOIN bench_warehouses w ON w.idx = (g.n / %(np)s) %% 2
  CROSS JOIN LATERAL (SELECT CASE WHEN g.n < 2 * %(np)s THEN 1000
                                  WHEN (g.n / (2 * %(np)s)) %% 2 = 1 THEN 2 ELSE 3 END::numeric AS quantity) q
"""


def grow_ledger(bench: Bench, first: int, last: int, chunk: int = 500_000) -> None:
    """Movements [first, last) by SQL, then the balance cache rebuilt from the ledger."""
    with tenant_context(bench.org_id), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_products AS SELECT row_number() OVER (ORDER BY code) - 1 AS idx, "
            "id FROM catalog_product WHERE organization_id = %s",
            [bench.org_id],
        )
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_warehouses AS SELECT row_number() OVER (ORDER BY code) - 1 AS idx, "
            "id FROM inventory_warehouse WHERE organization_id = %s",
            [bench.org_id],
        )
        for lo in range(first, last, chunk):
            params = {
                "org": bench.org_id,
                "np": len(bench.products),
                "lo": lo,
                "hi": min(lo + chunk, last),
                "day": bench.today,
            }
            with transaction.atomic():
                cursor.execute(_GROW_SQL, params)
    with owner_mode(), connection.cursor() as cursor:  # what autovacuum does after a bulk load, before the rebuild
        cursor.execute("ANALYZE inventory_stockmovement")
    with tenant_context(bench.org_id):
        rebuild_stock()
    with owner_mode(), connection.cursor() as cursor:  # as autovacuum leaves them: the rebuild rewrote every balance
        cursor.execute("VACUUM ANALYZE inventory_stockmovement")
        cursor.execute("VACUUM ANALYZE inventory_stockbalance")


def measure_on_hand(bench: Bench, runs: int) -> dict[str, tuple[float, float]]:
    """{what: (p50 ms, p95 ms)}: one product's balance through the API in process (every middleware, the
    serialization), and the on-hand report of every product at one warehouse and in all of them, as a query."""
    client = Client()
    token = client.post(
        "/api/v1/auth/token",
        {"email": bench.owner.email, "password": PASSWORD},
        content_type="application/json",
    ).json()["access"]
    headers = {"Authorization": f"Bearer {token}"}
    out = {}
    samples = []
    for i in range(runs + 10):
        code = bench.products[(i * 7919) % len(bench.products)]
        began = time.perf_counter()
        response = client.get(f"/api/v1/inventory/stock-balance?product={code}", headers=headers)
        if i >= 10:
            samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200 and len(response.json()["items"]) == 2, response.content
    out["GET /api/v1/inventory/stock-balance?product=<code> (one product, 2 warehouses)"] = percentiles(samples)
    with tenant_context(bench.org_id):
        for label, warehouse in (("at one warehouse", "W1"), ("in every warehouse", None)):
            samples = []
            for i in range(max(runs // 10, 3) + 1):
                began = time.perf_counter()
                rows = reports.stock_on_hand(warehouse=warehouse)["rows"]
                if i:
                    samples.append((time.perf_counter() - began) * 1000)
            out[f"stock on hand of every product {label} ({len(rows):,} rows, as a query)"] = percentiles(samples)
    return out


def movement_count(bench: Bench) -> int:
    with tenant_context(bench.org_id):
        return StockMovement.objects.count()


def run(
    *, movements: int, products: int, per_client: int, clients: list[int], runs: int, echo: Callable[[str], None]
) -> None:
    bench = set_up(timezone.now().date(), products)
    echo(f"organization set up: {products:,} products, 2 warehouses, moving average")
    echo(f"\n## Posting a {LINES}-line stock receipt (entries per second; clients receive different products)\n")
    echo("| clients | create_stock_entry | raw-SQL floor | service / floor |")
    echo("|---:|---:|---:|---:|")
    # the 20 warm-up entries also give the raw path a journal entry
    print_service_vs_floor(echo, functools.partial(measure_posting, bench), clients, per_client, 20)
    echo("\n## Stock on hand (ms), from the balance cache\n")
    echo("| movements | query | p50 | p95 |")
    echo("|---:|---|---:|---:|")
    done = 0
    for target in (movements // 10, movements):
        began = time.perf_counter()
        grow_ledger(bench, done, target)
        done = target
        count = movement_count(bench)
        echo(f"<!-- ledger grown to {count:,} movements in {time.perf_counter() - began:.0f} s -->")
        for name, (p50, p95) in measure_on_hand(bench, runs).items():
            echo(f"| {count:,} | {name} | {p50:.1f} | {p95:.1f} |")
