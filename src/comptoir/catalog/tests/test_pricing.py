"""Price lists and item prices (one default per kind and currency, validity, non-overlapping windows) and the
price resolution, with hand-computed cases: the default list, then the product's own price; quantity tiers;
validity dates of the list and of the item."""

from decimal import Decimal

import pytest

from comptoir.catalog.models import PriceList, PriceListItem
from comptoir.catalog.queries.pricing import resolve_price
from comptoir.catalog.services.pricing import (
    PriceListPatch,
    PricePatch,
    delete_price_list,
    remove_price,
    update_price,
    update_price_list,
)
from comptoir.catalog.services.products import delete_product, discontinue_product
from comptoir.catalog.tests.factories import START, D, price, price_list, product
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import AuditLog, IntegrationEvent
from comptoir.platform.tenancy import tenant_context


@pytest.fixture
def owner(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        yield tenant.owner


@pytest.fixture
def drill(owner):
    return product(owner, "DRILL", list_price="100.00", standard_cost="60.00")


def _refused(call, code, field, model=PriceListItem):
    before = model.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert (caught.value.code, caught.value.errors[0].field) == (code, field), caught.value.message
    assert model.objects.count() == before


JUNE = D(2026, 6, 1)


def _price(product_, on=JUNE, quantity="1", **kw):
    found = resolve_price(product=product_, on_date=on, quantity=Decimal(quantity), **kw)
    return found.rate, found.source


# --- the lists ----------------------------------------------------------------------------------------------------


def test_one_default_list_per_kind_and_currency(owner):
    price_list(owner, "Retail", is_default=True)
    _refused(lambda: price_list(owner, "Retail 2", is_default=True), "duplicate_default", "is_default", PriceList)
    _refused(lambda: price_list(owner, "Retail"), "duplicate", "name", PriceList)
    _refused(lambda: price_list(owner, "Late", valid_to=D(2025, 1, 1)), "invalid_range", "valid_to", PriceList)
    _refused(lambda: price_list(owner, "Odd", currency="ZZZ"), "unknown", "currency", PriceList)
    price_list(owner, "Buying", kind="BUYING", is_default=True)  # another kind
    price_list(owner, "Export", currency="USD", is_default=True)  # another currency
    old = price_list(owner, "Old")
    update_price_list(actor=owner, price_list_id=PriceList.objects.get(name="Retail").pk,
                      changes=PriceListPatch(is_active=False))  # fmt: skip
    made = update_price_list(actor=owner, price_list_id=old.pk, changes=PriceListPatch(is_default=True))
    assert made.is_default and IntegrationEvent.objects.filter(event_type="catalog.price_list.updated").count() == 2


def test_item_price_refusals(owner, drill):
    retail = price_list(owner, "Retail", valid_to=D(2026, 12, 31))
    price(owner, retail, drill, "90", valid_to=D(2026, 6, 30))
    _refused(lambda: price(owner, retail, drill, "80", valid_from=D(2026, 6, 30)), "overlapping_dates", "valid_from")
    _refused(lambda: price(owner, retail, drill, "80", valid_from=D(2026, 7, 1), valid_to=D(2027, 1, 1)),
             "outside_validity", "valid_from")  # fmt: skip
    _refused(lambda: price(owner, retail, drill, "80", valid_from=D(2025, 12, 1)), "outside_validity", "valid_from")
    _refused(lambda: price(owner, retail, drill, "80", valid_from=D(2027, 1, 1)), "outside_validity", "valid_from")
    _refused(lambda: price(owner, retail, drill, "80", valid_from=D(2026, 8, 1), valid_to=D(2026, 7, 1)),
             "invalid_range", "valid_to")  # fmt: skip
    later = price(owner, retail, drill, "80", valid_from=D(2026, 7, 1), valid_to=D(2026, 12, 31))
    tier = price(owner, retail, drill, "85", min_quantity=10)  # another tier, open-ended: it ends with the list
    too_late = PricePatch(valid_to=D(2027, 1, 31))
    _refused(lambda: update_price(actor=owner, price_list_id=retail.pk, item_id=tier.pk, changes=too_late),
             "outside_validity", "valid_to")  # fmt: skip
    _refused(lambda: update_price_list(actor=owner, price_list_id=retail.pk,
                                       changes=PriceListPatch(valid_to=D(2026, 9, 30))),
             "outside_validity", "valid_to", PriceList)  # fmt: skip
    assert PriceList.objects.get(pk=retail.pk).valid_to == D(2026, 12, 31)
    update_price(actor=owner, price_list_id=retail.pk, item_id=later.pk, changes=PricePatch(rate=Decimal("79.5")))
    assert PriceListItem.objects.get(pk=later.pk).rate == Decimal("79.5")
    clash = dict(min_quantity=10, valid_from=D(2026, 3, 1))
    _refused(lambda: price(owner, retail, drill, "1", **clash), "overlapping_dates", "valid_from")
    old = product(owner, "OLD")
    discontinue_product(actor=owner, product_id=old.pk)
    _refused(lambda: price(owner, retail, old, "1"), "discontinued", "product")
    _refused(lambda: price(owner, retail, type("P", (), {"code": "NOPE"})(), "1"), "unknown", "product")
    remove_price(actor=owner, price_list_id=retail.pk, item_id=tier.pk)
    assert not PriceListItem.objects.filter(pk=tier.pk).exists()
    assert AuditLog.objects.filter(object_type="catalog.pricelistitem", action="DELETE").count() == 1
    assert IntegrationEvent.objects.filter(event_type="catalog.price_list.prices_changed").count() == 5


# --- the resolution -----------------------------------------------------------------------------------------------


def test_without_any_list_the_product_price_applies(owner, drill):
    assert _price(drill) == (Decimal("100.00"), "PRODUCT")
    assert _price(drill, kind="BUYING") == (Decimal("60.00"), "PRODUCT")


def test_the_default_list_then_the_product_price(owner, drill):
    saw = product(owner, "SAW", list_price="25.00")
    retail = price_list(owner, "Retail", is_default=True)
    price_list(owner, "Promo")  # not the default: never used without a party
    price(owner, retail, drill, "95.00")
    assert _price(drill) == (Decimal("95.00"), "DEFAULT_LIST")
    assert _price(saw) == (Decimal("25.00"), "PRODUCT")  # not on the list
    assert _price(drill, kind="BUYING") == (Decimal("60.00"), "PRODUCT")  # a selling list
    assert _price(drill, currency="USD") == (Decimal("100.00"), "PRODUCT")  # the default list is in EUR
    found = resolve_price(product=drill, on_date=D(2026, 6, 1))
    assert (found.price_list_id, found.price_list_name, found.currency) == (retail.pk, "Retail", "EUR")
    usd = price_list(owner, "Export", currency="USD", is_default=True)
    price(owner, usd, drill, "110.00")
    assert _price(drill, currency="usd") == (Decimal("110.00"), "DEFAULT_LIST")


def test_quantity_tiers(owner, drill):
    retail = price_list(owner, "Retail", is_default=True)
    price(owner, retail, drill, "95.00")
    price(owner, retail, drill, "90.00", min_quantity=10)
    price(owner, retail, drill, "85.00", min_quantity="50.5")
    # quantity → the highest tier not above it
    assert _price(drill, quantity="0.5") == (Decimal("100.00"), "PRODUCT")  # below the first tier
    assert _price(drill, quantity="1") == (Decimal("95.00"), "DEFAULT_LIST")
    assert _price(drill, quantity="9.999") == (Decimal("95.00"), "DEFAULT_LIST")
    assert _price(drill, quantity="10") == (Decimal("90.00"), "DEFAULT_LIST")
    assert _price(drill, quantity="50.499") == (Decimal("90.00"), "DEFAULT_LIST")
    assert _price(drill, quantity="50.5") == (Decimal("85.00"), "DEFAULT_LIST")
    assert _price(drill, quantity="1000") == (Decimal("85.00"), "DEFAULT_LIST")


def test_validity_dates_of_items_and_lists(owner, drill):
    retail = price_list(owner, "Retail", is_default=True, valid_to=D(2026, 12, 31))
    price(owner, retail, drill, "95.00", valid_to=D(2026, 3, 31))
    price(owner, retail, drill, "97.00", valid_from=D(2026, 4, 1), valid_to=D(2026, 12, 31))
    price(owner, retail, drill, "80.00", min_quantity=10, valid_from=D(2026, 2, 1), valid_to=D(2026, 2, 28))
    assert _price(drill, on=D(2025, 12, 31)) == (Decimal("100.00"), "PRODUCT")  # before the list
    assert _price(drill, on=START) == (Decimal("95.00"), "DEFAULT_LIST")
    assert _price(drill, on=D(2026, 3, 31)) == (Decimal("95.00"), "DEFAULT_LIST")  # the last day is included
    assert _price(drill, on=D(2026, 4, 1)) == (Decimal("97.00"), "DEFAULT_LIST")
    assert _price(drill, on=D(2026, 2, 15), quantity="10") == (Decimal("80.00"), "DEFAULT_LIST")
    assert _price(drill, on=D(2026, 3, 1), quantity="10") == (Decimal("95.00"), "DEFAULT_LIST")  # tier expired
    assert _price(drill, on=D(2027, 1, 1)) == (Decimal("100.00"), "PRODUCT")  # after the list
    update_price_list(actor=owner, price_list_id=retail.pk, changes=PriceListPatch(is_active=False))
    assert _price(drill, on=D(2026, 6, 1)) == (Decimal("100.00"), "PRODUCT")  # an inactive list
    update_price_list(actor=owner, price_list_id=retail.pk, changes=PriceListPatch(is_active=True))
    delete_price_list(actor=owner, price_list_id=retail.pk)
    assert _price(drill, on=D(2026, 6, 1)) == (Decimal("100.00"), "PRODUCT")  # a deleted list


def test_a_deleted_product_keeps_its_prices_but_is_not_resolved_by_code(owner, drill):
    retail = price_list(owner, "Retail", is_default=True)
    item = price(owner, retail, drill, "95.00")
    delete_product(actor=owner, product_id=drill.pk)
    assert PriceListItem.objects.filter(pk=item.pk).exists()
    with pytest.raises(ValidationFailed):
        price(owner, retail, drill, "90.00", min_quantity=5)
