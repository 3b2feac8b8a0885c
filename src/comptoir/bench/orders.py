"""`comptoir bench orders` (issue 10, DESIGN §6):

1. a TPC-C-like mix through the services at 1, 2 and 4 client processes: new order 45 % (`create_order` of five
   lines + `confirm_order`, which reserves the stock), payment 43 % (`create_payment`, a bank transfer on account,
   completed and posted), order status 4 % (the customer's last order with its lines and shipments, as queries),
   delivery 4 % (the client's oldest confirmed order shipped whole: `create_shipment(dispatch=True)`, which issues
   the stock and posts its cost) and stock level 4 % (the products of the client's last 20 orders below a
   threshold, from the balance cache); transactions per second and p50/p95 per type;
2. posting a 5-line sales invoice (`create_invoice(submit=True)`: lines, tax, its number, its journal entry, audit
   rows and outbox events; a sales invoice moves no stock, the shipment does) at 1, 2 and 4 clients, beside the
   raw-SQL floor: the same rows written by plain SQL, one transaction per invoice; and the statements one posting
   sends.
Every client posts to the same accounts (receivable, income, output tax) and sells from one warehouse: the hot-row
case."""

from __future__ import annotations

import datetime
import functools
import json
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.accounting.models import Account, FiscalPeriod, JournalType
from comptoir.accounting.services.taxes import TaxRateInput, create_tax_rate
from comptoir.bench import percentiles, print_service_vs_floor, run_clients
from comptoir.catalog.services.products import ProductInput, create_product
from comptoir.identity.services import accounts as identity_accounts
from comptoir.inventory.queries.stock import stock_balance
from comptoir.inventory.services import entries, warehouses
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.invoices import InvoiceInput, create_invoice
from comptoir.invoicing.services.lines import InvoiceLineInput
from comptoir.invoicing.services.payments import PaymentInput, create_payment
from comptoir.logistics.queries import shipments_of_order
from comptoir.logistics.services.shipments import ShipmentInput, ShipmentLineInput, create_shipment
from comptoir.parties.services.parties import PartyInput, create_party
from comptoir.platform.db import owner_mode
from comptoir.platform.ids import uuid7
from comptoir.platform.models import AuditLog, IntegrationEvent, Sequence
from comptoir.platform.queries.core import current_organization
from comptoir.platform.retry import retry_on_conflict
from comptoir.platform.services import OrganizationInput
from comptoir.platform.tenancy import tenant_context
from comptoir.sales.queries import access_order, order_items, orders
from comptoir.sales.services.orders import OrderInput, OrderLineInput, confirm_order, create_order

PASSWORD = "bench-password-1234"
WAREHOUSE = "W1"
ORDER_LINES = 5
INVOICE_LINES = 5
STOCK_THRESHOLD = Decimal(1_000_000)  # every product: the count is read, not the threshold
CENT = Decimal("0.01")
MIX = (("new order", 45), ("payment", 43), ("order status", 4), ("delivery", 4), ("stock level", 4))


@dataclass
class Bench:
    org_id: object
    owner: object
    today: datetime.date
    products: list  # codes
    customers: list  # ids


def set_up(today: datetime.date, products: int, customers: int) -> Bench:
    """An organization with a 20 % VAT rate, `products` products taxed at it and stocked in one warehouse, and
    `customers` customers; all through the services."""
    code = f"O{int(time.time()) % 10**8}"
    org, owner = identity_accounts.sign_up(
        organization=OrganizationInput(name=f"Orders bench {code}", code=code, country="FR", base_currency="EUR"),
        user=identity_accounts.UserInput(email=f"{code.lower()}@bench.example", password=PASSWORD),
    )
    with tenant_context(org, user=owner):
        create_tax_rate(
            actor=owner,
            data=TaxRateInput(code="VAT20", name="VAT 20", rate=Decimal(20), tax_type="VAT", output_account="2100",
                              input_account="1400", effective_from=today.replace(year=today.year - 1, day=1)),
        )  # fmt: skip
        warehouses.create_warehouse(actor=owner, data=warehouses.WarehouseInput(code=WAREHOUSE, name="Main"))
        codes = [f"P{n:05d}" for n in range(products)]
        for n, product_code in enumerate(codes):
            create_product(
                actor=owner,
                data=ProductInput(code=product_code, name=f"Product {product_code}", uom="pcs", tax_rate="VAT20",
                                  vat_included=False, list_price=Decimal(10 + n % 90), standard_cost=Decimal(5)),
            )  # fmt: skip
        for start in range(0, products, 50):
            lines = [
                entries.StockEntryLineInput(
                    product=c, quantity=Decimal(10_000_000), to_warehouse=WAREHOUSE, unit_cost=Decimal(5)
                )
                for c in codes[start : start + 50]
            ]
            entries.create_stock_entry(
                actor=owner, data=entries.StockEntryInput(entry_type="RECEIPT", date=today, lines=lines, post=True)
            )
        ids = [
            create_party(actor=owner, data=PartyInput(name=f"Customer {n:05d}", party_type="CUSTOMER")).pk
            for n in range(customers)
        ]
    with owner_mode(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Bench(org_id=org.pk, owner=owner, today=today, products=codes, customers=ids)


# --- 1. the mix ---------------------------------------------------------------------------------------------------


class MixClient:
    """One client's transactions; its own random stream, its own confirmed orders waiting for delivery."""

    def __init__(self, bench: Bench, seed: int):
        self.bench, self.rng = bench, random.Random(seed)  # noqa: S311 (a workload, not secrets)
        self.waiting: deque = deque()  # confirmed orders of this client, oldest first
        self.recent: deque = deque(maxlen=20)

    def _customer(self):
        return self.rng.choice(self.bench.customers)

    def new_order(self) -> None:
        codes = self.rng.sample(self.bench.products, ORDER_LINES)
        lines = [OrderLineInput(product=c, quantity=Decimal(self.rng.randint(1, 5))) for c in codes]
        order = create_order(
            actor=self.bench.owner,
            data=OrderInput(party=self._customer(), order_date=self.bench.today, warehouse=WAREHOUSE, lines=lines),
        )
        confirm_order(actor=self.bench.owner, order_id=order.pk)
        self.waiting.append(order.pk)
        self.recent.append(order.pk)

    def payment(self) -> None:
        create_payment(
            actor=self.bench.owner,
            data=PaymentInput(direction="INCOMING", party=self._customer(), payment_date=self.bench.today,
                              amount=Decimal(self.rng.randint(100, 500000)) / 100, method="BANK_TRANSFER"),
        )  # fmt: skip

    def order_status(self) -> None:
        last = orders(party=self._customer()).order_by("-order_date", "-created_at").values_list("pk", flat=True)
        order_id = last.first()
        if order_id is not None:
            order = access_order(order_id)
            list(order.lines.all())
            shipments_of_order(order_id)

    def delivery(self) -> None:
        if not self.waiting:
            self.new_order()  # nothing of this client's waits: it has one to deliver
        order_id = self.waiting.popleft()
        lines = [ShipmentLineInput(order_item=item.pk, quantity=item.quantity) for item in order_items(order_id)]
        create_shipment(
            actor=self.bench.owner,
            data=ShipmentInput(sales_order=order_id, shipped_date=self.bench.today, lines=lines),
            dispatch=True,
        )

    def stock_level(self) -> int:
        ids = {item.product_id for order_id in self.recent for item in order_items(order_id)}
        return (
            stock_balance(warehouse=WAREHOUSE)
            .filter(product_id__in=ids, quantity__lt=STOCK_THRESHOLD)
            .values("product_id")
            .distinct()
            .count()
        )

    def pick(self) -> str:
        return self.rng.choices([name for name, _ in MIX], weights=[weight for _, weight in MIX])[0]

    def run(self, name: str) -> None:
        getattr(self, name.replace(" ", "_"))()


def _mix_client(bench: Bench, c: int, count: int, seed: int, start, results) -> None:
    connections.close_all()  # never share the parent's socket
    with tenant_context(bench.org_id, user=bench.owner):
        client = MixClient(bench, seed * 100 + c)
        for _ in range(3):  # warm: one-time lookups, and orders waiting for a delivery
            retry_on_conflict(client.new_order)()
        samples: list[tuple[str, float]] = []
        start.wait()
        began = time.perf_counter()
        for _ in range(count):
            name = client.pick()
            t0 = time.perf_counter()
            retry_on_conflict(client.run)(name)  # as the API does: a deadlock between clients is tried again
            samples.append((name, (time.perf_counter() - t0) * 1000))
        results.put((began, time.perf_counter(), samples))
    connections.close_all()


def measure_mix(bench: Bench, clients: int, per_client: int) -> tuple[float, dict[str, tuple[int, float, float]]]:
    """(transactions per second over all clients, {type: (count, p50 ms, p95 ms)})."""
    elapsed, outcomes = run_clients(bench, clients, _mix_client, (per_client, clients))
    by_type: dict[str, list[float]] = {name: [] for name, _ in MIX}
    for samples in outcomes:
        for name, ms in samples:
            by_type[name].append(ms)
    figures = {name: (len(ms), *percentiles(ms)) for name, ms in by_type.items() if ms}
    return clients * per_client / elapsed, figures


# --- 2. a 5-line sales invoice ------------------------------------------------------------------------------------


def _invoice_data(bench: Bench, i: int) -> InvoiceInput:
    lines = [
        InvoiceLineInput(
            product=bench.products[(i * INVOICE_LINES + k) % len(bench.products)],
            quantity=Decimal(1 + (i + k) % 7),
            unit_rate=Decimal(10 + (i * 3 + k) % 90) + Decimal(k) / 100,
        )
        for k in range(INVOICE_LINES)
    ]
    customer = bench.customers[i % len(bench.customers)]
    return InvoiceInput(invoice_type="SALES", party=customer, invoice_date=bench.today, lines=lines, submit=True)


class RawInvoices:
    """The rows one invoice posting writes, by plain SQL in one transaction: both numbering counters bumped, the
    journal entry (DRAFT, its lines, then POSTED so the books' triggers run) with its balance-cache and open-item
    rows, the invoice (SUBMITTED, numbered) with its lines and tax row, three audit rows and three outbox events.
    The line amounts and the tax are computed here in Python too, without any check."""

    def __init__(self, bench: Bench):
        self.bench = bench
        self.currency = current_organization().base_currency_id
        template = Invoice.objects.filter(status="SUBMITTED").first()
        self.workspace = template.workspace_id
        self.period = FiscalPeriod.objects.get(start_date__lte=bench.today, end_date__gte=bench.today)
        self.journal = JournalType.objects.get(code="SALES").pk
        self.income = template.lines.first().account_id
        self.tax = template.taxes.first()
        self.receivable = dict(_party_accounts(bench.customers))
        self.receivable_type = Account.objects.get(pk=next(iter(self.receivable.values()))).account_type
        self.products = {code: (pk, uom, name) for code, pk, uom, name in _products(bench.products)}
        year = str(bench.today.year)
        self.sequences = {
            s.document_type: (s.pk, s.prefix.replace("{year}", year).replace("{type}", "SALES"), s.padding)
            for s in Sequence.objects.filter(document_type__in=("SINV", f"JE:SALES:{year}"))
        }

    def post(self, i: int) -> None:
        data, org, day, user = _invoice_data(self.bench, i), self.bench.org_id, self.bench.today, self.bench.owner.pk
        invoice_id, entry_id, now = uuid7(), uuid7(), timezone.now()
        lines, net_total, tax_total = [], Decimal(0), Decimal(0)
        for k, line in enumerate(data.lines):
            pk, uom, name = self.products[line.product]
            net = (line.quantity * line.unit_rate).quantize(CENT)
            tax = (net * self.tax.rate / 100).quantize(CENT)
            lines.append((k + 1, pk, uom, name, line.quantity, line.unit_rate, net, tax))
            net_total, tax_total = net_total + net, tax_total + tax
        total = net_total + tax_total
        due = day + datetime.timedelta(days=30)
        receivable = self.receivable[data.party]
        postings = [(receivable, "DR", total), *[(self.income, "CR", row[6]) for row in lines]]
        postings.append((self.tax.account_id, "CR", tax_total))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE platform_sequence SET last_value = last_value + 1, updated_at = now() WHERE id IN ("
                "SELECT id FROM platform_sequence WHERE id = ANY(%s) ORDER BY id FOR UPDATE) "  # one lock order
                "RETURNING document_type, last_value",
                [[pk for pk, _, _ in self.sequences.values()]],
            )
            numbers = {}
            for document_type, value in cursor.fetchall():
                _, prefix, padding = self.sequences[document_type]
                numbers["SINV" if document_type == "SINV" else "JE"] = f"{prefix}{value:0{padding}d}"
            cursor.execute(
                "INSERT INTO accounting_journalentry (id, organization_id, created_at, updated_at, created_by_id, "
                "updated_by_id, version, workspace_id, journal_type_id, fiscal_year_id, fiscal_period_id, "
                "entry_number, date, narration, status, currency_id, reference_number, reference_date, total_debit, "
                "total_credit, source_type, source_id) VALUES (%s, %s, now(), now(), %s, %s, 1, %s, %s, %s, %s, '', "
                "%s, 'raw', 'DRAFT', %s, '', %s, %s, %s, 'invoicing.invoice', %s)",
                [entry_id, org, user, user, self.workspace, self.journal, self.period.fiscal_year_id, self.period.pk,
                 day, self.currency, day, total, total, invoice_id],
            )  # fmt: skip
            values = ", ".join(["(%s, %s, now(), now(), %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, '', %s, %s)"] * 7)
            params: list = []
            for n, (account, side, amount) in enumerate(postings):
                params += [uuid7(), org, user, user, entry_id, n + 1, account, side, amount, self.currency, amount]
                params += [day, due if n == 0 else None]
            cursor.execute(
                "INSERT INTO accounting_journalline (id, organization_id, created_at, updated_at, created_by_id, "  # noqa: S608
                "updated_by_id, entry_id, line_no, account_id, entry_type, amount, currency_id, exchange_rate, "
                f"base_amount, remarks, entry_date, due_date) VALUES {values}",
                params,
            )
            cursor.execute(
                "UPDATE accounting_journalentry SET status = 'POSTED', entry_number = %s, posted_at = now(), "
                "posted_by_id = %s, version = 2 WHERE id = %s",
                [numbers["JE"], user, entry_id],
            )
            totals = [(receivable, total, 0), (self.income, 0, net_total), (self.tax.account_id, 0, tax_total)]
            balance = ", ".join(["(%s, %s, now(), now(), %s, %s, pg_backend_pid() %% 8, %s, %s)"] * 3)
            period_params, day_params = [], []
            for account, debit, credit in totals:
                period_params += [uuid7(), org, account, self.period.pk, debit, credit]
                day_params += [uuid7(), org, account, day, debit, credit]
            cursor.execute(
                f"WITH p AS (INSERT INTO accounting_accountbalance (id, organization_id, created_at, updated_at, "  # noqa: S608
                f"account_id, fiscal_period_id, slot, debit_total, credit_total) VALUES {balance} "
                "ON CONFLICT (organization_id, account_id, fiscal_period_id, slot) DO UPDATE SET "
                "debit_total = accounting_accountbalance.debit_total + EXCLUDED.debit_total, "
                "credit_total = accounting_accountbalance.credit_total + EXCLUDED.credit_total), "
                "d AS (INSERT INTO accounting_accountdaybalance (id, organization_id, created_at, updated_at, "
                f"account_id, day, slot, debit_total, credit_total) VALUES {balance} "
                "ON CONFLICT (organization_id, account_id, day, slot) DO UPDATE SET "
                "debit_total = accounting_accountdaybalance.debit_total + EXCLUDED.debit_total, "
                "credit_total = accounting_accountdaybalance.credit_total + EXCLUDED.credit_total) "
                "INSERT INTO accounting_openitem (id, organization_id, created_at, updated_at, account_id, entry_id, "
                "account_type, bill_date, due_date, amount, outstanding) VALUES "
                "(%s, %s, now(), now(), %s, %s, %s, %s, %s, %s, %s)",
                [*period_params, *day_params, uuid7(), org, receivable, entry_id, self.receivable_type, day, due,
                 total, total],
            )  # fmt: skip
            cursor.execute(
                "INSERT INTO invoicing_invoice (id, organization_id, created_at, updated_at, created_by_id, "
                "updated_by_id, version, workspace_id, posted_at, invoice_number, invoice_type, status, party_id, "
                "invoice_date, due_date, currency_id, exchange_rate, fiscal_year_id, journal_entry_id, "
                "supplier_invoice_number, po_number, reference_number, payment_terms, subtotal, discount_amount, "
                "tax_amount, total_amount, paid_amount, credited_amount, submitted_at, submitted_by_id, dunning_level, "
                "esf_number, esf_status, place_of_supply, reverse_charge, irn, party_gstin, terms_and_conditions, "
                "notes, internal_notes, custom_fields) VALUES (%s, %s, now(), now(), %s, %s, 2, %s, NULL, %s, "
                "'SALES', 'SUBMITTED', %s, %s, %s, %s, 1, %s, %s, '', '', '', 'NET_30', %s, 0, %s, %s, 0, 0, now(), "
                "%s, 0, '', '', '', false, '', '', '', '', '', '{}')",
                [invoice_id, org, user, user, self.workspace, numbers["SINV"], data.party, day, due, self.currency,
                 self.period.fiscal_year_id, entry_id, net_total, tax_total, total, user],
            )  # fmt: skip
            values = ", ".join(
                ["(%s, %s, now(), now(), %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, 0, %s, %s, %s, %s, %s, %s, '', '', "
                 "'{}')"] * len(lines)
            )  # fmt: skip
            params = []
            for line_no, pk, uom, name, quantity, rate, net, tax in lines:
                params += [uuid7(), org, user, user, invoice_id, line_no, pk, name, quantity, uom, rate, net,
                           self.tax.tax_rate_id, self.tax.rate, tax, net + tax, self.income]  # fmt: skip
            cursor.execute(
                "INSERT INTO invoicing_invoiceline (id, organization_id, created_at, updated_at, created_by_id, "  # noqa: S608
                "updated_by_id, invoice_id, line_no, product_id, description, quantity, uom_id, unit_rate, "
                "discount_pct, discount_amount, net_amount, tax_rate_id, tax_pct, tax_amount, gross_amount, "
                f"account_id, hsn_code, notes, custom_fields) VALUES {values}",
                params,
            )
            cursor.execute(
                "INSERT INTO invoicing_invoicetax (id, organization_id, created_at, updated_at, created_by_id, "
                "updated_by_id, invoice_id, tax_rate_id, code, rate, taxable_amount, amount, account_id) VALUES "
                "(%s, %s, now(), now(), %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [uuid7(), org, user, user, invoice_id, self.tax.tax_rate_id, self.tax.code, self.tax.rate, net_total,
                 tax_total, self.tax.account_id],
            )  # fmt: skip
            audit = [("CREATE", "invoicing.invoice", invoice_id), ("POST", "accounting.journalentry", entry_id),
                     ("TRANSITION", "invoicing.invoice", invoice_id)]  # fmt: skip
            params = []
            for action, model, pk in audit:
                change = json.dumps({"total_amount": str(total)})
                params += [uuid7(), now, org, self.workspace, user, action, model, pk, change, change]
            cursor.execute(
                f"INSERT INTO {AuditLog._meta.db_table} (id, timestamp, organization_id, workspace_id, "  # noqa: S608
                "actor_user_id, action, object_type, object_id, new_values, changes, source) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'SYSTEM')"] * len(audit)),
                params,
            )
            events = [("invoicing.invoice.created", "invoicing.invoice", invoice_id),
                      ("accounting.journal_entry.posted", "accounting.journalentry", entry_id),
                      ("invoicing.invoice.submitted", "invoicing.invoice", invoice_id)]  # fmt: skip
            params = []
            for event_type, model, pk in events:
                payload = json.dumps({"id": str(pk), "total_amount": str(total), "number": numbers["SINV"]})
                params += [uuid7(), org, now, now, user, user, event_type, payload, model, pk, now]
            cursor.execute(
                f"INSERT INTO {IntegrationEvent._meta.db_table} (id, organization_id, created_at, updated_at, "  # noqa: S608
                "created_by_id, updated_by_id, event_type, payload, status, attempts, max_attempts, error_message, "
                "source_object_type, source_object_id, processed_at) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, 'SUCCESS', 0, 5, '', %s, %s, %s)"] * len(events)),
                params,
            )


def _party_accounts(customers: list):
    from comptoir.parties.models import Party

    return Party.objects.filter(pk__in=customers).values_list("pk", "account_id")


def _products(codes: list):
    from comptoir.catalog.models import Product

    return Product.objects.filter(code__in=codes).values_list("code", "pk", "uom_id", "name")


def _invoice_client(bench: Bench, c: int, first: int, count: int, raw: bool, start, results) -> None:
    connections.close_all()  # never share the parent's socket
    with tenant_context(bench.org_id, user=bench.owner):
        floor = RawInvoices(bench) if raw else None
        first += c * count
        start.wait()
        began = time.perf_counter()
        for i in range(first, first + count):
            if floor is not None:
                floor.post(i)
            else:
                create_invoice(actor=bench.owner, data=_invoice_data(bench, i))
        results.put((began, time.perf_counter(), None))
    connections.close_all()


def measure_invoices(bench: Bench, clients: int, per_client: int, *, raw: bool, first: int) -> float:
    """Invoices per second over all clients."""
    elapsed, _ = run_clients(bench, clients, _invoice_client, (first, per_client, raw))
    return clients * per_client / elapsed


def statements_per_invoice(bench: Bench, first: int) -> int:
    """The statements one 5-line invoice posting sends inside its transaction (warm)."""
    with tenant_context(bench.org_id, user=bench.owner):
        create_invoice(actor=bench.owner, data=_invoice_data(bench, first))
        with CaptureQueriesContext(connection) as captured:
            create_invoice(actor=bench.owner, data=_invoice_data(bench, first + 1))
    return len([q for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")])


def run(*, products: int, customers: int, per_client: int, clients: list[int], echo: Callable[[str], None]) -> None:
    bench = set_up(timezone.localdate(), products, customers)
    echo(f"organization set up: {products:,} products stocked in one warehouse, {customers:,} customers, VAT 20 %")
    echo("\n## The order mix (transactions through the services)\n")
    echo("| clients | transactions/s | new order p50 / p95 (ms) | payment | order status | delivery | stock level |")
    echo("|---:|---:|---:|---:|---:|---:|---:|")
    for n in clients:
        rate, figures = measure_mix(bench, n, per_client)
        cells = [f"{figures[name][1]:.0f} / {figures[name][2]:.0f}" if name in figures else "–" for name, _ in MIX]
        echo(f"| {n} | {rate:,.1f} | " + " | ".join(cells) + " |")
    echo(f"\n## Posting a {INVOICE_LINES}-line sales invoice (invoices per second; one customer account, one income "
         "account, one tax account)\n")  # fmt: skip
    echo("| clients | create_invoice(submit) | raw-SQL floor | service / floor |")
    echo("|---:|---:|---:|---:|")
    # the 10 warm-up invoices also give the raw path its template invoice
    first = print_service_vs_floor(echo, functools.partial(measure_invoices, bench), clients, per_client, 10)
    echo(f"\nStatements per invoice posting: {statements_per_invoice(bench, first)} in the transaction")
