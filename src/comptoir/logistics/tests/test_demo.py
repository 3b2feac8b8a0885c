"""The demo sales and deliveries: written through the services on the demo parties, catalogue and stock, over the
demo year up to today; shipped, delivered, one partly returned; the stock still equals the books; written once."""

import datetime

import pytest

from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.demo import seed_demo_books
from comptoir.catalog.services.demo import seed_demo_catalog
from comptoir.inventory.services.books import check_stock
from comptoir.inventory.services.demo import seed_demo_stock
from comptoir.logistics.models import Shipment, ShipmentReturn
from comptoir.logistics.services.demo import seed_demo_logistics
from comptoir.parties.services.demo import seed_demo_parties
from comptoir.platform.tenancy import tenant_context
from comptoir.sales.models import SalesOrder
from comptoir.sales.services.demo import seed_demo_sales

TODAY = datetime.date(2026, 6, 15)


@pytest.mark.parametrize("today", [TODAY, datetime.date(2026, 12, 6)])
def test_the_demo_orders_and_deliveries(tenant, today):
    with tenant_context(tenant.organization, user=tenant.owner):
        seed_demo_books(actor=tenant.owner, today=today)
        seed_demo_parties(actor=tenant.owner, today=today)
        seed_demo_catalog(actor=tenant.owner, today=today)
        seed_demo_stock(actor=tenant.owner, today=today)
        orders = seed_demo_sales(actor=tenant.owner, today=today)
        assert len(orders) >= 6
        assert seed_demo_logistics(actor=tenant.owner, today=today, orders=orders) >= len(orders)
        statuses = set(SalesOrder.objects.values_list("status", flat=True))
        assert {"DELIVERED", "DRAFT", "CANCELLED", "ON_HOLD"} <= statuses
        assert Shipment.objects.filter(status="DELIVERED").exists() and ShipmentReturn.objects.count() == 1
        assert check_stock() == [] and check_books() == []
        assert seed_demo_sales(actor=tenant.owner, today=today) == []  # once
        assert seed_demo_logistics(actor=tenant.owner, today=today, orders=orders) == 0
