"""Invoicing in the desk: an invoice made and submitted through its form (line grid), its detail linking its
payments and the PDF, a payment made through its form linking back to the invoice, refusals shown next to their
field with nothing written, lists reading a constant number of statements, other organizations' records not found."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from tests.support.queries import CaptureStatements

from comptoir.invoicing.models import Invoice, Payment
from comptoir.invoicing.tests.factories import day, invoice, line, party, pay
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

INVOICES = "/invoicing/invoices/"
PAYMENTS = "/invoicing/payments/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**fields) -> dict:
    header = {"invoice_type": "SALES", "party": "P-000001", "invoice_date": day(3, 1), "due_date": "", "currency": "",
              "original_invoice": "", "supplier_invoice_number": "", "reference_number": "", "notes": ""}  # fmt: skip
    grid = {"product": "", "description": "Consulting", "quantity": "2", "unit_rate": "50", "discount_pct": "",
            "tax_rate": ""}  # fmt: skip
    grid.update(fields.pop("line", {}))
    return {**header, **fields, **{f"lines-0-{k}": v for k, v in grid.items()}}


def test_an_invoice_and_its_payment_are_made_through_the_forms(tenant):
    party(tenant.api, "Acme")
    client = signed_in(tenant.owner)
    made = client.post(f"{INVOICES}new/", {**_form(), "button": "0"})
    assert made.status_code == 302, made.content.decode()[:3000]
    page = client.get(made["Location"]).content.decode()
    assert "SINV-2026-000001" in page and "100.00" in page and "/invoicing/pdf/" in page
    refused = client.post(f"{INVOICES}new/", {**_form(line={"quantity": "0"}), "button": "0"})
    assert refused.status_code == 422 and 'data-testid="error-lines-0-quantity"' in refused.content.decode()
    with tenant_context(tenant.organization):
        invoice_row = Invoice.objects.get()
    paid = client.post(f"{PAYMENTS}new/", {
        "direction": "INCOMING", "party": "P-000001", "payment_date": day(3, 5), "amount": "100",
        "method": "BANK_TRANSFER", "currency": "", "bank_account": "", "reference_number": "", "notes": "",
        "allocations-0-invoice": "SINV-2026-000001", "allocations-0-amount": "100",
    })  # fmt: skip
    assert paid.status_code == 302, paid.content.decode()[:3000]
    payment_page = client.get(paid["Location"]).content.decode()
    assert "RCPT-2026-000001" in payment_page and f"{INVOICES}{invoice_row.pk}/" in payment_page
    with tenant_context(tenant.organization):
        payment = Payment.objects.get()
    invoice_page = client.get(f"{INVOICES}{invoice_row.pk}/").content.decode()
    assert f"{PAYMENTS}{payment.pk}/" in invoice_page
    pdf = client.get(f"/invoicing/pdf/{invoice_row.pk}/?language=ru")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_draft_is_submitted_and_a_paid_invoice_offers_no_cancel(tenant):
    customer = party(tenant.api, "Acme")
    draft = invoice(tenant.api, customer["id"], [line("1", "10")], submit=False)
    client = signed_in(tenant.owner)
    submitted = client.post(f"{INVOICES}{draft['id']}/submit/")
    assert submitted.status_code == 302, submitted.content.decode()[:2000]
    with tenant_context(tenant.organization):
        assert Invoice.objects.get().invoice_number == "SINV-2026-000001"
    pay(tenant.api, customer["id"], "10", [(draft["id"], "10")])
    page = client.get(f"{INVOICES}{draft['id']}/").content.decode()
    assert f"{draft['id']}/cancel/" not in page


def _count(client, url) -> int:
    with CaptureStatements(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_lists_are_constant_and_other_organizations_records_not_found(tenant, other_tenant):
    customer = party(tenant.api, "Acme")
    made = invoice(tenant.api, customer["id"], [line()])
    pay(tenant.api, customer["id"], "10", [(made["id"], "10")])
    client = signed_in(tenant.owner)
    pages = (INVOICES, PAYMENTS, "/invoicing/recurring/")
    for url in pages:  # warm: the first page of a process reads what is cached after it
        client.get(url)
    before = {url: _count(client, url) for url in pages}
    for _i in range(3):
        more = invoice(tenant.api, customer["id"], [line(), line("2", "3")])
        pay(tenant.api, customer["id"], "5", [(more["id"], "5")])
    assert {url: _count(client, url) for url in pages} == before
    theirs = party(other_tenant.api, "Theirs")
    their_invoice = invoice(other_tenant.api, theirs["id"], [line()])
    assert client.get(f"{INVOICES}{their_invoice['id']}/").status_code == 404
    assert client.get(f"/invoicing/pdf/{their_invoice['id']}/").status_code == 404
