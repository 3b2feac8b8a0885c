"""The one price resolution sales and purchasing call: the price of a product for a party, a date and a quantity,
in this order — the party's own list of the kind (selling to a customer, buying from a supplier; in the list's
currency), then the default list of the kind in the currency asked for (the base currency unless given), then the
product's own price (its list price when selling, its standard cost when buying).

On a list, the item prices that apply are those of the product in force on the date with a minimum quantity not
above the quantity; the one with the highest minimum quantity wins (the quantity tier), and among windows of one
tier (which never overlap) the one in force. A list applies when it is live, active and valid on the date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Q

from comptoir.catalog.constants import PriceListKind, PriceSource
from comptoir.catalog.models import PartyPriceList, PriceList, PriceListItem, Product
from comptoir.catalog.queries.refs import resolve_currency


@dataclass(frozen=True)
class ResolvedPrice:
    product_id: object
    rate: Decimal
    currency: str
    source: str  # PriceSource
    price_list_id: object = None
    price_list_name: str = ""
    item_id: object = None
    min_quantity: Decimal | None = None


def _valid_on(on_date: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on_date}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on_date})
    )


def _from_list(lists, product: Product, on_date, quantity) -> ResolvedPrice | None:
    """The best item price of `product` on the first of `lists` (a queryset of at most one list) that applies."""
    item = (
        PriceListItem.objects.select_related("price_list__currency")
        .filter(product=product, min_quantity__lte=quantity, price_list__in=lists)
        .filter(_valid_on(on_date))
        .order_by("-min_quantity", "-valid_from")
        .first()
    )
    if item is None:
        return None
    price_list = item.price_list
    return ResolvedPrice(
        product.pk, item.rate, price_list.currency.code, PriceSource.DEFAULT_LIST, price_list.pk, price_list.name,
        item.pk, item.min_quantity,
    )  # fmt: skip


def applicable_lists(*, kind: str, on_date: datetime.date):
    """The live, active price lists of `kind` valid on `on_date`."""
    return PriceList.objects.filter(deleted_at__isnull=True, is_active=True, kind=kind).filter(_valid_on(on_date))


def resolve_price(
    *,
    product: Product,
    on_date: datetime.date,
    quantity: Decimal = Decimal(1),
    kind: str = PriceListKind.SELLING,
    currency: str | None = None,
    party=None,
) -> ResolvedPrice:
    """The price of `product` for `quantity` on `on_date`, sold to or bought from `party` (a Party, or None), in
    the order of the module's docstring."""
    if party is not None:
        assigned = PartyPriceList.objects.filter(party=party, kind=kind).values("price_list_id")
        own = applicable_lists(kind=kind, on_date=on_date).filter(pk__in=assigned)
        found = _from_list(own, product, on_date, quantity)
        if found is not None:
            return replace(found, source=PriceSource.PARTY_LIST)
    default_currency = resolve_currency(currency)
    defaults = applicable_lists(kind=kind, on_date=on_date).filter(is_default=True, currency=default_currency)
    found = _from_list(defaults, product, on_date, quantity)
    if found is not None:
        return found
    rate = product.list_price if kind == PriceListKind.SELLING else product.standard_cost
    return ResolvedPrice(product.pk, rate, product.currency.code, PriceSource.PRODUCT)
