"""What posting a stock entry costs the database: the statements of a 3-line receipt posted at once, counted (the
figure `comptoir bench stock` reports beside its throughput, docs/benchmarks.md)."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.inventory.services import entries
from comptoir.inventory.tests.factories import product, receive, warehouse
from comptoir.platform.tenancy import tenant_context

RECEIPT_STATEMENTS = 29  # 40 before issue 9, 30 before the books lock was taken by their read (6 savepoints)


def _receipt(i: int) -> entries.StockEntryInput:
    lines = [
        entries.StockEntryLineInput(product=f"P{(i * 3 + k) % 6}", quantity=Decimal(2), to_warehouse="W1",
                                    unit_cost=Decimal(3))
        for k in range(3)
    ]  # fmt: skip
    return entries.StockEntryInput(entry_type="RECEIPT", date=datetime.date(2026, 3, 2), lines=lines, post=True)


def test_a_three_line_receipt_is_posted_in_a_fixed_number_of_statements(tenant):
    api = tenant.api
    for n in range(6):
        product(api, f"P{n}")
    warehouse(api, "W1")
    receive(api, "P0", "W1", "1", "1")
    with tenant_context(tenant.organization, user=tenant.owner):
        entries.create_stock_entry(actor=tenant.owner, data=_receipt(0))  # the balance rows exist from here on
        with CaptureQueriesContext(connection) as captured:
            posted = entries.create_stock_entry(actor=tenant.owner, data=_receipt(1))
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert (posted.status, posted.total_value) == ("POSTED", Decimal("18.00"))
    assert len(statements) == RECEIPT_STATEMENTS, "\n".join(s[:160] for s in statements)
    # one savepoint, the entry's in the test's transaction: its move to POSTED and its journal entry's join it
    assert len(captured) - len(statements) == 2
