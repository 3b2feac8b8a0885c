"""The demo invoices: a year of sales and purchases on the demo parties and products, written through the services,
the books still equal to their caches, written once."""

import datetime

from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.demo import seed_demo_books
from comptoir.catalog.services.demo import seed_demo_catalog
from comptoir.invoicing.models import Invoice, Payment, RecurringInvoice
from comptoir.invoicing.services.demo import seed_demo_invoicing
from comptoir.parties.services.demo import seed_demo_parties
from comptoir.platform.tenancy import tenant_context

TODAY = datetime.date(2026, 12, 6)


def test_the_demo_invoices(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        seed_demo_books(actor=tenant.owner, today=TODAY)
        seed_demo_parties(actor=tenant.owner, today=TODAY)
        seed_demo_catalog(actor=tenant.owner, today=TODAY)
        made = seed_demo_invoicing(actor=tenant.owner, today=TODAY)
        assert made > 80
        kinds = set(Invoice.objects.values_list("invoice_type", flat=True))
        assert kinds == {"SALES", "PURCHASE", "CREDIT_NOTE"}
        statuses = set(Invoice.objects.values_list("status", flat=True))
        assert {"PAID", "PARTIALLY_PAID"} <= statuses
        assert Payment.objects.filter(status="PENDING").count() == 1
        assert Payment.objects.filter(status="COMPLETED").count() > 50
        assert RecurringInvoice.objects.count() == 1
        assert Invoice.objects.filter(invoice_date__gt=TODAY).count() == 0
        assert check_books() == []
        assert seed_demo_invoicing(actor=tenant.owner, today=TODAY) == 0
