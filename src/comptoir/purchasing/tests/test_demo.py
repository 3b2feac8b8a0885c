"""The demo purchasing: written through the services after the demo books, parties, catalogue and stock, proven
equal to the books, and written once."""

import datetime

from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.demo import seed_demo_books
from comptoir.catalog.services.demo import seed_demo_catalog
from comptoir.inventory.services.books import check_stock
from comptoir.inventory.services.demo import seed_demo_stock
from comptoir.parties.services.demo import seed_demo_parties
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.models import GoodsReceipt, PurchaseOrder, PurchaseRequisition, SupplierReturn
from comptoir.purchasing.services.demo import seed_demo_purchasing

TODAY = datetime.date(2026, 12, 6)


def test_the_demo_purchasing(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        seed_demo_books(actor=tenant.owner, today=TODAY)
        seed_demo_parties(actor=tenant.owner, today=TODAY)
        seed_demo_catalog(actor=tenant.owner, today=TODAY)
        seed_demo_stock(actor=tenant.owner, today=TODAY)
        assert (
            seed_demo_purchasing(actor=tenant.owner, today=TODAY) == 10
        )  # February to November (December's would be received after today)
        statuses = set(PurchaseOrder.objects.values_list("status", flat=True))
        assert "IN_PROGRESS" in statuses and statuses <= {"COMPLETED", "IN_PROGRESS", "PENDING"}
        assert GoodsReceipt.objects.count() + PurchaseOrder.objects.filter(status="PENDING").count() == 10
        assert SupplierReturn.objects.exists() and PurchaseRequisition.objects.get().status == "SUBMITTED"
        assert check_stock() == [] and check_books() == []
        assert seed_demo_purchasing(actor=tenant.owner, today=TODAY) == 0  # once
