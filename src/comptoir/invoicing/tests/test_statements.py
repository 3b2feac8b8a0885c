"""What posting a sales invoice costs the database: the statements of a 5-line invoice created and submitted at
once, counted (the figure `comptoir bench orders` reports beside its throughput, docs/benchmarks.md)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.invoices import InvoiceInput, create_invoice
from comptoir.invoicing.services.lines import InvoiceLineInput
from comptoir.invoicing.tests.factories import party, product, tax_rate
from comptoir.platform.models import Workspace
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

# 51 (and 3 savepoints) before issue 10: each line read its product, its tax rate (and its components) and the
# income account's setting and account, the organization was read twice, and the submit read the invoice, its
# lines and its taxes back; 29 until the settings an invoice may need were read in one statement, a tax rate with
# its components in one, the books' shared lock taken by the read of the books, and the three audit rows and the
# three events each written in one statement; 21 until an invoice submitted at once was inserted SUBMITTED, in
# its entry's workspace (the default one, read with the books)
INVOICE_STATEMENTS = 19


def _invoice(customer, i: int) -> InvoiceInput:
    lines = [
        InvoiceLineInput(product=f"P{(i + k) % 6}", quantity=Decimal(2), unit_rate=Decimal("9.99")) for k in range(5)
    ]
    return InvoiceInput(invoice_type="SALES", party=customer, invoice_date=datetime.date(2026, 3, 2), lines=lines,
                        submit=True)  # fmt: skip


def test_a_five_line_sales_invoice_is_posted_in_a_fixed_number_of_statements(tenant):
    api = tenant.api
    tax_rate(api, "VAT20", "20")
    for n in range(6):
        product(api, f"P{n}", tax_rate="VAT20")
    customer = party(api, "Acme")["id"]
    with tenant_context(tenant.organization, user=tenant.owner):
        create_invoice(actor=tenant.owner, data=_invoice(customer, 0))  # the balance rows exist from here on
        with CaptureQueriesContext(connection) as captured:
            posted = create_invoice(actor=tenant.owner, data=_invoice(customer, 1))
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert (posted.status, posted.total_amount, posted.tax_amount) == ("SUBMITTED", Decimal("119.90"), Decimal("20.00"))
    assert posted.invoice_number == "SINV-2026-000002"
    with tenant_context(tenant.organization, user=tenant.owner):
        stored = Invoice.objects.select_related("journal_entry").get(pk=posted.pk)
        assert stored.workspace_id == stored.journal_entry.workspace_id == Workspace.default_id()
    assert len(statements) == INVOICE_STATEMENTS, "\n".join(s[:160] for s in statements)
    # one savepoint, the invoice's in the test's transaction: its move to SUBMITTED and its entry's join it
    assert len(captured) - len(statements) == 2
