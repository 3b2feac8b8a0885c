"""Lists and lookups of categories, products and price lists, scoped to the organization in context. Deleted rows
are never listed, and their `access_` answers "not found" as for another organization's."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.catalog.models import PartyPriceList, PriceList, PriceListItem, Product, ProductCategory
from comptoir.catalog.queries.refs import resolve_category, resolve_product
from comptoir.parties.queries import resolve_party
from comptoir.platform.errors import NotFound

# The rows a "not found" names (nouns, translated when the message is built).
_CATEGORY = gettext_lazy("category")
_PRODUCT = gettext_lazy("product")
_PRICE_LIST = gettext_lazy("price list")
_PRICE = gettext_lazy("price")
_ASSIGNMENT = gettext_lazy("price list of a party")


def _found(row, what):
    if row is None:
        raise NotFound(_("No such %(what)s") % {"what": what})
    return row


# --- categories ---------------------------------------------------------------------------------------------------


def categories(*, search=None, parent=None, is_active=None):
    """Live categories in tree order (a parent before its children), with their parent and live product count."""
    qs = ProductCategory.objects.filter(deleted_at__isnull=True).select_related("parent")
    qs = qs.annotate(product_count=Count("products", filter=Q(products__deleted_at__isnull=True))).order_by("path")
    if search:
        qs = qs.filter(Q(code__istartswith=search) | Q(name__icontains=search))
    if parent:
        qs = qs.filter(parent=resolve_category(parent, "parent"))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


def access_category(category_id) -> ProductCategory:
    return _found(categories().filter(pk=category_id).first(), _CATEGORY)


# --- products -----------------------------------------------------------------------------------------------------


def products(
    *, search=None, type=None, status=None, category=None, track_inventory=None, tag=None, barcode=None, supplier=None
):
    """Live products. `search` matches the start of the code, SKU or barcode, or a part of the name; `category`
    (id or code) includes its sub-categories."""
    qs = Product.objects.filter(deleted_at__isnull=True).select_related(
        "category", "uom", "currency", "tax_rate", "default_supplier"
    )
    if search:
        qs = qs.filter(
            Q(code__istartswith=search)
            | Q(sku__istartswith=search)
            | Q(barcode__istartswith=search)
            | Q(name__icontains=search)
        )
    if type:
        qs = qs.filter(type=type)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__path__startswith=resolve_category(category).path)
    if track_inventory is not None:
        qs = qs.filter(track_inventory=track_inventory)
    if tag:
        qs = qs.filter(tags__contains=[tag])
    if barcode:
        qs = qs.filter(barcode=barcode)
    if supplier:
        qs = qs.filter(default_supplier=resolve_party(supplier, "supplier"))
    return qs


def access_product(product_id) -> Product:
    return _found(products().filter(pk=product_id).first(), _PRODUCT)


def product_by_barcode(barcode: str) -> Product:
    """The live product carrying `barcode` (the first by code when several do)."""
    return _found(products(barcode=barcode).order_by("code").first() if barcode else None, _PRODUCT)


# --- price lists --------------------------------------------------------------------------------------------------


def price_lists(*, kind=None, currency=None, is_active=None, is_default=None, on_date=None):
    qs = PriceList.objects.filter(deleted_at__isnull=True).select_related("currency")
    qs = qs.annotate(item_count=Count("items")).order_by("name")
    if kind:
        qs = qs.filter(kind=kind)
    if currency:
        qs = qs.filter(currency__code=currency.upper())
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if is_default is not None:
        qs = qs.filter(is_default=is_default)
    if on_date:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date), valid_from__lte=on_date)
    return qs


def access_price_list(price_list_id) -> PriceList:
    return _found(price_lists().filter(pk=price_list_id).first(), _PRICE_LIST)


def price_list_items(price_list_id, *, product=None, on_date=None):
    """The item prices of a live price list (NotFound for a missing or another organization's list)."""
    access_price_list(price_list_id)
    qs = PriceListItem.objects.filter(price_list_id=price_list_id).select_related("product")
    if product:
        qs = qs.filter(product=resolve_product(product))
    if on_date:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date), valid_from__lte=on_date)
    return qs


def access_price_list_item(price_list_id, item_id) -> PriceListItem:
    return _found(price_list_items(price_list_id).filter(pk=item_id).first(), _PRICE)


def prices(*, price_list=None, product=None):
    """The item prices of the live price lists, with their list, product and currency (the desk's price rows)."""
    qs = PriceListItem.objects.filter(price_list__deleted_at__isnull=True).select_related(
        "product", "price_list__currency"
    )
    if price_list:
        qs = qs.filter(price_list_id=price_list)
    if product:
        qs = qs.filter(product=resolve_product(product))
    return qs


def access_price(item_id) -> PriceListItem:
    return _found(prices().filter(pk=item_id).first(), _PRICE)


def product_prices(product_id):
    """The prices of a product on the live price lists, by list, tier and start."""
    return (
        PriceListItem.objects.filter(product_id=product_id, price_list__deleted_at__isnull=True)
        .select_related("price_list__currency")
        .order_by("price_list__name", "min_quantity", "valid_from")
    )


def party_price_lists(*, party=None, kind=None, price_list=None):
    """Which list each party is sold at or bought from at."""
    qs = PartyPriceList.objects.select_related("party", "price_list__currency")
    if party:
        qs = qs.filter(party=resolve_party(party))
    if kind:
        qs = qs.filter(kind=kind)
    if price_list:
        qs = qs.filter(price_list_id=price_list)
    return qs


def access_party_price_list(assignment_id) -> PartyPriceList:
    return _found(party_price_lists().filter(pk=assignment_id).first(), _ASSIGNMENT)
