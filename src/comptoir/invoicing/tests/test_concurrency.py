"""Invoices and payments under real concurrency (threads on their own connections): the same invoice submitted by
several at once gets one number and one entry; a supplier's invoice number recorded by several at once is kept once;
payments racing to over-allocate one invoice — exactly what the invoice holds is taken, the others are refused with
`over_allocation`."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.accounting.models import JournalEntry
from comptoir.invoicing.models import Invoice, Payment
from comptoir.invoicing.services import invoices, payments
from comptoir.invoicing.services.lines import InvoiceLineInput
from comptoir.parties.services.parties import PartyInput, create_party
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.tenancy import tenant_context

DAY = datetime.date(2026, 3, 2)


def _race(tenant, work, threads: int) -> tuple[int, list[str]]:
    barrier = threading.Barrier(threads)
    done: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                work(i)
                done.append(i)
        except (Conflict, ValidationFailed) as exc:
            refused.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    return len(done), refused


def _draft(tenant, amount="100"):
    with tenant_context(tenant.organization, user=tenant.owner):
        party = create_party(actor=tenant.owner, data=PartyInput(name="Acme", party_type="CUSTOMER"))
        data = invoices.InvoiceInput(
            invoice_type="SALES", party=party.pk, invoice_date=DAY,
            lines=[InvoiceLineInput(quantity=Decimal(1), unit_rate=Decimal(amount), description="Work")],
        )  # fmt: skip
        return party, invoices.create_invoice(actor=tenant.owner, data=data)


@pytest.mark.django_db(transaction=True)
def test_the_same_invoice_submitted_at_once_gets_one_number_and_one_entry():
    tenant = make_tenant()
    _party, draft = _draft(tenant)
    succeeded, refused = _race(
        tenant, lambda i: invoices.submit_invoice(actor=tenant.owner, invoice_id=draft.pk), threads=6
    )
    assert (succeeded, refused) == (1, ["invalid_transition"] * 5)
    with tenant_context(tenant.organization):
        invoice = Invoice.objects.get()
        assert (invoice.status, invoice.invoice_number) == ("SUBMITTED", "SINV-2026-000001")
        assert JournalEntry.objects.filter(source_id=invoice.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_payments_racing_for_one_invoice_never_over_allocate_it():
    tenant = make_tenant()
    party, draft = _draft(tenant, "100")
    with tenant_context(tenant.organization, user=tenant.owner):
        invoices.submit_invoice(actor=tenant.owner, invoice_id=draft.pk)

    def pay(i):
        data = payments.PaymentInput(
            direction="INCOMING", party=party.pk, payment_date=DAY, amount=Decimal(30), method="BANK_TRANSFER",
            allocations=[payments.AllocationInput(invoice=draft.pk, amount=Decimal(30))],
        )  # fmt: skip
        payments.create_payment(actor=tenant.owner, data=data)

    succeeded, refused = _race(tenant, pay, threads=6)
    assert (succeeded, refused) == (3, ["over_allocation"] * 3)  # 3 × 30 fit in 100, a fourth would not
    with tenant_context(tenant.organization):
        invoice = Invoice.objects.get()
        assert (invoice.paid_amount, invoice.balance_due, invoice.status) == (
            Decimal(90),
            Decimal(10),
            "PARTIALLY_PAID",
        )
        assert Payment.objects.count() == 3
        numbers = sorted(Payment.objects.values_list("payment_number", flat=True))
        assert numbers == ["RCPT-2026-000001", "RCPT-2026-000002", "RCPT-2026-000003"]


@pytest.mark.django_db(transaction=True)
def test_a_supplier_invoice_number_recorded_by_several_at_once_is_kept_once():
    """The check before the insert cannot see a racing insert: the unique index refuses the others, each with the
    same `duplicate` problem as the check (not a server error), and each writes nothing."""
    tenant = make_tenant()
    with tenant_context(tenant.organization, user=tenant.owner):
        supplier = create_party(actor=tenant.owner, data=PartyInput(name="Supplies Ltd", party_type="SUPPLIER"))

    def record(i):
        data = invoices.InvoiceInput(
            invoice_type="PURCHASE", party=supplier.pk, invoice_date=DAY, supplier_invoice_number="B-42",
            lines=[InvoiceLineInput(quantity=Decimal(1), unit_rate=Decimal(10 + i), description="Paper")],
            submit=i % 2 == 0,
        )  # fmt: skip
        invoices.create_invoice(actor=tenant.owner, data=data)

    succeeded, refused = _race(tenant, record, threads=6)
    assert (succeeded, refused) == (1, ["duplicate"] * 5)
    with tenant_context(tenant.organization):
        assert Invoice.objects.filter(supplier_invoice_number="B-42").count() == 1
        assert JournalEntry.objects.count() == (1 if Invoice.objects.get().status == "SUBMITTED" else 0)
