"""The demo stock: written through the services on the demo catalogue, in two warehouses, proven equal to the
books, and written once."""

import datetime
from decimal import Decimal

from comptoir.catalog.services.demo import seed_demo_catalog
from comptoir.inventory.models import StockBalance, StockCount, StockReservation
from comptoir.inventory.services.books import check_stock
from comptoir.inventory.services.demo import seed_demo_stock
from comptoir.platform.tenancy import tenant_context

TODAY = datetime.date(2026, 6, 15)


def test_the_demo_stock(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        seed_demo_catalog(actor=tenant.owner, today=TODAY)
        assert seed_demo_stock(actor=tenant.owner, today=TODAY) == 2 + 5  # receipt, transfer, February to June
        places = set(StockBalance.objects.exclude(quantity=0).values_list("warehouse__code", flat=True))
        assert places == {"MAIN-A1", "MAIN-A2", "SHOP"}
        soil = StockBalance.objects.filter(product__code="SOIL-40").order_by("batch__exp_date")
        # 5 × 3 issued first-expiring first, all from the first batch
        assert [(b.batch.batch_number, b.quantity) for b in soil] == [("SOIL-2401", Decimal(15)), ("SOIL-2402", 30)]
        assert StockCount.objects.get().status == "COMPLETED" and StockReservation.objects.count() == 2
        assert check_stock() == []
        assert seed_demo_stock(actor=tenant.owner, today=TODAY) == 0  # once


def test_the_demo_stock_beside_the_demo_books_and_parties_on_the_last_days_of_a_year(tenant):
    from comptoir.accounting.services.books import check_books
    from comptoir.accounting.services.demo import seed_demo_books
    from comptoir.parties.services.demo import seed_demo_parties

    today = datetime.date(2026, 12, 6)
    with tenant_context(tenant.organization, user=tenant.owner):
        seed_demo_books(actor=tenant.owner, today=today)
        seed_demo_parties(actor=tenant.owner, today=today)
        seed_demo_catalog(actor=tenant.owner, today=today)
        assert seed_demo_stock(actor=tenant.owner, today=today) == 2 + 11
        assert check_stock() == [] and check_books() == []
