"""The demo invoices: a year of sales and purchases on the demo parties and products, written through the services,
the books still equal to their caches, written once."""

import datetime

from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.demo import seed_demo_books
from comptoir.catalog.services.demo import seed_demo_catalog
from comptoir.inventory.services.demo import seed_demo_stock
from comptoir.invoicing.models import Invoice, Payment, RecurringInvoice
from comptoir.invoicing.services.demo import seed_demo_invoicing
from comptoir.logistics.services.demo import seed_demo_logistics
from comptoir.parties.services.demo import seed_demo_parties
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.models import PurchaseOrderItem
from comptoir.purchasing.services.demo import seed_demo_purchasing
from comptoir.sales.services.demo import seed_demo_sales

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


def test_the_demo_invoices_and_bills_the_demo_orders(tenant):
    """After the demo stock, purchasing, sales and logistics: an invoice of each delivered sales order and a bill of
    each received purchase order, made from the orders and mostly paid."""
    with tenant_context(tenant.organization, user=tenant.owner):
        seed_demo_books(actor=tenant.owner, today=TODAY)
        seed_demo_parties(actor=tenant.owner, today=TODAY)
        seed_demo_catalog(actor=tenant.owner, today=TODAY)
        seed_demo_stock(actor=tenant.owner, today=TODAY)
        seed_demo_purchasing(actor=tenant.owner, today=TODAY)
        orders = seed_demo_sales(actor=tenant.owner, today=TODAY)
        seed_demo_logistics(actor=tenant.owner, today=TODAY, orders=orders)
        seed_demo_invoicing(actor=tenant.owner, today=TODAY)
        bills = Invoice.objects.filter(invoice_type="PURCHASE", purchase_order__isnull=False)
        sold = Invoice.objects.filter(invoice_type="SALES", sales_order__isnull=False)
        assert bills.count() >= 5 and sold.count() >= 3
        assert bills.filter(status="PAID").exists() and sold.filter(status="PAID").exists()
        billed = set(PurchaseOrderItem.objects.filter(billed_quantity__gt=0).values_list("order_id", flat=True))
        assert billed == set(bills.values_list("purchase_order_id", flat=True))
        assert Invoice.objects.filter(invoice_date__gt=TODAY).count() == 0
        assert check_books() == []
