"""The demo catalogue: written through the services, prices that resolve as the demo shows them, and written once."""

import datetime
from decimal import Decimal

from comptoir.catalog.models import PriceList, Product, ProductCategory
from comptoir.catalog.queries.pricing import resolve_price
from comptoir.catalog.services.demo import PRODUCTS, seed_demo_catalog
from comptoir.platform.tenancy import tenant_context

TODAY = datetime.date(2026, 6, 15)


def test_the_demo_catalog(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        assert seed_demo_catalog(actor=tenant.owner, today=TODAY) == len(PRODUCTS) == 20
        assert {p.type for p in Product.objects.all()} == {
            "PRODUCT", "MATERIAL", "SERVICE", "MANUFACTURED", "BUNDLE", "DIGITAL",
        }  # fmt: skip
        assert not Product.objects.filter(type__in=("SERVICE", "DIGITAL"), track_inventory=True).exists()
        assert ProductCategory.objects.get(code="POWER").parent.code == "TOOLS"
        assert set(PriceList.objects.filter(is_default=True).values_list("kind", flat=True)) == {"SELLING", "BUYING"}
        screws = Product.objects.get(code="SCREW-4")
        tiers = [resolve_price(product=screws, on_date=TODAY, quantity=Decimal(q)).rate for q in ("1", "10", "60")]
        assert tiers == [Decimal("7.50"), Decimal("6.90"), Decimal("6.20")]
        bought = resolve_price(product=screws, on_date=TODAY, kind="BUYING")
        assert (bought.rate, bought.source) == (Decimal("2.90"), "DEFAULT_LIST")
        assert Product.objects.get(code="SOIL-40").tax_rate.code == "VAT5"
        assert seed_demo_catalog(actor=tenant.owner, today=TODAY) == 0  # once


def test_the_demo_catalog_uses_the_demo_parties(tenant):
    from comptoir.catalog.models import PartyPriceList
    from comptoir.parties.services.parties import PartyInput, create_party

    with tenant_context(tenant.organization, user=tenant.owner):
        supplier = create_party(actor=tenant.owner, data=PartyInput(name="Lemaire", party_type="SUPPLIER"))
        gold = create_party(actor=tenant.owner, data=PartyInput(name="Morel", party_type="CUSTOMER", tier="GOLD"))
        seed_demo_catalog(actor=tenant.owner, today=TODAY)
        assert Product.objects.get(code="DRL-18").default_supplier_id == supplier.pk
        assert Product.objects.get(code="INSTALL").default_supplier_id is None  # a service
        assigned = PartyPriceList.objects.get(party=gold)
        assert assigned.price_list.name == "Trade customers"
        drill = Product.objects.get(code="DRL-18")
        resolved = resolve_price(product=drill, party=gold, on_date=TODAY)
        assert (resolved.rate, resolved.source) == (Decimal("110.42"), "PARTY_LIST")  # 129.90 × 0.85
